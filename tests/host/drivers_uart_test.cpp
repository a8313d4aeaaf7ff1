// The 16550 driver against a simulated UART behind the fake host's port
// accessors: the probe, transmission through the data register, receive
// interrupts into the ring, and the ring carried across a mode switch.
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <string>

#include "drivers/catalog.h"
#include "drivers_fake_host.h"

namespace {

constexpr uint16_t kBase = 0x2f8;

class UartHost : public amphi_test::FakeDeviceHost {
 public:
  UartHost() : FakeDeviceHost(4096, 0) {}
  uint8_t port_read8(uint16_t port) override {
    switch (port - kBase) {
      case 0: {
        if (received.empty()) return 0;
        uint8_t byte = received.front();
        received.pop_front();
        return byte;
      }
      case 5: return static_cast<uint8_t>(0x20 | (received.empty() ? 0 : 1));  // THRE, data ready
      case 7: return scratch;
      default: return 0;
    }
  }
  void port_write8(uint16_t port, uint8_t value) override {
    if (port - kBase == 7) scratch = value;
    if (port - kBase == 3) dlab = value & 0x80;
    if (port - kBase == 0 && !dlab) sent.push_back(static_cast<char>(value));
  }
  bool enable_interrupt(drivers::MessageSignal*) override { return true; }

  std::string sent;
  std::deque<uint8_t> received;
  uint8_t scratch = 0xff;
  bool dlab = false;
};

drivers::DeviceInfo com2() {
  drivers::DeviceInfo info;
  info.bus = drivers::DeviceInfo::Bus::legacy;
  info.io_base = kBase;
  info.io_count = 8;
  info.legacy_irq = 3;
  return info;
}

struct Uart : amphi_test::DriverInstance {
  explicit Uart(UartHost& host, const drivers::SavedState* state = nullptr)
      : DriverInstance(drivers::kUartDriver, host, com2(), state) {}
};

drivers::IoRequest request(drivers::IoOperation operation, uint32_t length) {
  return drivers::IoRequest{.tag = 1, .operation = operation, .length = length};
}

TEST(UartDriver, TransmitsThroughTheDataRegister) {
  UartHost host;
  Uart uart(host);
  ASSERT_EQ(uart.status, drivers::StartStatus::ok);
  memcpy(host.transfer_.data(), "hello", 5);
  auto write = request(drivers::IoOperation::write, 5);
  uart.driver->submit(write);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].transferred, 5u);
  EXPECT_EQ(host.sent, "hello");
}

TEST(UartDriver, AbsentUartFailsTheProbe) {
  class Floating : public UartHost {
    void port_write8(uint16_t, uint8_t) override {}  // nothing answers: the scratch register floats
  } host;
  Uart uart(host);
  EXPECT_EQ(uart.status, drivers::StartStatus::no_device);
}

TEST(UartDriver, ReceivedBytesSurviveAModeSwitch) {
  UartHost host;
  drivers::SavedState state;
  {
    Uart uart(host);
    for (char c : std::string("abc")) host.received.push_back(static_cast<uint8_t>(c));
    uart.driver->interrupt();  // the receive interrupt moves them into the ring
    EXPECT_TRUE(host.received.empty());
    uart.driver->stop(state);
  }
  Uart next(host, &state);
  auto read = request(drivers::IoOperation::read, 16);
  next.driver->submit(read);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].transferred, 3u);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(host.transfer_.data()), 3), "abc");
}

TEST(UartDriver, RefusesBuffersOutsideTheTransferArea) {
  UartHost host;
  Uart uart(host);
  auto write = request(drivers::IoOperation::write, 8);
  write.buffer = 4096 - 4;
  uart.driver->submit(write);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoBadRequest);
  EXPECT_TRUE(host.sent.empty());
}

}  // namespace
