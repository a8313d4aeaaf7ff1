#include "executive/console_input.h"

#include "executive/keyboard_layout.h"
#include "hal/i8042.h"
#include "hal/serial.h"
#include "rtl/log.h"

namespace executive::console_input {
namespace {

// Both sources run in interrupt context on the boot CPU (IRQ 4, IRQ 1),
// with interrupts off, so neither the handler nor the layout state needs a
// lock of its own.
Handler g_handler = nullptr;
KeyboardLayout g_layout;

void on_byte(uint8_t byte) {
  if (g_handler) g_handler(byte);
}

void on_scancode(uint8_t scancode) { g_layout.feed(scancode, on_byte); }

}  // namespace

void attach(Handler handler) {
  g_handler = handler;
  hal::serial::enable_receive_interrupt(handler);
  if (hal::i8042::start_keyboard(on_scancode))
    rtl::pr_info("console: PS/2 keyboard attached (US layout)");
  else
    rtl::pr_info("console: no PS/2 keyboard");
}

}  // namespace executive::console_input
