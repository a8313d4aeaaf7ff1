// rtl's machine hooks (rtl/include/rtl/platform.h) for x86-64.
#include "rtl/platform.h"

#include "hal/cpu.h"
#include "hal/fpu.h"
#include "hal/serial.h"

namespace rtl::platform {

IrqState irq_save() {
  IrqState flags = hal::x86::read_rflags();
  hal::x86::cli();
  return flags;
}

void irq_restore(IrqState state) {
  if (state & hal::x86::kRflagsInterrupt) hal::x86::sti();
}

void cpu_relax() { asm volatile("pause"); }

void fpu_begin() { hal::fpu::kernel_begin(); }
void fpu_end() { hal::fpu::kernel_end(); }

void early_write(const char* text, size_t length) { hal::serial::write({text, length}); }

void halt_forever() {
  for (;;) {
    hal::x86::cli();
    hal::x86::hlt();
  }
}

}  // namespace rtl::platform
