#include "bsdlayer/tty/line_discipline.h"

#include "bsdlayer/linux/signal.h"

namespace bsdlayer {

using namespace linux_abi;

namespace {

bool is_control(uint8_t c) { return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f; }
bool is_blank(uint8_t c) { return c == ' ' || c == '\t'; }

}  // namespace

LineDiscipline::LineDiscipline(OutputSink sink, void* context)
    : sink_(sink), context_(context), termios_(default_termios()), winsize_(kDefaultWinSize) {}

void LineDiscipline::put_bit(uint8_t* bits, size_t index, bool on) {
  const uint8_t mask = static_cast<uint8_t>(1u << (index % 8));
  bits[index / 8] = on ? (bits[index / 8] | mask) : (bits[index / 8] & ~mask);
}

// _POSIX_VDISABLE is 0 on Linux: a zero c_cc entry matches nothing.
bool LineDiscipline::is_cc(uint8_t c, size_t index) const {
  return termios_.c_cc[index] != 0 && c == termios_.c_cc[index];
}

void LineDiscipline::set_termios(const Termios& termios) {
  termios_ = termios;
  // Either direction: everything buffered becomes readable input; a line
  // being edited is not lost when a program switches to raw mode.
  committed_ = count_;
  literal_next_ = false;
}

bool LineDiscipline::set_winsize(const WinSize& size) {
  const bool changed = size.ws_row != winsize_.ws_row || size.ws_col != winsize_.ws_col ||
                       size.ws_xpixel != winsize_.ws_xpixel || size.ws_ypixel != winsize_.ws_ypixel;
  winsize_ = size;
  return changed;
}

void LineDiscipline::flush_input() {
  head_ = count_ = committed_ = 0;
  literal_next_ = false;
}

void LineDiscipline::emit(const uint8_t* bytes, size_t length) {
  if (!(termios_.c_oflag & kOPOST)) {
    if (length) sink_(context_, bytes, length);
    return;
  }
  uint8_t chunk[128];
  size_t used = 0;
  for (size_t i = 0; i < length; ++i) {
    if (used + 2 > sizeof chunk) {
      sink_(context_, chunk, used);
      used = 0;
    }
    uint8_t c = bytes[i];
    if (c == '\n' && (termios_.c_oflag & kONLCR)) {
      chunk[used++] = '\r';
    } else if (c == '\r' && (termios_.c_oflag & kOCRNL)) {
      c = '\n';
    }
    chunk[used++] = c;
  }
  if (used) sink_(context_, chunk, used);
}

void LineDiscipline::echo_char(uint8_t c) {
  if (!lflag(kECHO)) return;
  if (lflag(kECHOCTL) && is_control(c)) {
    const uint8_t caret[2] = {'^', static_cast<uint8_t>(c ^ 0x40)};  // DEL shows as ^?
    emit(caret, 2);
  } else {
    emit_byte(c);
  }
}

void LineDiscipline::echo_erase(uint8_t erased) {
  if (!lflag(kECHO)) return;
  if (!lflag(kECHOE)) {
    echo_char(termios_.c_cc[kVERASE]);
    return;
  }
  static constexpr uint8_t kRubout[3] = {'\b', ' ', '\b'};
  const int columns = lflag(kECHOCTL) && is_control(erased) ? 2 : 1;
  for (int i = 0; i < columns; ++i) emit(kRubout, 3);
}

bool LineDiscipline::store(uint8_t c, Mark mark) {
  // Canonical mode keeps the last byte for a terminator.
  const size_t limit = canonical() && mark == Mark::none ? kBufferSize - 1 : kBufferSize;
  if (count_ >= limit) return false;
  const size_t physical = (head_ + count_) % kBufferSize;
  buffer_[physical] = c;
  put_bit(delimiters_, physical, mark != Mark::none);
  put_bit(eof_marks_, physical, mark == Mark::eof);
  ++count_;
  if (!canonical() || mark != Mark::none) committed_ = count_;
  return true;
}

bool LineDiscipline::erase_last() {
  if (edit_length() == 0) return false;
  --count_;
  return true;
}

int LineDiscipline::receive_char(uint8_t c) {
  const uint32_t iflag = termios_.c_iflag;
  if (iflag & kISTRIP) c &= 0x7f;

  if (literal_next_) {
    literal_next_ = false;
    if (lflag(kECHO) && lflag(kECHOCTL)) emit_byte('\b');  // over the '^' shown for VLNEXT
    if (store(c, Mark::none)) echo_char(c);
    return 0;
  }

  if (c == '\r') {
    if (iflag & kIGNCR) return 0;
    if (iflag & kICRNL) c = '\n';
  } else if (c == '\n' && (iflag & kINLCR)) {
    c = '\r';
  }

  if (lflag(kISIG)) {
    int signo = 0;
    if (is_cc(c, kVINTR)) signo = kSIGINT;
    else if (is_cc(c, kVQUIT)) signo = kSIGQUIT;
    else if (is_cc(c, kVSUSP)) signo = kSIGTSTP;
    if (signo) {
      if (!lflag(kNOFLSH)) flush_input();
      echo_char(c);
      return signo;
    }
  }

  if (iflag & kIXON) {
    if (is_cc(c, kVSTOP)) {
      output_stopped_ = true;
      return 0;
    }
    if (is_cc(c, kVSTART)) {
      output_stopped_ = false;
      return 0;
    }
    if (iflag & kIXANY) output_stopped_ = false;
  }

  if (!canonical()) {
    if (store(c, Mark::none)) echo_char(c);
    return 0;
  }

  if (lflag(kIEXTEN) && is_cc(c, kVLNEXT)) {
    literal_next_ = true;
    if (lflag(kECHO) && lflag(kECHOCTL)) emit_byte('^');
    return 0;
  }
  if (is_cc(c, kVERASE)) {
    if (erase_last()) echo_erase(at(count_));
    return 0;
  }
  if (lflag(kIEXTEN) && is_cc(c, kVWERASE)) {
    while (edit_length() && is_blank(at(count_ - 1)) && erase_last()) echo_erase(at(count_));
    while (edit_length() && !is_blank(at(count_ - 1)) && erase_last()) echo_erase(at(count_));
    return 0;
  }
  if (is_cc(c, kVKILL)) {
    if (lflag(kECHO) && lflag(kECHOK) && lflag(kECHOKE) && lflag(kECHOE)) {
      while (erase_last()) echo_erase(at(count_));
    } else {
      count_ = committed_;
      echo_char(c);
      if (lflag(kECHO) && lflag(kECHOK)) emit_byte('\n');
    }
    return 0;
  }
  if (is_cc(c, kVEOF)) {
    store(c, Mark::eof);  // never echoed, never returned
    return 0;
  }
  if (c == '\n' || is_cc(c, kVEOL) || is_cc(c, kVEOL2)) {
    if (!store(c, Mark::line_end)) return 0;
    if (lflag(kECHO) || (c == '\n' && lflag(kECHONL))) echo_char(c);
    return 0;
  }
  if (store(c, Mark::none)) echo_char(c);
  return 0;
}

bool LineDiscipline::can_read() const { return committed_ > 0; }

size_t LineDiscipline::readable_bytes() const {
  size_t bytes = 0;
  for (size_t i = 0; i < committed_; ++i)
    if (!test_bit(eof_marks_, (head_ + i) % kBufferSize)) ++bytes;
  return bytes;
}

rtl::Result<size_t> LineDiscipline::read(uint8_t* buffer, size_t length, bool timed_out) {
  if (length == 0) return size_t{0};

  if (canonical()) {
    if (committed_ == 0) return rtl::Errc::would_block;
    size_t copied = 0;
    while (copied < length && committed_ > 0) {
      const size_t physical = head_;
      const uint8_t c = buffer_[physical];
      const bool delimiter = test_bit(delimiters_, physical);
      const bool eof = test_bit(eof_marks_, physical);
      head_ = (head_ + 1) % kBufferSize;
      --count_;
      --committed_;
      if (eof) break;  // consumed, not returned; ends this read (0 at line start)
      buffer[copied++] = c;
      if (delimiter) break;
    }
    return copied;
  }

  const size_t vmin = termios_.c_cc[kVMIN];
  const size_t vtime = termios_.c_cc[kVTIME];
  const size_t available = committed_;
  if (vmin == 0) {
    if (available == 0 && vtime != 0 && !timed_out) return rtl::Errc::would_block;
  } else {
    const size_t needed = vmin < length ? vmin : length;
    if (available < needed && !(timed_out && vtime != 0 && available > 0)) return rtl::Errc::would_block;
  }
  const size_t n = available < length ? available : length;
  for (size_t i = 0; i < n; ++i) buffer[i] = at(i);
  head_ = (head_ + n) % kBufferSize;
  count_ -= n;
  committed_ -= n;
  return n;
}

size_t LineDiscipline::write(const uint8_t* bytes, size_t length) {
  emit(bytes, length);
  return length;
}

}  // namespace bsdlayer
