// Keyboard-side of the system console: bytes typed on the serial line and
// on the PS/2 keyboard (\Device\kbd0, decoded by KeyboardLayout, US
// layout) go to one handler, the POSIX personality's console tty. The
// handler runs with interrupts off (the serial interrupt, or the keyboard
// reader thread). Call once the I/O manager has found its devices.
#pragma once

#include <cstdint>

namespace executive::console_input {

using Handler = void (*)(uint8_t byte);
void attach(Handler handler);

}  // namespace executive::console_input
