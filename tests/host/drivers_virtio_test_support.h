// Test doubles for the virtio-blk host tests: a DeviceHost with plain host
// memory (device address = CPU address, so the simulated device can follow
// descriptors) and a virtio-blk device behind the Transport interface.
#pragma once

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "drivers/device_host.h"
#include "drivers/virtio/split_queue.h"
#include "drivers/virtio/transport.h"

namespace virtio_test {

class FakeHost final : public drivers::DeviceHost {
 public:
  explicit FakeHost(size_t transfer_bytes = 256 * 1024) : transfer_(transfer_bytes) {}
  ~FakeHost() {
    for (void* block : dma_) std::free(block);
  }

  uint32_t config_read(uint16_t offset, uint8_t width) override {
    uint32_t value = 0;
    std::memcpy(&value, config + offset, width);
    return value;
  }
  void config_write(uint16_t offset, uint8_t width, uint32_t value) override {
    std::memcpy(config + offset, &value, width);
  }
  volatile uint8_t* map_bar(uint8_t, uint64_t, uint64_t) override { return nullptr; }
  uint8_t port_read8(uint16_t) override { return 0xff; }
  void port_write8(uint16_t, uint8_t) override {}

  drivers::Memory allocate_dma(size_t size) override {
    void* block = std::aligned_alloc(4096, (size + 4095) & ~size_t(4095));
    std::memset(block, 0, size);
    dma_.push_back(block);
    return {static_cast<uint8_t*>(block), reinterpret_cast<uint64_t>(block), size};
  }
  drivers::Memory transfer() override {
    return {transfer_.data(), reinterpret_cast<uint64_t>(transfer_.data()), transfer_.size()};
  }
  drivers::Memory persistent() override { return {}; }

  bool enable_interrupt(drivers::MessageSignal* signal) override {
    if (!interrupts) return false;
    *signal = {0xfee00000, 0x50};
    return true;
  }
  void acknowledge_interrupt() override { ++acknowledged; }

  void complete(drivers::IoRequest& request) override { completed.push_back(request); }
  uint64_t now_ns() override { return clock += 1000; }
  void log(const char* message) override { logs.push_back(message); }

  uint8_t config[4096] = {};
  bool interrupts = true;
  int acknowledged = 0;
  uint64_t clock = 0;
  std::vector<drivers::IoRequest> completed;
  std::vector<std::string> logs;

 private:
  std::vector<uint8_t> transfer_;
  std::vector<void*> dma_;
};

// A virtio-blk device: its disk holds sector n's number in the sector's
// first 8 bytes and a byte pattern after it.
class SimulatedBlockDevice final : public drivers::virtio::Transport {
 public:
  static constexpr uint64_t kFeatureFlush = 1ull << 9;

  explicit SimulatedBlockDevice(uint64_t sectors = 2048) : disk(sectors * 512) {
    for (uint64_t s = 0; s < sectors; ++s) {
      std::memcpy(&disk[s * 512], &s, 8);
      for (int i = 8; i < 512; ++i) disk[s * 512 + i] = uint8_t(s + i);
    }
  }

  bool reset() override {
    ++resets;
    status_ = 0;
    enabled = false;
    last_avail = 0;
    used_index = 0;
    return true;
  }
  uint8_t status() override { return status_; }
  void set_status(uint8_t status) override {
    if ((status & drivers::virtio::kStatusFeaturesOk) && !(driver_features & drivers::virtio::kFeatureVersion1))
      status &= uint8_t(~drivers::virtio::kStatusFeaturesOk);
    status_ = status;
  }
  uint64_t device_features() override { return offered; }
  void set_driver_features(uint64_t features) override { driver_features = features; }
  uint32_t config32(uint16_t offset) override {
    if (offset == 8) return size_max;
    if (offset == 12) return seg_max;
    return 0;
  }
  uint64_t config64(uint16_t offset) override { return offset == 0 ? disk.size() / 512 : 0; }
  uint16_t queue_max_size(uint16_t queue) override { return queue == 0 ? max_queue : 0; }
  drivers::virtio::InterruptMode connect_interrupt(drivers::DeviceHost& host) override {
    drivers::MessageSignal signal;
    if (!host.enable_interrupt(&signal)) return drivers::virtio::InterruptMode::none;
    return drivers::virtio::InterruptMode::msix;
  }
  drivers::virtio::QueueSetup enable_queue(uint16_t, uint16_t size, uint64_t descriptors, uint64_t driver_area,
                                           uint64_t device_area, uint16_t vector) override {
    queue_size = size;
    table = reinterpret_cast<drivers::virtio::Descriptor*>(descriptors);
    avail = reinterpret_cast<uint16_t*>(driver_area);
    used = reinterpret_cast<uint8_t*>(device_area);
    enabled = true;
    queue_vector = vector;
    return refuse_vector && vector != drivers::virtio::kNoVector ? drivers::virtio::QueueSetup::no_vector
                                                                   : drivers::virtio::QueueSetup::ok;
  }
  void notify(uint16_t) override {
    ++notifications;
    if (!defer) process();
  }
  uint8_t read_isr() override { return 1; }

  // Serves every available chain; returns how many. Like a device, it
  // interrupts after a pass that used some, unless the driver's avail
  // flags ask it not to.
  int process(int limit = 1 << 30) {
    int served = 0;
    while (served < limit && enabled && last_avail != avail[1]) {
      uint16_t head = avail[2 + (last_avail % queue_size)];
      ++last_avail;
      uint32_t written = serve(head);
      auto* element = reinterpret_cast<uint32_t*>(used + 4 + 8 * (used_index % queue_size));
      element[0] = head;
      element[1] = written;
      ++used_index;
      reinterpret_cast<uint16_t*>(used)[1] = used_index;
      ++served;
    }
    if (served && !(avail[0] & drivers::virtio::kAvailNoInterrupt)) ++interrupts_sent;
    return served;
  }

  // Adds a used entry naming a descriptor nobody handed out.
  void inject_bogus_used(uint32_t id) {
    auto* element = reinterpret_cast<uint32_t*>(used + 4 + 8 * (used_index % queue_size));
    element[0] = id;
    element[1] = 0;
    ++used_index;
    reinterpret_cast<uint16_t*>(used)[1] = used_index;
  }

  std::vector<uint8_t> disk;
  uint64_t offered = drivers::virtio::kFeatureVersion1 | kFeatureFlush;
  uint64_t driver_features = 0;
  uint32_t size_max = 0, seg_max = 0;
  uint16_t max_queue = 256;
  bool defer = false;          // notify() does not serve: process() does
  bool refuse_vector = false;  // queue vector reads back NO_VECTOR
  bool fail_requests = false;  // status IOERR for every request
  int resets = 0, notifications = 0, flushes = 0, interrupts_sent = 0;
  int max_data_segments = 0;
  uint16_t queue_vector = 0;

 private:
  uint32_t serve(uint16_t head) {
    using drivers::virtio::Descriptor;
    std::vector<const Descriptor*> chain;
    for (uint16_t i = head;; i = table[i].next) {
      chain.push_back(&table[i]);
      if (!(table[i].flags & drivers::virtio::kDescriptorNext)) break;
    }
    const Descriptor* header = chain.front();
    const Descriptor* status = chain.back();
    uint32_t type;
    uint64_t sector;
    std::memcpy(&type, reinterpret_cast<void*>(header->address), 4);
    std::memcpy(&sector, reinterpret_cast<uint8_t*>(header->address) + 8, 8);
    auto* status_byte = reinterpret_cast<uint8_t*>(status->address);
    max_data_segments = std::max(max_data_segments, int(chain.size()) - 2);
    if (fail_requests) {
      *status_byte = 1;
      return 1;
    }
    uint64_t at = sector * 512;
    uint32_t written = 0;
    for (size_t i = 1; i + 1 < chain.size(); ++i) {
      auto* data = reinterpret_cast<uint8_t*>(chain[i]->address);
      if (at + chain[i]->length > disk.size()) {
        *status_byte = 1;
        return written + 1;
      }
      if (type == 0) {
        std::memcpy(data, &disk[at], chain[i]->length);
        written += chain[i]->length;
      } else if (type == 1) {
        std::memcpy(&disk[at], data, chain[i]->length);
      }
      at += chain[i]->length;
    }
    if (type == 4) ++flushes;
    *status_byte = type == 0 || type == 1 || type == 4 ? 0 : 2;
    return written + 1;
  }

  uint8_t status_ = 0;
  bool enabled = false;
  uint16_t queue_size = 0;
  drivers::virtio::Descriptor* table = nullptr;
  uint16_t* avail = nullptr;
  uint8_t* used = nullptr;
  uint16_t last_avail = 0, used_index = 0;
};

}  // namespace virtio_test
