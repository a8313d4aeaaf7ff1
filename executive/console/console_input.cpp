// Keyboard side of the system console (see console_input.h). Two sources:
// the serial line's receive interrupt, and a kernel thread that reads the
// PS/2 keyboard's scancodes from \Device\kbd0 through the I/O manager —
// whatever mode its driver runs in, across switches and restarts — and
// decodes them with KeyboardLayout (US). It is the device's only reader:
// each batch is also published to the keyboard listeners (/dev/kbd0's
// openers, keyboard_listeners.h), which must not read the device themselves
// or they would take keys from the console and from each other.
//
// The handler (the console tty's line discipline) expects to run with
// interrupts off on the boot CPU: the serial interrupt does, and the reader
// thread turns them off around each batch, so the two never overlap.
// g_layout belongs to the reader thread alone.
#include "executive/console_input.h"

#include "executive/io_manager.h"
#include "executive/keyboard_layout.h"
#include "executive/keyboard_listeners.h"
#include "hal/serial.h"
#include "microcore/personality.h"
#include "rtl/log.h"
#include "rtl/platform.h"

namespace executive::console_input {
namespace {

constexpr uint32_t kMaxFailures = 8;  // in a row: the device is gone for good

Handler g_handler = nullptr;
KeyboardLayout g_layout;

void on_byte(uint8_t byte) {
  if (g_handler) g_handler(byte);
}

// A read parks in the driver until a key arrives, so this thread sleeps
// while nobody types.
void read_keyboard(void* context) {
  auto& keyboard = *static_cast<io::DeviceObject*>(context);
  uint8_t scancodes[64];
  uint32_t failures = 0;
  for (;;) {
    auto got = io::read(keyboard, 0, scancodes, sizeof scancodes);
    if (got.is_error()) {
      if (got.error() == rtl::Errc::no_device || ++failures == kMaxFailures) {
        rtl::pr_err("console: keyboard input stops: {}", got.error().what());
        keyboard_listeners::source_ended();
        microcore::exit_current_thread();
      }
      continue;
    }
    failures = 0;
    keyboard_listeners::publish(scancodes, got.value());
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    for (size_t i = 0; i < got.value(); ++i) g_layout.feed(scancodes[i], on_byte);
    rtl::platform::irq_restore(interrupts);
  }
}

}  // namespace

void attach(Handler handler) {
  g_handler = handler;
  hal::serial::enable_receive_interrupt(handler);
  auto found = io::find_device("\\Device\\kbd0");
  if (found.is_error()) {
    rtl::pr_info("console: no PS/2 keyboard");
    return;
  }
  io::DeviceObject* keyboard = found.value();
  if (auto started = microcore::start_kernel_thread(read_keyboard, keyboard); started.is_error()) {
    rtl::pr_err("console: no keyboard reader ({}); the PS/2 keyboard is not a console input", started.error().what());
    return;
  }
  // After the thread started: listeners are only worth having while it
  // reads. Bytes it publishes before this reach nobody, as nobody listens.
  if (auto shared = keyboard_listeners::attach(*keyboard); shared.is_error())
    rtl::pr_warn("console: the keyboard has no listeners ({})", shared.error().what());
  rtl::pr_info("console: PS/2 keyboard attached (US layout) through \\Device\\kbd0");
}

}  // namespace executive::console_input
