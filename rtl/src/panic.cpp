// Panic dispatch. The handler pointer is written once during early boot,
// before interrupts are on, and read by any CPU that panics afterwards.
#include "rtl/panic.h"

#include "rtl/format.h"
#include "rtl/platform.h"

namespace rtl {
namespace {
PanicHandler g_handler = nullptr;
}

PanicHandler set_panic_handler(PanicHandler handler) {
  PanicHandler previous = g_handler;
  g_handler = handler;
  return previous;
}

void panic_report(const PanicReport& report) {
  if (g_handler) g_handler(report);
  // No handler yet, or it returned (it must not): say what we can and stop.
  static constexpr char kPrefix[] = "\nKernel panic - not syncing: ";
  platform::early_write(kPrefix, sizeof kPrefix - 1);
  const char* reason = report.reason ? report.reason : "(no reason)";
  size_t length = 0;
  while (reason[length]) ++length;
  platform::early_write(reason, length);
  platform::early_write("\n", 1);
  platform::halt_forever();
}

void panic_message(const char* file, int line, const char* message) {
  char reason[256];
  format_to_buffer(reason, sizeof reason, "{} ({}:{})", message, file, line);
  panic_report(PanicReport{reason, nullptr});
}

}  // namespace rtl
