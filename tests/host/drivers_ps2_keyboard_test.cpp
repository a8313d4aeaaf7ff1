// The PS/2 keyboard driver (drivers/ps2kbd/) against a simulated 8042 and
// keyboard behind the fake host's port accessors: the bring-up, reads that
// take the ring or park until a key, parked reads handed back for a switch,
// the ring carried in the saved state, and the ring's own encoding.
#include <gtest/gtest.h>

#include <cstdlib>
#include <deque>
#include <vector>

#include "drivers/catalog.h"
#include "drivers/ps2/scancode_ring.h"
#include "drivers_fake_host.h"

namespace {

constexpr uint16_t kData = 0x60, kCommand = 0x64;

// An 8042 with a keyboard on port 1. Keys typed while the port is disabled
// wait in the keyboard, as on the real thing (and in QEMU).
class I8042Host : public amphi_test::FakeDeviceHost {
 public:
  I8042Host() : FakeDeviceHost(4096, 0) {}

  uint8_t port_read8(uint16_t port) override {
    pump();
    if (port == kCommand) {
      if (absent) return 0xff;
      if (output.empty()) return 0;
      return static_cast<uint8_t>(0x01 | (output.front().aux ? 0x20 : 0));
    }
    if (port != kData || output.empty()) return 0;
    uint8_t byte = output.front().byte;
    output.pop_front();
    return byte;
  }

  void port_write8(uint16_t port, uint8_t value) override {
    if (port == kCommand) {
      switch (value) {
        case 0x20: output.push_back({config, false}); break;
        case 0x60: config_next = true; break;
        case 0xad: port1_enabled = false; break;
        case 0xae: port1_enabled = true; break;
        default: break;
      }
      return;
    }
    if (port != kData) return;
    if (config_next) {
      config = value;
      config_next = false;
      return;
    }
    to_keyboard.push_back(value);
    if (set_next) {
      set_next = false;
      answer({0xfa});
    } else if (value == 0xff) {
      answer({0xfa, 0xaa});
    } else if (value == 0xf0) {
      set_next = true;
      answer({0xfa});
    } else {
      answer({0xfa});
    }
  }

  bool enable_interrupt(drivers::MessageSignal*) override { return interrupt_enabled = true; }
  void acknowledge_interrupt() override { ++acknowledged; }
  void park(const drivers::IoRequest& request) override { parked.push_back(request.tag); }
  uint64_t now_ns() override { return clock += 1'000'000; }  // every wait ends

  void type(std::vector<uint8_t> bytes) { keyboard.insert(keyboard.end(), bytes.begin(), bytes.end()); }
  void answer(std::vector<uint8_t> bytes) {
    for (uint8_t byte : bytes) output.push_back({byte, false});
  }
  // The keyboard sends when its port is on and the controller's buffer is
  // empty; the data port holds one byte at a time.
  void pump() {
    if (port1_enabled && output.empty() && !keyboard.empty()) {
      output.push_back({keyboard.front(), false});
      keyboard.pop_front();
    }
  }

  struct Byte {
    uint8_t byte;
    bool aux;
  };
  std::deque<Byte> output;
  std::deque<uint8_t> keyboard;
  std::vector<uint8_t> to_keyboard;
  std::vector<uint64_t> parked;
  uint8_t config = 0x61;  // what firmware leaves: port 1 interrupt, translation, system flag
  bool config_next = false, set_next = false, port1_enabled = true, absent = false;
  bool interrupt_enabled = false;
  int acknowledged = 0;
  uint64_t clock = 0;
};

drivers::DeviceInfo i8042() {
  drivers::DeviceInfo info;
  info.bus = drivers::DeviceInfo::Bus::legacy;
  info.io_base = kData;
  info.io_count = 1;
  info.io2_base = kCommand;
  info.io2_count = 1;
  info.legacy_irq = 1;
  return info;
}

struct Keyboard : amphi_test::DriverInstance {
  explicit Keyboard(I8042Host& host, const drivers::SavedState* state = nullptr)
      : DriverInstance(drivers::kPs2KeyboardDriver, host, i8042(), state) {}
};

drivers::IoRequest read_request(uint64_t tag, uint32_t length, uint32_t buffer = 0) {
  return drivers::IoRequest{.tag = tag, .operation = drivers::IoOperation::read, .length = length, .buffer = buffer};
}

std::vector<uint8_t> bytes_of(I8042Host& host, const drivers::IoRequest& done) {
  const uint8_t* data = host.transfer_.data() + done.buffer;
  return std::vector<uint8_t>(data, data + done.transferred);
}

TEST(Ps2Keyboard, BringsTheKeyboardUpInSet2WithTranslation) {
  I8042Host host;
  host.output.push_back({0x42, false});  // stale firmware byte: flushed
  Keyboard keyboard(host);
  ASSERT_EQ(keyboard.status, drivers::StartStatus::ok);
  EXPECT_EQ(host.to_keyboard, (std::vector<uint8_t>{0xff, 0xf0, 0x02, 0xf4}));
  EXPECT_EQ(host.config & 0x53, 0x41);  // port 1 interrupt and translation on, its clock on, port 2 quiet
  EXPECT_TRUE(host.port1_enabled);
  EXPECT_TRUE(host.interrupt_enabled);
  EXPECT_TRUE(host.output.empty());
}

TEST(Ps2Keyboard, AbsentControllerIsNoDevice) {
  I8042Host host;
  host.absent = true;
  Keyboard keyboard(host);
  EXPECT_EQ(keyboard.status, drivers::StartStatus::no_device);
}

TEST(Ps2Keyboard, ReadTakesWhatTheInterruptCollected) {
  I8042Host host;
  Keyboard keyboard(host);
  host.type({0x1e, 0x9e});  // 'a' down, up
  keyboard.driver->interrupt();
  auto read = read_request(1, 16);
  keyboard.driver->submit(read);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(bytes_of(host, host.completed[0]), (std::vector<uint8_t>{0x1e, 0x9e}));
  EXPECT_GE(host.acknowledged, 1);
}

TEST(Ps2Keyboard, EmptyReadParksUntilAKeyArrives) {
  I8042Host host;
  Keyboard keyboard(host);
  auto read = read_request(7, 16, 256);
  keyboard.driver->submit(read);
  EXPECT_TRUE(host.completed.empty());
  EXPECT_EQ(host.parked, (std::vector<uint64_t>{7}));
  host.type({0x30});
  keyboard.driver->interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].tag, 7u);
  EXPECT_EQ(bytes_of(host, host.completed[0]), (std::vector<uint8_t>{0x30}));
}

TEST(Ps2Keyboard, MouseBytesAreNotKeys) {
  I8042Host host;
  Keyboard keyboard(host);
  host.output.push_back({0x08, true});
  host.type({0x10});
  keyboard.driver->interrupt();
  auto read = read_request(1, 16);
  keyboard.driver->submit(read);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(bytes_of(host, host.completed[0]), (std::vector<uint8_t>{0x10}));
}

TEST(Ps2Keyboard, CancelHandsParkedReadsBack) {
  I8042Host host;
  Keyboard keyboard(host);
  auto first = read_request(1, 16, 0), second = read_request(2, 16, 64);
  keyboard.driver->submit(first);
  keyboard.driver->submit(second);
  keyboard.driver->cancel_parked();
  ASSERT_EQ(host.completed.size(), 2u);
  for (const auto& done : host.completed) {
    EXPECT_EQ(done.status, drivers::kIoCancelled);
    EXPECT_EQ(done.transferred, 0u);
  }
  host.type({0x11});
  keyboard.driver->interrupt();  // nothing parked any more: the key stays in the ring
  EXPECT_EQ(host.completed.size(), 2u);
}

TEST(Ps2Keyboard, KeysSurviveAModeSwitchInOrder) {
  I8042Host host;
  drivers::SavedState state;
  {
    Keyboard keyboard(host);
    host.type({0x23, 0xa3});
    keyboard.driver->interrupt();
    keyboard.driver->stop(state);
  }
  EXPECT_FALSE(host.port1_enabled);
  host.type({0x17, 0x97});  // typed during the switch: waits in the keyboard
  host.to_keyboard.clear();
  Keyboard next(host, &state);
  ASSERT_EQ(next.status, drivers::StartStatus::ok);
  EXPECT_TRUE(host.to_keyboard.empty());  // a switch does not reset the keyboard
  EXPECT_TRUE(host.port1_enabled);
  auto read = read_request(1, 16);
  next.driver->submit(read);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(bytes_of(host, host.completed[0]), (std::vector<uint8_t>{0x23, 0xa3, 0x17, 0x97}));
}

TEST(Ps2Keyboard, WritesAreNotSupported) {
  I8042Host host;
  Keyboard keyboard(host);
  auto write = drivers::IoRequest{.tag = 1, .operation = drivers::IoOperation::write, .length = 1};
  keyboard.driver->submit(write);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoNotSupported);
}

TEST(ScancodeRing, KeepsOrderAcrossTheWrap) {
  drivers::ps2::ScancodeRing ring;
  uint8_t out[drivers::ps2::ScancodeRing::kCapacity];
  for (int round = 0; round < 3; ++round) {
    for (int i = 0; i < 200; ++i) ASSERT_TRUE(ring.push(static_cast<uint8_t>(i + round)));
    ASSERT_EQ(ring.take(out, 200), 200u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(out[i], static_cast<uint8_t>(i + round));
  }
  EXPECT_EQ(ring.size(), 0u);
}

TEST(ScancodeRing, FullRingDropsTheNewestAndCounts) {
  drivers::ps2::ScancodeRing ring;
  for (uint32_t i = 0; i < drivers::ps2::ScancodeRing::kCapacity; ++i) ASSERT_TRUE(ring.push(1));
  EXPECT_FALSE(ring.push(2));
  EXPECT_EQ(ring.dropped(), 1u);
  uint8_t out[drivers::ps2::ScancodeRing::kCapacity + 1];
  EXPECT_EQ(ring.take(out, sizeof out), drivers::ps2::ScancodeRing::kCapacity);
  EXPECT_EQ(out[drivers::ps2::ScancodeRing::kCapacity - 1], 1);
}

TEST(ScancodeRing, SavedStateRoundTripsAFullWrappedRing) {
  drivers::ps2::ScancodeRing ring, restored;
  uint8_t out[drivers::ps2::ScancodeRing::kCapacity];
  for (int i = 0; i < 100; ++i) ring.push(0);
  ring.take(out, 100);
  for (uint32_t i = 0; i < drivers::ps2::ScancodeRing::kCapacity; ++i) ring.push(static_cast<uint8_t>(i));
  drivers::SavedState state;
  ring.save(state);
  EXPECT_EQ(state.size, drivers::SavedState::kCapacity);
  ASSERT_TRUE(restored.restore(state));
  ASSERT_EQ(restored.take(out, sizeof out), drivers::ps2::ScancodeRing::kCapacity);
  for (uint32_t i = 0; i < drivers::ps2::ScancodeRing::kCapacity; ++i) EXPECT_EQ(out[i], static_cast<uint8_t>(i));
}

TEST(ScancodeRing, ForeignOrCorruptStateRestoresEmpty) {
  drivers::ps2::ScancodeRing ring;
  ring.push(5);
  drivers::SavedState uart_state;  // another driver's blob: raw bytes
  uart_state.size = 3;
  uart_state.bytes[0] = 'a';
  EXPECT_FALSE(ring.restore(uart_state));
  EXPECT_EQ(ring.size(), 0u);
  drivers::SavedState oversized;
  oversized.size = drivers::SavedState::kCapacity + 1;
  oversized.bytes[0] = 'K';
  oversized.bytes[1] = 1;
  EXPECT_FALSE(ring.restore(oversized));
  drivers::SavedState empty;
  EXPECT_FALSE(ring.restore(empty));
}

}  // namespace
