// Transport: how a virtio device driver reaches its device's registers
// (virtio 1.x, section 4), independent of the bus. PciTransport implements
// it over DeviceHost for modern virtio-pci; the host tests implement it
// with a simulated device.
#pragma once

#include <cstdint>

#include "drivers/device_host.h"

namespace drivers::virtio {

// Device status bits (section 2.1).
inline constexpr uint8_t kStatusAcknowledge = 1;
inline constexpr uint8_t kStatusDriver = 2;
inline constexpr uint8_t kStatusDriverOk = 4;
inline constexpr uint8_t kStatusFeaturesOk = 8;
inline constexpr uint8_t kStatusNeedsReset = 64;
inline constexpr uint8_t kStatusFailed = 128;

inline constexpr uint64_t kFeatureVersion1 = 1ull << 32;
inline constexpr uint16_t kNoVector = 0xffff;

// How the device's queue interrupt reaches Driver::interrupt().
enum class InterruptMode : uint8_t {
  none,  // the driver polls
  msix,  // MSI-X entry 0; nothing to acknowledge at the device
  line,  // a legacy line: read the ISR to deassert, then acknowledge the host
};

enum class QueueSetup : uint8_t { failed, no_vector, ok };

class Transport {
 public:
  // Writes 0 to the status and waits for the device to finish resetting;
  // false if it never does.
  virtual bool reset() = 0;
  virtual uint8_t status() = 0;
  virtual void set_status(uint8_t status) = 0;
  virtual uint64_t device_features() = 0;
  virtual void set_driver_features(uint64_t features) = 0;
  // The device-specific configuration, read consistently (generation).
  virtual uint32_t config32(uint16_t offset) = 0;
  virtual uint64_t config64(uint16_t offset) = 0;
  // Largest size the device allows for `queue`; 0: no such queue.
  virtual uint16_t queue_max_size(uint16_t queue) = 0;
  // Connects the device's interrupt through the host; the configuration-
  // change interrupt is left without a vector.
  virtual InterruptMode connect_interrupt(DeviceHost& host) = 0;
  // Programs and enables `queue`. A device that refuses `vector` gets the
  // queue without one (no_vector: the driver polls); failed: the queue
  // cannot be used (no way to notify it) and is left disabled.
  virtual QueueSetup enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors, uint64_t driver_area,
                            uint64_t device_area, uint16_t vector) = 0;
  virtual void notify(uint16_t queue) = 0;
  // Reading clears it and deasserts a legacy line.
  virtual uint8_t read_isr() = 0;

 protected:
  ~Transport() = default;
};

}  // namespace drivers::virtio
