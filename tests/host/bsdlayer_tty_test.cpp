// bsdlayer::LineDiscipline and the termios ABI: layouts against the host's
// kernel headers, cooked-mode editing, signals, raw reads, output processing.
#include <asm/ioctls.h>
#include <asm/termbits.h>

#include <gtest/gtest.h>

#include <string>

#include "bsdlayer/linux/signal.h"
#include "bsdlayer/linux/termios.h"
#include "bsdlayer/tty/line_discipline.h"

namespace {

using namespace bsdlayer::linux_abi;
using bsdlayer::LineDiscipline;

TEST(BsdTermios, LayoutMatchesTheKernel) {
  EXPECT_EQ(sizeof(Termios), sizeof(struct termios));
  EXPECT_EQ(kNCCS, static_cast<size_t>(NCCS));
  EXPECT_EQ(offsetof(Termios, c_cc), offsetof(struct termios, c_cc));
  EXPECT_EQ(sizeof(Termios2), sizeof(struct termios2));
  EXPECT_EQ(offsetof(Termios2, c_ispeed), offsetof(struct termios2, c_ispeed));
  EXPECT_EQ(kTCGETS, static_cast<uint32_t>(TCGETS));
  EXPECT_EQ(kTCSETSF, static_cast<uint32_t>(TCSETSF));
  EXPECT_EQ(kTIOCGWINSZ, static_cast<uint32_t>(TIOCGWINSZ));
  EXPECT_EQ(kTIOCSWINSZ, static_cast<uint32_t>(TIOCSWINSZ));
  EXPECT_EQ(kTIOCSPGRP, static_cast<uint32_t>(TIOCSPGRP));
  EXPECT_EQ(kFIONREAD, static_cast<uint32_t>(FIONREAD));
  EXPECT_EQ(kTCGETS2, static_cast<uint32_t>(TCGETS2));
  EXPECT_EQ(kTCSETS2, static_cast<uint32_t>(TCSETS2));
  EXPECT_EQ(kVINTR, static_cast<size_t>(VINTR));
  EXPECT_EQ(kVMIN, static_cast<size_t>(VMIN));
  EXPECT_EQ(kVTIME, static_cast<size_t>(VTIME));
  EXPECT_EQ(kVSUSP, static_cast<size_t>(VSUSP));
  EXPECT_EQ(kVLNEXT, static_cast<size_t>(VLNEXT));
  EXPECT_EQ(kICANON, static_cast<uint32_t>(ICANON));
  EXPECT_EQ(kECHOCTL, static_cast<uint32_t>(ECHOCTL));
  EXPECT_EQ(kECHOKE, static_cast<uint32_t>(ECHOKE));
  EXPECT_EQ(kIEXTEN, static_cast<uint32_t>(IEXTEN));
  EXPECT_EQ(kICRNL, static_cast<uint32_t>(ICRNL));
  EXPECT_EQ(kIXON, static_cast<uint32_t>(IXON));
  EXPECT_EQ(kONLCR, static_cast<uint32_t>(ONLCR));
  EXPECT_EQ(kCS8 | kCREAD | kHUPCL, static_cast<uint32_t>(CS8 | CREAD | HUPCL));
}

TEST(BsdTermios, DefaultsAreCooked) {
  const Termios t = default_termios();
  for (uint32_t bit : {kICANON, kECHO, kECHOE, kECHOK, kISIG})
    EXPECT_TRUE(t.c_lflag & bit) << bit;
  EXPECT_TRUE(t.c_iflag & kICRNL);
  EXPECT_TRUE(t.c_oflag & kOPOST);
  EXPECT_TRUE(t.c_oflag & kONLCR);
  EXPECT_EQ(t.c_cc[kVINTR], 3);
  EXPECT_EQ(t.c_cc[kVQUIT], 0x1c);
  EXPECT_EQ(t.c_cc[kVERASE], 0x7f);
  EXPECT_EQ(t.c_cc[kVKILL], 0x15);
  EXPECT_EQ(t.c_cc[kVEOF], 4);
  EXPECT_EQ(t.c_cc[kVSUSP], 0x1a);
  EXPECT_EQ(t.c_cc[kVMIN], 1);
  EXPECT_EQ(t.c_cc[kVTIME], 0);
}

// A line discipline whose device output lands in a string.
struct Tty {
  std::string output;
  LineDiscipline ld{[](void* self, const uint8_t* bytes, size_t length) {
                      static_cast<Tty*>(self)->output.append(reinterpret_cast<const char*>(bytes), length);
                    },
                    this};

  int type(const std::string& keys) {
    int last_signal = 0;
    for (char c : keys)
      if (int s = ld.receive_char(static_cast<uint8_t>(c))) last_signal = s;
    return last_signal;
  }
  // Reads once; "<block>" if the discipline would block.
  std::string read(size_t length = 100, bool timed_out = false) {
    uint8_t buffer[4096];
    auto r = ld.read(buffer, length, timed_out);
    if (r.is_error()) return r.error() == rtl::Errc::would_block ? "<block>" : "<error>";
    return std::string(reinterpret_cast<const char*>(buffer), r.value());
  }
  void raw(uint8_t vmin, uint8_t vtime) {
    Termios t = ld.termios();
    t.c_lflag &= ~(kICANON | kECHO | kISIG | kIEXTEN);
    t.c_iflag &= ~(kICRNL | kIXON);
    t.c_cc[kVMIN] = vmin;
    t.c_cc[kVTIME] = vtime;
    ld.set_termios(t);
  }
};

TEST(BsdLineDiscipline, CanonicalEraseAndEcho) {
  Tty tty;
  EXPECT_EQ(tty.read(), "<block>");
  tty.type("ab\x7f" "c");
  EXPECT_FALSE(tty.ld.can_read());  // no line yet
  EXPECT_EQ(tty.read(), "<block>");
  tty.type("\n");
  EXPECT_EQ(tty.ld.readable_bytes(), 3u);
  EXPECT_EQ(tty.read(), "ac\n");
  EXPECT_EQ(tty.output, "ab\b \bc\r\n");
  EXPECT_EQ(tty.read(), "<block>");
}

TEST(BsdLineDiscipline, CarriageReturnEndsTheLine) {
  Tty tty;
  tty.type("ls\r");
  EXPECT_EQ(tty.read(), "ls\n");
}

TEST(BsdLineDiscipline, OneLinePerReadAndShortReads) {
  Tty tty;
  tty.type("one\ntwo\n");
  EXPECT_EQ(tty.read(2), "on");
  EXPECT_EQ(tty.read(), "e\n");
  EXPECT_EQ(tty.read(), "two\n");
}

TEST(BsdLineDiscipline, EraseStopsAtLineStart) {
  Tty tty;
  tty.type("x\n\x7f\x7fy\n");
  EXPECT_EQ(tty.read(), "x\n");
  EXPECT_EQ(tty.read(), "y\n");
}

TEST(BsdLineDiscipline, KillCharErasesTheLine) {
  Tty tty;
  tty.type("garbage\x15ok\n");
  EXPECT_EQ(tty.read(), "ok\n");
  // ECHOKE with ECHOE: the killed characters are rubbed out one by one.
  EXPECT_EQ(tty.output.find("garbage"), 0u);
  EXPECT_NE(tty.output.find("\b \b\b \b"), std::string::npos);
  EXPECT_EQ(tty.output.substr(tty.output.size() - 4), "ok\r\n");

  Tty plain;
  Termios t = plain.ld.termios();
  t.c_lflag &= ~kECHOKE;
  plain.ld.set_termios(t);
  plain.type("abc\x15" "d\n");
  EXPECT_EQ(plain.read(), "d\n");
  EXPECT_EQ(plain.output, "abc^U\r\nd\r\n");
}

TEST(BsdLineDiscipline, WordErase) {
  Tty tty;
  tty.type("echo hello  \x17world\n");
  EXPECT_EQ(tty.read(), "echo world\n");
}

TEST(BsdLineDiscipline, EofAtLineStartReadsZero) {
  Tty tty;
  tty.type("\x04");
  EXPECT_TRUE(tty.ld.can_read());
  EXPECT_EQ(tty.read(), "");
  EXPECT_EQ(tty.read(), "<block>");
  // Mid-line, EOF hands over the line without a newline.
  tty.type("abc\x04");
  EXPECT_EQ(tty.read(), "abc");
  EXPECT_EQ(tty.output, "abc");  // EOF is not echoed
}

TEST(BsdLineDiscipline, InterruptSignalsFlushesAndEchoes) {
  Tty tty;
  tty.type("done\n");
  EXPECT_EQ(tty.type("partial\x03"), kSIGINT);
  EXPECT_EQ(tty.output, "done\r\npartial^C");
  EXPECT_EQ(tty.read(), "<block>");  // both the finished and the partial line are gone
  EXPECT_EQ(tty.type("\x1c"), kSIGQUIT);
  EXPECT_EQ(tty.type("\x1a"), kSIGTSTP);

  // NOFLSH keeps the input; without ISIG ^C is an ordinary byte.
  Termios t = tty.ld.termios();
  t.c_lflag |= kNOFLSH;
  tty.ld.set_termios(t);
  tty.type("kept\n");
  EXPECT_EQ(tty.type("\x03"), kSIGINT);
  EXPECT_EQ(tty.read(), "kept\n");
  t.c_lflag &= ~(kISIG | kNOFLSH);
  tty.ld.set_termios(t);
  EXPECT_EQ(tty.type("\x03\n"), 0);
  EXPECT_EQ(tty.read(), "\x03\n");
}

TEST(BsdLineDiscipline, LiteralNext) {
  Tty tty;
  tty.type("a\x16\x7f\n");
  EXPECT_EQ(tty.read(), "a\x7f\n");
}

TEST(BsdLineDiscipline, RawModeVminOne) {
  Tty tty;
  tty.raw(1, 0);
  EXPECT_EQ(tty.read(), "<block>");
  tty.type("q");
  EXPECT_TRUE(tty.ld.can_read());
  EXPECT_EQ(tty.read(), "q");
  tty.type("\r\x03\x7f");  // no mapping, no signals, no editing
  EXPECT_EQ(tty.read(), "\r\x03\x7f");
  EXPECT_EQ(tty.output, "");  // ECHO off
}

TEST(BsdLineDiscipline, RawModeVminWaitsForEnough) {
  Tty tty;
  tty.raw(3, 0);
  tty.type("ab");
  EXPECT_EQ(tty.read(), "<block>");
  EXPECT_EQ(tty.read(2), "ab");  // a shorter read needs only its own length
  tty.type("cde");
  EXPECT_EQ(tty.read(), "cde");
}

TEST(BsdLineDiscipline, RawModePollingAndTimeouts) {
  Tty tty;
  tty.raw(0, 0);
  EXPECT_EQ(tty.read(), "");  // VMIN = VTIME = 0: never blocks
  tty.type("xy");
  EXPECT_EQ(tty.read(), "xy");

  tty.raw(0, 5);
  EXPECT_EQ(tty.read(), "<block>");
  EXPECT_EQ(tty.ld.read_timeout_ds(), 5);
  EXPECT_EQ(tty.read(100, true), "");  // the timer ran out with nothing

  tty.raw(4, 1);
  tty.type("z");
  EXPECT_EQ(tty.read(), "<block>");
  EXPECT_EQ(tty.read(100, true), "z");  // inter-byte timer expired
}

TEST(BsdLineDiscipline, SwitchingToRawReleasesThePartialLine) {
  Tty tty;
  tty.type("half");
  EXPECT_FALSE(tty.ld.can_read());
  tty.raw(1, 0);
  EXPECT_EQ(tty.read(), "half");
}

TEST(BsdLineDiscipline, CanonicalBufferKeepsRoomForTheNewline) {
  Tty tty;
  Termios t = tty.ld.termios();
  t.c_lflag &= ~kECHO;
  tty.ld.set_termios(t);
  tty.type(std::string(5000, 'a'));
  tty.type("\n");
  const std::string line = tty.read(5000);
  EXPECT_EQ(line.size(), LineDiscipline::kBufferSize);
  EXPECT_EQ(line.back(), '\n');
  tty.type("next\n");
  EXPECT_EQ(tty.read(), "next\n");
}

TEST(BsdLineDiscipline, OutputProcessing) {
  Tty tty;
  const std::string text = "one\ntwo\n";
  EXPECT_EQ(tty.ld.write(reinterpret_cast<const uint8_t*>(text.data()), text.size()), text.size());
  EXPECT_EQ(tty.output, "one\r\ntwo\r\n");

  // A long write crosses the internal chunk boundary without losing bytes.
  tty.output.clear();
  const std::string many(1000, '\n');
  tty.ld.write(reinterpret_cast<const uint8_t*>(many.data()), many.size());
  EXPECT_EQ(tty.output.size(), 2000u);
  EXPECT_EQ(tty.output.substr(0, 4), "\r\n\r\n");

  Termios t = tty.ld.termios();
  t.c_oflag &= ~kOPOST;
  tty.ld.set_termios(t);
  tty.output.clear();
  tty.ld.write(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  EXPECT_EQ(tty.output, text);
}

TEST(BsdLineDiscipline, FlowControlAndWinsize) {
  Tty tty;
  tty.type("\x13");
  EXPECT_TRUE(tty.ld.output_stopped());
  tty.type("\x11");
  EXPECT_FALSE(tty.ld.output_stopped());
  tty.type("\n");
  EXPECT_EQ(tty.read(), "\n");  // ^S/^Q were consumed

  EXPECT_EQ(tty.ld.winsize().ws_col, 80);
  EXPECT_EQ(tty.ld.winsize().ws_row, 25);
  EXPECT_TRUE(tty.ld.set_winsize(WinSize{50, 132, 0, 0}));
  EXPECT_FALSE(tty.ld.set_winsize(WinSize{50, 132, 0, 0}));
  EXPECT_EQ(tty.ld.winsize().ws_col, 132);
}

}  // namespace
