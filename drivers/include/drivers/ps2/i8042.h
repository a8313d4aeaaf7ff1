// The 8042 PS/2 controller as the keyboard driver talks to it: through
// DeviceHost's port accessors only, so the same code runs in the kernel and
// in a server. Every wait is bounded by DeviceHost::now_ns(): a controller
// or keyboard that does not answer makes the caller fail, never hang.
// Not locked: it belongs to one driver instance (DeviceHost's threading).
#pragma once

#include <cstdint>

#include "drivers/device_host.h"

namespace drivers::ps2 {

// Controller commands (written to the command port).
constexpr uint8_t kReadConfig = 0x20, kWriteConfig = 0x60;
constexpr uint8_t kDisablePort2 = 0xa7, kDisablePort1 = 0xad, kEnablePort1 = 0xae;
// The configuration byte.
constexpr uint8_t kConfigPort1Interrupt = 0x01, kConfigPort2Interrupt = 0x02;
constexpr uint8_t kConfigPort1ClockOff = 0x10, kConfigTranslation = 0x40;
// Keyboard commands and answers (through the data port).
constexpr uint8_t kKeyboardReset = 0xff, kKeyboardScancodeSet = 0xf0, kKeyboardEnableScanning = 0xf4;
constexpr uint8_t kKeyboardAck = 0xfa, kKeyboardResend = 0xfe, kKeyboardSelfTestPassed = 0xaa;
constexpr uint64_t kKeyboardTimeoutNs = 500'000'000;  // a keyboard's reply (reset may be slow)

class Controller {
 public:
  void attach(DeviceHost& host, uint16_t data_port, uint16_t command_port);
  // Something decodes the status port (an absent controller floats to 0xff).
  bool responds();

  bool command(uint8_t command);
  bool read_config(uint8_t* config);
  bool write_config(uint8_t config);
  // A command byte to the keyboard, answered by ACK; resent (3 tries) when
  // the keyboard asks for it.
  bool keyboard_command(uint8_t byte);
  // The next byte from the keyboard, waiting at most `timeout_ns`.
  bool read(uint8_t* byte, uint64_t timeout_ns);
  // A byte the keyboard already sent, if any (a mouse's bytes are read and
  // dropped: this driver owns only the first port).
  bool take_keyboard_byte(uint8_t* byte);
  // Throws away whatever waits in the output buffer.
  void flush();

 private:
  uint8_t status() { return host_->port_read8(command_port_); }
  bool wait_status(uint8_t mask, bool set, uint64_t timeout_ns);
  bool write_data(uint8_t value);

  DeviceHost* host_ = nullptr;
  uint16_t data_port_ = 0, command_port_ = 0;
};

}  // namespace drivers::ps2
