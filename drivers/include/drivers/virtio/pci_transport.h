// PciTransport: the modern virtio-pci transport (virtio 1.x, 4.1) over a
// DeviceHost: register blocks found through the vendor capabilities and
// mapped from their BARs, the queue interrupt on MSI-X entry 0.
#pragma once

#include <cstdint>

#include "drivers/driver.h"
#include "drivers/virtio/pci_layout.h"
#include "drivers/virtio/transport.h"

namespace drivers::virtio {

class PciTransport final : public Transport {
 public:
  // Finds and maps the register blocks and turns on memory decoding and
  // bus mastering. no_device: not a modern virtio-pci device.
  StartStatus attach(DeviceHost& host);

  bool reset() override;
  uint8_t status() override;
  void set_status(uint8_t status) override;
  uint64_t device_features() override;
  void set_driver_features(uint64_t features) override;
  uint32_t config32(uint16_t offset) override;
  uint64_t config64(uint16_t offset) override;
  uint16_t queue_max_size(uint16_t queue) override;
  InterruptMode connect_interrupt(DeviceHost& host) override;
  QueueSetup enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors, uint64_t driver_area,
                         uint64_t device_area, uint16_t vector) override;
  void notify(uint16_t queue) override;
  uint8_t read_isr() override;

 private:
  DeviceHost* host_ = nullptr;
  PciLayout layout_;
  volatile uint8_t* common_ = nullptr;
  volatile uint8_t* notify_ = nullptr;
  volatile uint8_t* isr_ = nullptr;
  volatile uint8_t* device_ = nullptr;
  volatile uint16_t* queue_notify_ = nullptr;  // set by enable_queue (one queue)
};

}  // namespace drivers::virtio
