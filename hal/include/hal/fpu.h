// Vector (x87/SSE) state management.
//
// The kernel proper is compiled without vector instructions, so entering the
// kernel never clobbers a user thread's XMM registers. The exceptions are
// bracketed: kernel_begin() saves the interrupted context's state into a
// per-CPU area and kernel_end() restores it. Brackets nest (a panic while
// formatting formats again); only the outermost pair saves and restores.
// Interrupts stay as they are: an interrupt handler that itself formats nests.
#pragma once

namespace hal::fpu {

void init();  // enable SSE (CR0/CR4), reset the x87 unit
void kernel_begin();
void kernel_end();

}  // namespace hal::fpu
