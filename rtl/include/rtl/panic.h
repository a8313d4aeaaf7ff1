// Panic: the kernel's reaction to a broken invariant. Ordinary failures are
// Result values; panic is reserved for states the code cannot continue from.
//
// rtl only declares the entry points. The executive installs the handler that
// prints `Kernel panic - not syncing: ...`, registers, a symbolized backtrace,
// and stops; the host build installs one that aborts the test. Until a handler
// is installed (very early boot), panic halts through the platform hook.
#pragma once

#include <cstddef>

namespace rtl {

// What the handler receives. `trap_frame` is the architecture's saved
// register frame when the panic comes from an exception, else null; only the
// HAL knows its layout.
struct PanicReport {
  const char* reason;      // NUL-terminated, already formatted
  const void* trap_frame;  // hal::TrapFrame* or null
};

using PanicHandler = void (*)(const PanicReport& report);
PanicHandler set_panic_handler(PanicHandler handler);  // returns the previous one

[[noreturn]] void panic_report(const PanicReport& report);
[[noreturn]] void panic_message(const char* file, int line, const char* message);

}  // namespace rtl

// Kernel assertion: always on, in every build. A failure panics with the
// expression and its location.
#define RTL_ASSERT(condition)                                                    \
  do {                                                                           \
    if (!(condition)) [[unlikely]]                                               \
      ::rtl::panic_message(__FILE__, __LINE__, "assertion failed: " #condition); \
  } while (0)
