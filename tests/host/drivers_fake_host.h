// A DeviceHost for host tests: memory areas from the heap, completions
// recorded, no device behind config space or BARs.
#pragma once

#include <cstdlib>
#include <cstring>
#include <vector>

#include "drivers/device_host.h"
#include "drivers/driver.h"

namespace amphi_test {

class FakeDeviceHost : public drivers::DeviceHost {
 public:
  FakeDeviceHost(size_t transfer_bytes, size_t persistent_bytes)
      : transfer_(transfer_bytes), persistent_(persistent_bytes) {}
  virtual ~FakeDeviceHost() = default;

  uint32_t config_read(uint16_t, uint8_t) override { return ~0u; }
  void config_write(uint16_t, uint8_t, uint32_t) override {}
  volatile uint8_t* map_bar(uint8_t, uint64_t, uint64_t) override { return nullptr; }
  uint8_t port_read8(uint16_t) override { return 0xff; }
  void port_write8(uint16_t, uint8_t) override {}
  drivers::Memory allocate_dma(size_t) override { return {}; }
  drivers::Memory transfer() override { return {transfer_.data(), 0x100000, transfer_.size()}; }
  drivers::Memory persistent() override { return {persistent_.data(), 0x200000, persistent_.size()}; }
  bool enable_interrupt(drivers::MessageSignal*) override { return false; }
  void acknowledge_interrupt() override {}
  void complete(drivers::IoRequest& request) override { completed.push_back(request); }
  uint64_t now_ns() override { return 0; }
  void log(const char*) override {}

  std::vector<drivers::IoRequest> completed;
  std::vector<uint8_t> transfer_;
  std::vector<uint8_t> persistent_;
};

// One instance of a catalog driver in aligned heap storage, started on
// `host` when constructed and destroyed (without stop) with the object.
struct DriverInstance {
  DriverInstance(const drivers::DriverKind& driver_kind, drivers::DeviceHost& host, const drivers::DeviceInfo& device,
                 const drivers::SavedState* state)
      : kind(driver_kind), info(device),
        storage(std::aligned_alloc(64, (driver_kind.instance_size + 63) / 64 * 64)) {
    driver = kind.construct(storage);
    status = driver->start(host, info, state);
  }
  ~DriverInstance() {
    kind.destroy(driver);
    std::free(storage);
  }
  DriverInstance(const DriverInstance&) = delete;
  DriverInstance& operator=(const DriverInstance&) = delete;

  const drivers::DriverKind& kind;
  drivers::DeviceInfo info;
  void* storage;
  drivers::Driver* driver;
  drivers::StartStatus status;
};

}  // namespace amphi_test
