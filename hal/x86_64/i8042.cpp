// The 8042 keyboard controller (ports 0x60/0x64). Initialised once, when
// console input is attached; afterwards only the IRQ 1 handler reads it.
// Real machines may have no 8042 at all (the FADT says so) or one that
// ignores us, so every wait for the controller is bounded by the clock.
#include "hal/i8042.h"

#include <cstdint>

#include "hal/clock.h"
#include "hal/cpu.h"
#include "hal/interrupt_controller.h"
#include "hal/io.h"
#include "hal/platform.h"
#include "hal/trap.h"

namespace hal::i8042 {
namespace {

constexpr uint16_t kDataPort = 0x60;
constexpr uint16_t kStatusPort = 0x64;   // read
constexpr uint16_t kCommandPort = 0x64;  // write

constexpr uint8_t kStatusOutputFull = 0x01;
constexpr uint8_t kStatusInputFull = 0x02;
constexpr uint8_t kStatusAuxData = 0x20;  // the byte came from port 2

constexpr uint8_t kReadConfig = 0x20;
constexpr uint8_t kWriteConfig = 0x60;
constexpr uint8_t kDisablePort2 = 0xa7;
constexpr uint8_t kDisablePort1 = 0xad;
constexpr uint8_t kEnablePort1 = 0xae;

constexpr uint8_t kConfigPort1Interrupt = 0x01;
constexpr uint8_t kConfigPort2Interrupt = 0x02;
constexpr uint8_t kConfigPort1ClockOff = 0x10;
constexpr uint8_t kConfigTranslation = 0x40;

constexpr uint8_t kKeyboardReset = 0xff;
constexpr uint8_t kKeyboardEnableScanning = 0xf4;
constexpr uint8_t kKeyboardAck = 0xfa;
constexpr uint8_t kKeyboardResend = 0xfe;
constexpr uint8_t kKeyboardSelfTestPassed = 0xaa;

constexpr uint8_t kIsaIrq = 1;
constexpr uint8_t kVector = 0x30 + kIsaIrq;  // the ISA block of vectors (0x30 + irq)

constexpr uint64_t kControllerTimeoutNs = 20'000'000;   // 20 ms per byte
constexpr uint64_t kKeyboardTimeoutNs = 500'000'000;    // reset/BAT may be slow

ScancodeHandler g_handler = nullptr;
bool g_present = false;

bool wait_status(uint8_t mask, bool set, uint64_t timeout_ns) {
  uint64_t deadline = clock::now_ns() + timeout_ns;
  do {
    if (((inb(kStatusPort) & mask) != 0) == set) return true;
  } while (clock::now_ns() < deadline);
  return false;
}

bool write_command(uint8_t command) {
  if (!wait_status(kStatusInputFull, false, kControllerTimeoutNs)) return false;
  outb(kCommandPort, command);
  return true;
}

bool write_data(uint8_t value) {
  if (!wait_status(kStatusInputFull, false, kControllerTimeoutNs)) return false;
  outb(kDataPort, value);
  return true;
}

bool read_data(uint8_t& value, uint64_t timeout_ns = kControllerTimeoutNs) {
  if (!wait_status(kStatusOutputFull, true, timeout_ns)) return false;
  value = inb(kDataPort);
  return true;
}

void flush_output() {
  for (int i = 0; i < 64 && (inb(kStatusPort) & kStatusOutputFull); ++i) (void)inb(kDataPort);
}

// Sends a command byte to the keyboard and waits for its ACK, resending a
// few times when asked to.
bool keyboard_command(uint8_t command) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!write_data(command)) return false;
    uint8_t reply;
    do {
      if (!read_data(reply, kKeyboardTimeoutNs)) return false;
    } while (reply != kKeyboardAck && reply != kKeyboardResend);
    if (reply == kKeyboardAck) return true;
  }
  return false;
}

void on_interrupt(TrapFrame&, void*) {
  // One IRQ per byte, but drain whatever is there: a missed edge would
  // otherwise leave the line high for good.
  for (int i = 0; i < 16; ++i) {
    uint8_t status = inb(kStatusPort);
    if (!(status & kStatusOutputFull)) break;
    uint8_t byte = inb(kDataPort);
    if (!(status & kStatusAuxData) && g_handler) g_handler(byte);
  }
}

bool platform_has_8042() {
  const PlatformDescription& platform = hal::platform();
  // IAPC_BOOT_ARCH exists from FADT revision 2 on; older tables say nothing.
  if (platform.has_fadt && platform.fadt.revision >= 2 && !platform.fadt.has_8042()) return false;
  return inb(kStatusPort) != 0xff;  // nothing decodes the port: floating bus
}

}  // namespace

bool keyboard_present() { return g_present; }

bool start_keyboard(ScancodeHandler handler) {
  if (g_present || !platform_has_8042()) return false;
  // Quiet both ports, and keep the interrupts off, while we talk to the
  // keyboard by polling.
  if (!write_command(kDisablePort1) || !write_command(kDisablePort2)) return false;
  flush_output();
  uint8_t config;
  if (!write_command(kReadConfig) || !read_data(config)) return false;
  config &= static_cast<uint8_t>(~(kConfigPort1Interrupt | kConfigPort2Interrupt | kConfigTranslation));
  if (!write_command(kWriteConfig) || !write_data(config)) return false;

  if (!write_command(kEnablePort1)) return false;
  // Reset: ACK, then the power-on self test's verdict (set 2 is the default
  // it comes back in; the controller's translation turns that into set 1).
  uint8_t verdict = 0;
  if (!keyboard_command(kKeyboardReset) || !read_data(verdict, kKeyboardTimeoutNs) ||
      verdict != kKeyboardSelfTestPassed)
    return false;
  if (!keyboard_command(kKeyboardEnableScanning)) return false;

  g_handler = handler;
  if (!set_interrupt_handler(kVector, on_interrupt, nullptr)) return false;
  // Edge-triggered: route before the controller may raise the line, then
  // drain what came before so no byte holds it high without an edge.
  if (interrupt_controller::route_isa_irq(kIsaIrq, kVector).is_error()) return false;
  config = static_cast<uint8_t>((config | kConfigPort1Interrupt | kConfigTranslation) & ~kConfigPort1ClockOff);
  if (!write_command(kWriteConfig) || !write_data(config)) return false;
  bool interrupts_were_on = x86::read_rflags() & (1u << 9);
  x86::cli();
  flush_output();  // stray ACKs; keys typed during init are lost, not garbled
  if (interrupts_were_on) x86::sti();
  g_present = true;
  return true;
}

}  // namespace hal::i8042
