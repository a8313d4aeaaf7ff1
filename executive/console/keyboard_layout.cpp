#include "executive/keyboard_layout.h"

#include <cstddef>

namespace executive {
namespace {

constexpr uint8_t kExtendedPrefix = 0xe0;
constexpr uint8_t kPausePrefix = 0xe1;
constexpr uint8_t kBreakBit = 0x80;
constexpr uint8_t kEsc = 0x1b;

constexpr uint8_t kLeftCtrl = 0x1d;  // right Ctrl is E0 1D
constexpr uint8_t kLeftShift = 0x2a;
constexpr uint8_t kRightShift = 0x36;
constexpr uint8_t kLeftAlt = 0x38;   // right Alt is E0 38
constexpr uint8_t kCapsLock = 0x3a;

// Set 1 make codes 0x00..0x39 without and with Shift; 0 = no character.
constexpr char kPlain[] =
    "\0\x1b"
    "1234567890-=\x7f\t"
    "qwertyuiop[]\r\0"
    "asdfghjkl;'`\0\\"
    "zxcvbnm,./\0*\0 ";
constexpr char kShifted[] =
    "\0\x1b"
    "!@#$%^&*()_+\x7f\t"
    "QWERTYUIOP{}\r\0"
    "ASDFGHJKL:\"~\0|"
    "ZXCVBNM<>?\0*\0 ";
static_assert(sizeof kPlain - 1 == 0x3a && sizeof kShifted - 1 == 0x3a, "one entry per code 0x00..0x39");

// The keypad without the E0 prefix (typing digits, as with Num Lock on).
constexpr uint8_t kFirstKeypad = 0x47;
constexpr char kKeypad[] = "789-456+1230.";

// The E0-prefixed keys: cursor and editing keys as the ANSI sequences
// busybox's line editor and vi expect, keypad Enter and /.
struct Sequence {
  uint8_t code;
  const char* text;
};
constexpr Sequence kExtendedKeys[] = {
    {0x48, "\x1b[A"},  {0x50, "\x1b[B"},  {0x4d, "\x1b[C"},  {0x4b, "\x1b[D"},
    {0x47, "\x1b[H"},  {0x4f, "\x1b[F"},  {0x52, "\x1b[2~"}, {0x53, "\x1b[3~"},
    {0x49, "\x1b[5~"}, {0x51, "\x1b[6~"}, {0x1c, "\r"},      {0x35, "/"},
};

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// What Ctrl makes of a character, as terminals do it (Ctrl-C = 0x03,
// Ctrl-[ = ESC, Ctrl-? = DEL, Ctrl-Space = NUL).
char control_of(char c) {
  if (is_letter(c) || (c >= '@' && c <= '_')) return static_cast<char>(c & 0x1f);
  switch (c) {
    case ' ': case '2': return 0x00;
    case '6': return 0x1e;
    case '-': case '/': return 0x1f;
    case '?': case '8': return 0x7f;
    default: return c;
  }
}

void emit(const char* text, KeyboardLayout::Output output) {
  for (; *text; ++text) output(static_cast<uint8_t>(*text));
}

}  // namespace

void KeyboardLayout::set_modifier(uint8_t code, bool extended, bool down) {
  switch (code) {
    case kLeftShift: if (!extended) left_shift_ = down; break;   // E0 2A is a fake shift
    case kRightShift: if (!extended) right_shift_ = down; break;
    case kLeftCtrl: (extended ? right_ctrl_ : left_ctrl_) = down; break;
    case kLeftAlt: (extended ? right_alt_ : left_alt_) = down; break;
    case kCapsLock:
      if (down && !caps_held_) caps_lock_ = !caps_lock_;
      caps_held_ = down;
      break;
  }
}

void KeyboardLayout::key_down(uint8_t code, bool extended, Output output) {
  bool alt = left_alt_ || right_alt_;
  if (extended) {
    for (const Sequence& key : kExtendedKeys) {
      if (key.code != code) continue;
      if (alt && key.text[0] != kEsc) output(kEsc);
      emit(key.text, output);
      return;
    }
    return;
  }
  char c = 0;
  if (code < sizeof kPlain - 1) {
    bool shift = left_shift_ || right_shift_;
    c = (shift ? kShifted : kPlain)[code];
    if (caps_lock_ && is_letter(c)) c = (shift ? kPlain : kShifted)[code];
  } else if (code >= kFirstKeypad && code < kFirstKeypad + sizeof kKeypad - 1) {
    c = kKeypad[code - kFirstKeypad];
  }
  if (c == 0) return;
  if (left_ctrl_ || right_ctrl_) c = control_of(c);
  if (alt) output(kEsc);
  output(static_cast<uint8_t>(c));
}

void KeyboardLayout::feed(uint8_t scancode, Output output) {
  if (pause_skip_ > 0) {  // Pause: E1 1D 45 E1 9D C5, no break code
    --pause_skip_;
    return;
  }
  if (scancode == kPausePrefix) {
    pause_skip_ = 2;
    extended_ = false;
    return;
  }
  if (scancode == kExtendedPrefix) {
    extended_ = true;
    return;
  }
  bool extended = extended_;
  extended_ = false;
  bool down = !(scancode & kBreakBit);
  uint8_t code = scancode & static_cast<uint8_t>(~kBreakBit);
  switch (code) {
    case kLeftShift: case kRightShift: case kLeftCtrl: case kLeftAlt: case kCapsLock:
      set_modifier(code, extended, down);
      return;
  }
  if (down) key_down(code, extended, output);
}

}  // namespace executive
