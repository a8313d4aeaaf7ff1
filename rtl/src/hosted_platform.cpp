// rtl::platform on the host (tests). No real interrupts or vector state to
// manage, so both are simulated per thread: enough for tests to check that
// spinlocks disable and restore "interrupts" in pairs and that formatting
// brackets itself with fpu_begin/fpu_end.
#include <unistd.h>

#include <cstdlib>

#include "rtl/hosted.h"
#include "rtl/platform.h"

namespace rtl::hosted {
// hosted_runtime.o installs the heap and panic handler from a static
// constructor, but nothing calls into it, so a linker pulling objects out of
// a static archive would leave it behind. This object is always linked
// (rtl's portable code calls the platform hooks); referencing the runtime's
// anchor from here drags it in too.
extern const bool g_runtime_linked;
[[gnu::used]] static const bool* const g_runtime_anchor = &g_runtime_linked;
}  // namespace rtl::hosted

namespace {
// Per thread, like a CPU's RFLAGS.IF and its kernel FPU nesting depth.
thread_local bool t_interrupts_enabled = true;
thread_local int t_fpu_depth = 0;
}  // namespace

namespace rtl::platform {

IrqState irq_save() {
  IrqState previous = t_interrupts_enabled ? 1 : 0;
  t_interrupts_enabled = false;
  return previous;
}

void irq_restore(IrqState state) { t_interrupts_enabled = state != 0; }

void cpu_relax() {}

void fpu_begin() { ++t_fpu_depth; }

void fpu_end() {
  if (--t_fpu_depth < 0) abort();  // unbalanced: a bug in rtl, not the test
}

void early_write(const char* text, size_t length) {
  while (length > 0) {
    ssize_t written = write(STDERR_FILENO, text, length);
    if (written <= 0) return;
    text += written;
    length -= static_cast<size_t>(written);
  }
}

void halt_forever() { abort(); }

}  // namespace rtl::platform

namespace rtl::hosted {
bool interrupts_enabled() { return t_interrupts_enabled; }
int fpu_depth() { return t_fpu_depth; }
}  // namespace rtl::hosted
