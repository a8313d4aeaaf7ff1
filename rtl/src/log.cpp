#include "rtl/log.h"

#include "rtl/format.h"
#include "rtl/platform.h"

namespace rtl {
namespace {
// Written once when the executive's klog comes up, before other CPUs run.
LogSink g_sink = nullptr;
}  // namespace

LogSink set_log_sink(LogSink sink) {
  LogSink previous = g_sink;
  g_sink = sink;
  return previous;
}

void vprintk(LogLevel level, fmt::string_view format, fmt::format_args args) {
  char line[kMaxLogLine];
  size_t length = vformat_to_buffer(line, sizeof line, format, args);
  // Lines are single records; a stray trailing newline would make an empty one.
  while (length > 0 && line[length - 1] == '\n') --length;
  if (g_sink) {
    g_sink(level, std::string_view(line, length));
    return;
  }
  platform::early_write(line, length);
  platform::early_write("\n", 1);
}

}  // namespace rtl
