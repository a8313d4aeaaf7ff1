// The handful of machine services rtl needs but cannot implement itself:
// rtl sits below every layer, so these are bound at link time: to the HAL in
// the kernel (hal/x86_64/rtl_platform.cpp), and on the host to
// rtl/src/hosted_platform.cpp, which simulates the interrupt flag and FPU
// nesting per thread so tests can observe them (rtl/hosted.h).
// Nothing else in rtl knows which machine it runs on.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rtl::platform {

// Interrupt state for spinlocks: irq_save disables local interrupts and
// returns the previous state, irq_restore puts it back.
using IrqState = uintptr_t;
IrqState irq_save();
void irq_restore(IrqState state);

// Local interrupts off for a scope; restore() ends it early (before
// touching user memory, say).
class InterruptsOff {
 public:
  InterruptsOff() : state_(irq_save()) {}
  ~InterruptsOff() { restore(); }
  InterruptsOff(const InterruptsOff&) = delete;
  InterruptsOff& operator=(const InterruptsOff&) = delete;
  void restore() {
    if (held_) irq_restore(state_);
    held_ = false;
  }

 private:
  IrqState state_;
  bool held_ = true;
};
void cpu_relax();  // spin-wait hint (PAUSE)

// Brackets code compiled with SSE (the fmt unit). Saves the interrupted
// context's vector state and restores it; nests.
void fpu_begin();
void fpu_end();

// Last-resort output, usable before the kernel log exists and inside panic.
void early_write(const char* text, size_t length);

[[noreturn]] void halt_forever();

}  // namespace rtl::platform
