// The 8042 controller over DeviceHost (see drivers/ps2/i8042.h).
#include "drivers/ps2/i8042.h"

namespace drivers::ps2 {
namespace {

constexpr uint8_t kStatusOutputFull = 0x01;
constexpr uint8_t kStatusInputFull = 0x02;
constexpr uint8_t kStatusAuxData = 0x20;  // the byte in the output buffer came from port 2

constexpr uint64_t kControllerTimeoutNs = 20'000'000;  // per byte
constexpr int kMaxFlush = 64;  // bytes; the controller has one, a keyboard buffers a few more

}  // namespace

void Controller::attach(DeviceHost& host, uint16_t data_port, uint16_t command_port) {
  host_ = &host;
  data_port_ = data_port;
  command_port_ = command_port;
}

bool Controller::responds() { return status() != 0xff; }

bool Controller::wait_status(uint8_t mask, bool set, uint64_t timeout_ns) {
  uint64_t deadline = host_->now_ns() + timeout_ns;
  do {
    if (((status() & mask) != 0) == set) return true;
  } while (host_->now_ns() < deadline);
  return false;
}

bool Controller::command(uint8_t command) {
  if (!wait_status(kStatusInputFull, false, kControllerTimeoutNs)) return false;
  host_->port_write8(command_port_, command);
  return true;
}

bool Controller::write_data(uint8_t value) {
  if (!wait_status(kStatusInputFull, false, kControllerTimeoutNs)) return false;
  host_->port_write8(data_port_, value);
  return true;
}

bool Controller::read(uint8_t* byte, uint64_t timeout_ns) {
  if (!wait_status(kStatusOutputFull, true, timeout_ns)) return false;
  *byte = host_->port_read8(data_port_);
  return true;
}

bool Controller::read_config(uint8_t* config) {
  return command(kReadConfig) && read(config, kControllerTimeoutNs);
}

bool Controller::write_config(uint8_t config) { return command(kWriteConfig) && write_data(config); }

bool Controller::keyboard_command(uint8_t byte) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (!write_data(byte)) return false;
    uint8_t reply = 0;
    do {
      if (!read(&reply, kKeyboardTimeoutNs)) return false;
    } while (reply != kKeyboardAck && reply != kKeyboardResend);
    if (reply == kKeyboardAck) return true;
  }
  return false;
}

bool Controller::take_keyboard_byte(uint8_t* byte) {
  for (int i = 0; i < kMaxFlush; ++i) {
    uint8_t now = status();
    if (!(now & kStatusOutputFull)) return false;
    uint8_t value = host_->port_read8(data_port_);
    if (now & kStatusAuxData) continue;
    *byte = value;
    return true;
  }
  return false;
}

void Controller::flush() {
  for (int i = 0; i < kMaxFlush && (status() & kStatusOutputFull); ++i) (void)host_->port_read8(data_port_);
}

}  // namespace drivers::ps2
