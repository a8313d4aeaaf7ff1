// Vector (x87/SSE) state management.
//
// The kernel proper is compiled without vector instructions, so entering the
// kernel never clobbers a user thread's XMM registers.
//
// Threads' vector state is switched lazily: switch_to() only sets CR0.TS;
// the first vector instruction the new thread executes raises #NM, and only
// then is the previous owner's state saved and the new one's loaded. Threads
// that never touch SSE (most servers) never pay for it.
//
// Kernel code that needs SSE (the fmt unit) is bracketed: kernel_begin()
// saves whatever state is live in the registers into a per-CPU area and
// kernel_end() restores it, so the bracket is invisible to the owner.
// Brackets nest (a panic while formatting formats again) and keep interrupts
// off for their whole duration.
#pragma once

#include <cstdint>

namespace hal::fpu {

struct alignas(16) State {
  uint8_t area[512];  // FXSAVE image
  bool loaded_once;   // false: first use starts from a clean FNINIT state
};

void init();  // enable SSE (CR0/CR4), reset the x87 unit, install the #NM handler
void kernel_begin();
void kernel_end();

// Makes `next` the state the current CPU will load on first use (lazily).
void switch_to(State* next);
// The running user thread's state (`current`, the one switch_to made
// current) as a 512-byte FXSAVE image, wherever it lives now (registers or
// `current->area`); a state never loaded reads as the clean FNINIT image.
void save_current(State* current, void* image);
// Replaces that state with `image` (MXCSR already sanitised); it is loaded
// into the registers lazily, at the thread's next vector instruction.
void load_current(State* current, const void* image);

// The state is going away (thread exit): forget it if it owns the registers.
void release(State* state);

}  // namespace hal::fpu
