// executive::KeyboardLayout: scancode set 1 sequences (as the 8042 delivers
// them with translation on) and the bytes a terminal should see.
#include "executive/keyboard_layout.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <string>

namespace {

using executive::KeyboardLayout;

std::string g_typed;
void collect(uint8_t byte) { g_typed.push_back(static_cast<char>(byte)); }

std::string feed(KeyboardLayout& layout, std::initializer_list<uint8_t> scancodes) {
  g_typed.clear();
  for (uint8_t code : scancodes) layout.feed(code, collect);
  return g_typed;
}

// Press and release.
constexpr uint8_t kA = 0x1e, kC = 0x2e, kH = 0x23, kI = 0x17, k1 = 0x02, k2 = 0x03, kMinus = 0x0c;
constexpr uint8_t kLShift = 0x2a, kRShift = 0x36, kCtrl = 0x1d, kAlt = 0x38, kCaps = 0x3a;
constexpr uint8_t kEnter = 0x1c, kBackspace = 0x0e, kTab = 0x0f, kEsc = 0x01, kSpace = 0x39;
uint8_t up(uint8_t code) { return static_cast<uint8_t>(code | 0x80); }

TEST(KeyboardLayout, LettersDigitsAndPunctuation) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kH, up(kH), kI, up(kI), kSpace, up(kSpace), k1, up(k1), kMinus, up(kMinus)}), "hi 1-");
  EXPECT_EQ(feed(layout, {0x1a, 0x1b, 0x27, 0x28, 0x29, 0x2b, 0x33, 0x34, 0x35, 0x0d}), "[];'`\\,./=");
  EXPECT_EQ(feed(layout, {0x10, 0x19, 0x2c, 0x32, 0x0b}), "qpzm0");
}

TEST(KeyboardLayout, ReleasesTypeNothing) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {up(kA), up(k1), up(kEnter), up(kSpace)}), "");
}

TEST(KeyboardLayout, ShiftEitherSide) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kLShift, kA, up(kA), k1, k2, kMinus, 0x0d, 0x27, 0x35, up(kLShift), kA}), "A!@_+:?a");
  EXPECT_EQ(feed(layout, {kRShift, kH, 0x28, up(kRShift), kH}), "H\"h");
  // Both held: releasing one keeps the other in force.
  EXPECT_EQ(feed(layout, {kLShift, kRShift, up(kLShift), kA, up(kRShift), kA}), "Aa");
}

TEST(KeyboardLayout, CapsLockTogglesLettersOnly) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kCaps, up(kCaps), kA, k1, kLShift, kA, k1, up(kLShift)}), "A1a!");
  EXPECT_TRUE(layout.caps_lock());
  // Typematic repeat of Caps Lock (no release in between) toggles once.
  EXPECT_EQ(feed(layout, {kCaps, kCaps, kCaps, up(kCaps), kA}), "a");
  EXPECT_FALSE(layout.caps_lock());
}

TEST(KeyboardLayout, CtrlMakesControlCharacters) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kCtrl, kC, up(kC), up(kCtrl)}), "\x03");
  EXPECT_EQ(feed(layout, {kCtrl, 0x20, 0x2c, 0x1a, kSpace, up(kCtrl), kC}), std::string("\x04\x1a\x1b\0c", 5));
  // Right Ctrl (E0 1D) too, and its release ends it.
  EXPECT_EQ(feed(layout, {0xe0, kCtrl, kC, 0xe0, up(kCtrl), kC}), "\x03" "c");
  // Ctrl with Shift or Caps Lock is still the control character.
  EXPECT_EQ(feed(layout, {kCtrl, kLShift, kC, up(kLShift), up(kCtrl)}), "\x03");
}

TEST(KeyboardLayout, TerminalKeys) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kEnter, kBackspace, kTab, kEsc}), "\r\x7f\t\x1b");
  EXPECT_EQ(feed(layout, {0xe0, 0x1c}), "\r");  // keypad Enter
}

TEST(KeyboardLayout, ArrowsAndEditingKeysAreAnsiSequences) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {0xe0, 0x48, 0xe0, 0xc8}), "\x1b[A");
  EXPECT_EQ(feed(layout, {0xe0, 0x50, 0xe0, 0x4d, 0xe0, 0x4b}), "\x1b[B\x1b[C\x1b[D");
  EXPECT_EQ(feed(layout, {0xe0, 0x47, 0xe0, 0x4f, 0xe0, 0x53}), "\x1b[H\x1b[F\x1b[3~");
  // The prefix applies to one code only: a plain 0x48 is keypad 8.
  EXPECT_EQ(feed(layout, {0xe0, 0x48, 0x48}), "\x1b[A" "8");
}

TEST(KeyboardLayout, FakeShiftsAndPauseTypeNothing) {
  KeyboardLayout layout;
  // Print Screen with its fake shift (E0 2A E0 37), and its release.
  EXPECT_EQ(feed(layout, {0xe0, 0x2a, 0xe0, 0x37, 0xe0, 0xb7, 0xe0, 0xaa, kA}), "a");
  // Pause: E1 1D 45 E1 9D C5, no Ctrl left held, nothing typed.
  EXPECT_EQ(feed(layout, {0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5, kC}), "c");
}

TEST(KeyboardLayout, AltPrefixesEsc) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {kAlt, kA, up(kAlt), kA}), "\x1b" "aa");
}

TEST(KeyboardLayout, UnknownCodesAreIgnored) {
  KeyboardLayout layout;
  EXPECT_EQ(feed(layout, {0x3b, 0x58, 0x7f, 0xe0, 0x5b, 0xe0, 0x10, kA}), "a");
}

}  // namespace
