// Linux x86-64 terminal ABI: the kernel's struct termios (what TCGETS and
// TCSETS copy: NCCS = 19 and no speed fields, 36 bytes — glibc's userspace
// termios is bigger and glibc converts), termios2 for TCGETS2, winsize and
// the tty ioctl numbers. `k`-prefixed Linux names, as in signal.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsdlayer::linux_abi {

inline constexpr size_t kNCCS = 19;

struct Termios {
  uint32_t c_iflag;
  uint32_t c_oflag;
  uint32_t c_cflag;
  uint32_t c_lflag;
  uint8_t c_line;
  uint8_t c_cc[kNCCS];
};
static_assert(sizeof(Termios) == 36);
static_assert(offsetof(Termios, c_line) == 16);
static_assert(offsetof(Termios, c_cc) == 17);

// TCGETS2/TCSETS2: the same plus explicit speeds (BOTHER).
struct Termios2 {
  Termios base;
  uint32_t c_ispeed;
  uint32_t c_ospeed;
};
static_assert(sizeof(Termios2) == 44);
static_assert(offsetof(Termios2, c_ispeed) == 36);

struct WinSize {
  uint16_t ws_row;
  uint16_t ws_col;
  uint16_t ws_xpixel;
  uint16_t ws_ypixel;
};
static_assert(sizeof(WinSize) == 8);

// c_cc indices.
inline constexpr size_t kVINTR = 0, kVQUIT = 1, kVERASE = 2, kVKILL = 3, kVEOF = 4, kVTIME = 5, kVMIN = 6,
                        kVSWTC = 7, kVSTART = 8, kVSTOP = 9, kVSUSP = 10, kVEOL = 11, kVREPRINT = 12,
                        kVDISCARD = 13, kVWERASE = 14, kVLNEXT = 15, kVEOL2 = 16;

// c_iflag.
inline constexpr uint32_t kIGNBRK = 0x001, kBRKINT = 0x002, kIGNPAR = 0x004, kPARMRK = 0x008, kINPCK = 0x010,
                          kISTRIP = 0x020, kINLCR = 0x040, kIGNCR = 0x080, kICRNL = 0x100, kIUCLC = 0x200,
                          kIXON = 0x400, kIXANY = 0x800, kIXOFF = 0x1000, kIMAXBEL = 0x2000, kIUTF8 = 0x4000;
// c_oflag.
inline constexpr uint32_t kOPOST = 0x01, kOLCUC = 0x02, kONLCR = 0x04, kOCRNL = 0x08, kONOCR = 0x10,
                          kONLRET = 0x20;
// c_cflag.
inline constexpr uint32_t kB38400 = 0x0000000f, kCSIZE = 0x30, kCS8 = 0x30, kCSTOPB = 0x40, kCREAD = 0x80,
                          kPARENB = 0x100, kHUPCL = 0x400, kCLOCAL = 0x800;
// c_lflag.
inline constexpr uint32_t kISIG = 0x00001, kICANON = 0x00002, kECHO = 0x00008, kECHOE = 0x00010,
                          kECHOK = 0x00020, kECHONL = 0x00040, kNOFLSH = 0x00080, kTOSTOP = 0x00100,
                          kECHOCTL = 0x00200, kECHOPRT = 0x00400, kECHOKE = 0x00800, kIEXTEN = 0x08000;

// ioctl requests ('T' group, asm-generic/ioctls.h).
inline constexpr uint32_t kTCGETS = 0x5401, kTCSETS = 0x5402, kTCSETSW = 0x5403, kTCSETSF = 0x5404,
                          kTCSBRK = 0x5409, kTCXONC = 0x540A, kTCFLSH = 0x540B, kTIOCSCTTY = 0x540E,
                          kTIOCGPGRP = 0x540F, kTIOCSPGRP = 0x5410, kTIOCGWINSZ = 0x5413,
                          kTIOCSWINSZ = 0x5414, kFIONREAD = 0x541B, kTIOCNOTTY = 0x5422,
                          kTIOCGSID = 0x5429;
// _IOR('T', 0x2A, struct termios2) and friends: dir << 30 | size << 16 | 'T' << 8 | nr.
inline constexpr uint32_t kTCGETS2 = (2u << 30) | (44u << 16) | ('T' << 8) | 0x2A;
inline constexpr uint32_t kTCSETS2 = (1u << 30) | (44u << 16) | ('T' << 8) | 0x2B;
inline constexpr uint32_t kTCSETSW2 = (1u << 30) | (44u << 16) | ('T' << 8) | 0x2C;
inline constexpr uint32_t kTCSETSF2 = (1u << 30) | (44u << 16) | ('T' << 8) | 0x2D;
// TCFLSH arguments.
inline constexpr int kTCIFLUSH = 0, kTCOFLUSH = 1, kTCIOFLUSH = 2;

// Linux's tty_std_termios, what a fresh tty starts with: cooked, echoing,
// signals on, 38400 8N1. Control characters: ^C ^\ DEL ^U ^D, VTIME 0,
// VMIN 1, ^Q ^S ^Z, ^R ^O ^W ^V.
constexpr Termios default_termios() {
  Termios t{};
  t.c_iflag = kICRNL | kIXON;
  t.c_oflag = kOPOST | kONLCR;
  t.c_cflag = kB38400 | kCS8 | kCREAD | kHUPCL;
  t.c_lflag = kISIG | kICANON | kECHO | kECHOE | kECHOK | kECHOCTL | kECHOKE | kIEXTEN;
  t.c_line = 0;
  t.c_cc[kVINTR] = 0x03;
  t.c_cc[kVQUIT] = 0x1c;
  t.c_cc[kVERASE] = 0x7f;
  t.c_cc[kVKILL] = 0x15;
  t.c_cc[kVEOF] = 0x04;
  t.c_cc[kVTIME] = 0;
  t.c_cc[kVMIN] = 1;
  t.c_cc[kVSTART] = 0x11;
  t.c_cc[kVSTOP] = 0x13;
  t.c_cc[kVSUSP] = 0x1a;
  t.c_cc[kVREPRINT] = 0x12;
  t.c_cc[kVDISCARD] = 0x0f;
  t.c_cc[kVWERASE] = 0x17;
  t.c_cc[kVLNEXT] = 0x16;
  return t;
}

// The console's size until the glue says otherwise (TIOCSWINSZ or the
// framebuffer's geometry).
inline constexpr WinSize kDefaultWinSize = {25, 80, 0, 0};

}  // namespace bsdlayer::linux_abi
