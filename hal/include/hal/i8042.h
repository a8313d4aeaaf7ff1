// The 8042 PS/2 controller's first port: the legacy keyboard. Scancodes
// arrive translated to set 1; decoding them into characters is the
// executive's business (executive/keyboard_layout.h).
#pragma once

#include <cstdint>

namespace hal::i8042 {

// Interrupt context: every byte the keyboard sends (make and break codes,
// 0xE0/0xE1 prefixes), raw.
using ScancodeHandler = void (*)(uint8_t scancode);

// Programs the controller (port 2 off, port 1 interrupt and set-1
// translation on), resets the keyboard and routes IRQ 1 to `handler`.
// Returns false, touching nothing more, when the FADT says there is no
// 8042 or the controller does not answer; every wait is bounded.
bool start_keyboard(ScancodeHandler handler);
bool keyboard_present();

}  // namespace hal::i8042
