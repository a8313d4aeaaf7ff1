// The kernel log (see executive/klog.h).
//
// Locking: g_log (a Spinlock with interrupts off) protects the ring buffer
// and the console list, so lines from interrupt handlers never interleave
// with a line in progress. In panic mode the lock is ignored: the system is
// single-threaded from then on and the lock may be held by the dead context.
#include "executive/klog.h"

#include "hal/clock.h"
#include "hal/serial.h"
#include "rtl/log.h"
#include "rtl/spinlock.h"

namespace executive::klog {
namespace {

constexpr size_t kBufferBytes = 128 * 1024;
uint8_t g_storage[kBufferBytes];

struct LogState {
  LogBuffer buffer{g_storage, kBufferBytes};
  TextConsole* framebuffer_console = nullptr;
  uint8_t console_level = 7;  // print emerg..info, keep debug quiet
};
rtl::SpinlockProtected<LogState> g_log;
LogState* g_panic_state = nullptr;  // set once in panic mode

void write_raw(LogState& state, std::string_view text) {
  hal::serial::write(text);
  if (state.framebuffer_console) state.framebuffer_console->write(text);
}

void write_consoles(LogState& state, std::string_view line) {
  hal::serial::write(line);
  hal::serial::write("\n");
  if (state.framebuffer_console) {
    state.framebuffer_console->write(line);
    state.framebuffer_console->write("\n");
  }
}

void emit(LogState& state, rtl::LogLevel level, std::string_view text) {
  LogRecord record{};
  record.level = static_cast<uint8_t>(level);
  record.timestamp_ns = hal::clock::now_ns();
  state.buffer.append(record.level, record.timestamp_ns, text);
  if (record.level >= state.console_level) return;
  record.text = text;
  char line[rtl::kMaxLogLine + 32];
  size_t length = format_console_line(record, line, sizeof line);
  write_consoles(state, {line, length});
}

void sink(rtl::LogLevel level, std::string_view text) {
  if (g_panic_state) {
    emit(*g_panic_state, level, text);
    return;
  }
  g_log.with([&](LogState& state) { emit(state, level, text); });
}

}  // namespace

void init() { rtl::set_log_sink(sink); }

void attach_framebuffer_console(TextConsole* console) {
  g_log.with([&](LogState& state) {
    state.framebuffer_console = console;
    // Replay what was logged before the screen existed, as fbcon does.
    uint64_t sequence = state.buffer.oldest_sequence();
    LogRecord record;
    char text[rtl::kMaxLogLine];
    char line[rtl::kMaxLogLine + 32];
    while (state.buffer.read_record(sequence, record, text, sizeof text)) {
      if (record.level >= state.console_level) continue;
      size_t length = format_console_line(record, line, sizeof line);
      console->write({line, length});
      console->write("\n");
    }
  });
}

void set_console_level(uint8_t level) {
  g_log.with([&](LogState& state) { state.console_level = level; });
}

void enter_panic_mode() {
  if (!g_panic_state) g_panic_state = &g_log.unsafe_ignore_lock();
}

void emergency_line(std::string_view text) {
  if (!g_panic_state) enter_panic_mode();
  write_consoles(*g_panic_state, text);
}

void console_write(std::string_view text) {
  if (g_panic_state) return write_raw(*g_panic_state, text);
  g_log.with([&](LogState& state) { write_raw(state, text); });
}

bool read_record(uint64_t& sequence, LogRecord& out, char* text, size_t capacity) {
  return g_log.with([&](LogState& state) { return state.buffer.read_record(sequence, out, text, capacity); });
}

Extent extent() {
  return g_log.with([](LogState& state) {
    return Extent{state.buffer.oldest_sequence(), state.buffer.next_sequence(), state.buffer.capacity()};
  });
}

}  // namespace executive::klog
