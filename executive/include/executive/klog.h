// The kernel log (Linux's printk buffer): every rtl::printk line lands here
// with a timestamp and level, is kept in a ring buffer that dmesg and
// syslog(2) read, and is echoed to the consoles (serial and framebuffer)
// when its level is below the console log level.
#pragma once

#include <cstdint>
#include <string_view>

#include "executive/log_buffer.h"
#include "executive/text_console.h"

namespace executive::klog {

// Installs klog as rtl's log sink. Lines printed before are on serial only.
void init();
// Adds the framebuffer console (call once a font and framebuffer exist).
void attach_framebuffer_console(TextConsole* console);
// Lines of level >= this are kept but not printed (Linux's console_loglevel).
void set_console_level(uint8_t level);

// Panic mode: stop honouring the log lock (the panicking context may hold
// it) and write straight to the consoles, like Linux's bust_spinlocks.
void enter_panic_mode();
// Writes a raw line to every console (used by panic after the header).
void emergency_line(std::string_view text);

// Raw console output for user programs' terminals (no timestamp, not
// kept in the ring buffer), serialized with log lines.
void console_write(std::string_view text);

// Copies one record out under the lock (dmesg, syslog(2)); see
// LogBuffer::read_record for the sequence semantics.
bool read_record(uint64_t& sequence, LogRecord& out, char* text, size_t capacity);

// The ring's extent, for syslog(2)'s size queries and clear position.
struct Extent {
  uint64_t oldest_sequence;
  uint64_t next_sequence;
  size_t capacity_bytes;
};
Extent extent();

}  // namespace executive::klog
