// See hal/fpu.h. One CPU for now: the save area and nesting depth are
// per-CPU data once SMP arrives (they move into the per-CPU block).
#include "hal/fpu.h"

#include <cstdint>

#include "hal/cpu.h"

namespace hal::fpu {
namespace {

// The interrupted context's vector state while a bracket is open. Interrupts
// are off for the whole outermost bracket, so no handler can use SSE between
// the save and the restore; only exceptions raised inside (a panic) nest.
alignas(16) uint8_t g_save_area[512];
uint32_t g_depth = 0;
uint64_t g_saved_flags = 0;

}  // namespace

void init() {
  uint64_t cr0 = x86::read_cr0();
  cr0 &= ~(x86::kCr0Emulation | x86::kCr0TaskSwitched);
  cr0 |= x86::kCr0MonitorCoprocessor;
  x86::write_cr0(cr0);
  x86::write_cr4(x86::read_cr4() | x86::kCr4OsFxsr | x86::kCr4OsXmmExcpt);
  asm volatile("fninit");
}

void kernel_begin() {
  uint64_t flags = x86::read_rflags();
  x86::cli();
  if (g_depth++ == 0) {
    g_saved_flags = flags;
    asm volatile("fxsave64 %0" : "=m"(g_save_area) : : "memory");
  }
}

void kernel_end() {
  if (--g_depth == 0) {
    asm volatile("fxrstor64 %0" : : "m"(g_save_area) : "memory");
    if (g_saved_flags & x86::kRflagsInterrupt) x86::sti();
  }
}

}  // namespace hal::fpu
