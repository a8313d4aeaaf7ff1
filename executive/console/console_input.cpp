#include "executive/console_input.h"

#include "hal/serial.h"

namespace executive::console_input {

void attach(Handler handler) { hal::serial::enable_receive_interrupt(handler); }

}  // namespace executive::console_input
