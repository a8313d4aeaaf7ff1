// Scancode set 1 (what the 8042 delivers with translation on) to the bytes
// a terminal sends: US layout, Shift, Caps Lock, Ctrl (Ctrl+letter is the
// control character), Alt as an ESC prefix, Enter as '\r' and Backspace as
// DEL (the tty's ICRNL and VERASE expect those), and the cursor and editing
// keys as ANSI escape sequences (ESC [ A ...) for line editors.
// Portable, host-tested (tests/host/executive_keyboard_test.cpp).
#pragma once

#include <cstdint>

namespace executive {

class KeyboardLayout {
 public:
  using Output = void (*)(uint8_t byte);

  // One byte from the keyboard; emits the bytes (zero or more) it types.
  void feed(uint8_t scancode, Output output);

  bool caps_lock() const { return caps_lock_; }

 private:
  void key_down(uint8_t code, bool extended, Output output);
  void set_modifier(uint8_t code, bool extended, bool down);

  bool extended_ = false;   // an 0xE0 prefix came
  uint8_t pause_skip_ = 0;  // bytes left of an 0xE1 (Pause) sequence
  bool left_shift_ = false, right_shift_ = false;
  bool left_ctrl_ = false, right_ctrl_ = false;
  bool left_alt_ = false, right_alt_ = false;
  bool caps_lock_ = false;
  bool caps_held_ = false;  // typematic repeat must not toggle again
};

}  // namespace executive
