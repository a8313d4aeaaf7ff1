// The terminal line discipline (Linux's n_tty): between a character device
// (console keyboard, serial port) and the processes reading and writing the
// tty. Input side: mapping (ICRNL...), signal characters (ISIG), canonical
// line editing (erase, word erase, kill, EOF, literal-next) and echo.
// Read side: one line per read in canonical mode, VMIN/VTIME rules in raw
// mode. Output side: OPOST processing (ONLCR: "\n" -> "\r\n").
//
// Fixed 4096-byte input buffer, no allocation. In canonical mode the buffer
// keeps one byte for a line terminator, so a full line can still be ended.
// Not thread-safe: the tty object's lock serialises every call, and the
// output sink is called with it held (it must not re-enter the discipline).
//
// Deliberately left out (later, if a program needs them): IXON output
// stopping beyond recording the state, parity and BREAK handling, VREPRINT,
// VDISCARD, column tracking for tab erase, IUCLC/OLCUC.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bsdlayer/linux/termios.h"
#include "rtl/result.h"

namespace bsdlayer {

class LineDiscipline {
 public:
  static constexpr size_t kBufferSize = 4096;

  // Where echo and processed output go: the device's transmit side.
  using OutputSink = void (*)(void* context, const uint8_t* bytes, size_t length);

  LineDiscipline(OutputSink sink, void* context);

  // TCGETS / TCSETS*. Switching canonical mode off makes a partly edited
  // line readable; switching it on treats what is buffered as finished input.
  const linux_abi::Termios& termios() const { return termios_; }
  void set_termios(const linux_abi::Termios& termios);

  // TIOCGWINSZ / TIOCSWINSZ. set_winsize returns true when the size changed:
  // the glue then sends SIGWINCH to the foreground process group.
  linux_abi::WinSize winsize() const { return winsize_; }
  bool set_winsize(const linux_abi::WinSize& size);

  // One character from the device. Returns the signal (kSIGINT, kSIGQUIT,
  // kSIGTSTP) the glue must send to the foreground process group, else 0.
  int receive_char(uint8_t c);

  // A process's read(). Canonical: at most one line, the terminator
  // included, EOF (VEOF at line start) reads as 0. Raw: VMIN > 0 waits for
  // min(VMIN, length) bytes; VMIN = 0, VTIME = 0 returns what is there,
  // possibly 0. would_block means "sleep until receive_char() makes
  // can_read() true" (or EAGAIN with O_NONBLOCK). With VTIME > 0 the glue
  // bounds that sleep by read_timeout_ds() tenths of a second (for VMIN > 0
  // only once a byte has arrived) and then calls read with timed_out = true,
  // which returns what is there, possibly 0.
  rtl::Result<size_t> read(uint8_t* buffer, size_t length, bool timed_out = false);
  bool can_read() const;
  uint8_t read_timeout_ds() const { return termios_.c_cc[linux_abi::kVTIME]; }

  // FIONREAD: bytes a read could return now (in canonical mode: of finished lines).
  size_t readable_bytes() const;

  // A process's write(): OPOST processing, then the sink. Returns `length`.
  size_t write(const uint8_t* bytes, size_t length);

  // TCFLSH(TCIFLUSH), TCSETSF, and the ISIG flush.
  void flush_input();

  // IXON: true between VSTOP and VSTART; the device driver may hold output.
  bool output_stopped() const { return output_stopped_; }

 private:
  bool canonical() const { return termios_.c_lflag & linux_abi::kICANON; }
  bool lflag(uint32_t bit) const { return termios_.c_lflag & bit; }
  bool is_cc(uint8_t c, size_t index) const;

  void emit(const uint8_t* bytes, size_t length);  // with OPOST processing
  void emit_byte(uint8_t c) { emit(&c, 1); }
  void echo_char(uint8_t c);
  void echo_erase(uint8_t erased);

  enum class Mark : uint8_t { none, line_end, eof };
  bool store(uint8_t c, Mark mark);
  bool erase_last();  // one byte of the line being edited; false if none
  size_t edit_length() const { return count_ - committed_; }
  uint8_t at(size_t offset) const { return buffer_[(head_ + offset) % kBufferSize]; }
  static bool test_bit(const uint8_t* bits, size_t index) { return bits[index / 8] & (1u << (index % 8)); }
  static void put_bit(uint8_t* bits, size_t index, bool on);

  OutputSink sink_;
  void* context_;
  linux_abi::Termios termios_;
  linux_abi::WinSize winsize_;
  bool literal_next_ = false;
  bool output_stopped_ = false;

  // Ring buffer: [head_, head_ + committed_) is readable input,
  // [committed_, count_) the line being edited (canonical mode only).
  uint8_t buffer_[kBufferSize];
  // By physical index: the byte ends a line (newline, VEOL, VEOL2, VEOF);
  // eof_marks_ also set for VEOF, which is consumed but never returned.
  uint8_t delimiters_[kBufferSize / 8] = {};
  uint8_t eof_marks_[kBufferSize / 8] = {};
  size_t head_ = 0;
  size_t count_ = 0;
  size_t committed_ = 0;
};

}  // namespace bsdlayer
