// Keyboard-side of the system console: bytes typed on the serial line and
// on the PS/2 keyboard (decoded by KeyboardLayout, US layout) go to one
// handler, the POSIX personality's console tty. The handler runs in
// interrupt context.
#pragma once

#include <cstdint>

namespace executive::console_input {

using Handler = void (*)(uint8_t byte);
void attach(Handler handler);

}  // namespace executive::console_input
