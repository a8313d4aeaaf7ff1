// printk for every layer. rtl formats the message; whoever owns the kernel
// log (the executive's klog: ring buffer, timestamps, consoles) installs a
// sink. Before that, lines go to platform::early_write so the very first
// boot messages are never lost.
//
// Levels are Linux's, so dmesg and syslog(2) can expose them unchanged.
#pragma once

#include <cstdint>
#include <string_view>

#include "rtl/fmt.h"

namespace rtl {

enum class LogLevel : uint8_t {
  emerg = 0,
  alert = 1,
  crit = 2,
  err = 3,
  warning = 4,
  notice = 5,
  info = 6,
  debug = 7,
};

// Receives one complete line without its trailing newline. Called with the
// caller's interrupt state; the sink does its own locking.
using LogSink = void (*)(LogLevel level, std::string_view line);
LogSink set_log_sink(LogSink sink);  // returns the previous one

// Longest line kept; longer messages are truncated, never split.
inline constexpr size_t kMaxLogLine = 512;

void vprintk(LogLevel level, fmt::string_view format, fmt::format_args args);

template <typename... Args>
void printk(LogLevel level, fmt::format_string<Args...> format, Args&&... args) {
  vprintk(level, format, fmt::make_format_args(args...));
}

#define RTL_DEFINE_LOG_LEVEL(function, level)                              \
  template <typename... Args>                                              \
  void function(fmt::format_string<Args...> format, Args&&... args) {      \
    vprintk(LogLevel::level, format, fmt::make_format_args(args...));      \
  }
RTL_DEFINE_LOG_LEVEL(pr_emerg, emerg)
RTL_DEFINE_LOG_LEVEL(pr_crit, crit)
RTL_DEFINE_LOG_LEVEL(pr_err, err)
RTL_DEFINE_LOG_LEVEL(pr_warn, warning)
RTL_DEFINE_LOG_LEVEL(pr_notice, notice)
RTL_DEFINE_LOG_LEVEL(pr_info, info)
RTL_DEFINE_LOG_LEVEL(pr_debug, debug)
#undef RTL_DEFINE_LOG_LEVEL

}  // namespace rtl
