// Driver: the code written once. A host constructs it in storage of
// `DriverKind::instance_size` bytes, calls start(), feeds it requests and
// interrupts, and ends it with stop() (orderly: a mode switch) or by simply
// dropping it (its server crashed, or the host restarts it after a hang).
//
// Life of an instance:
//   start(host, info, state)  bring the device up; `state` is what the
//                             previous instance's stop() saved (a switch),
//                             or null (first start, or after a crash: the
//                             device must be reset from scratch). A bus-
//                             mastering device is reset before start()
//                             returns ok, whatever the state: the host then
//                             frees DMA memory a dead instance left to it.
//   submit(request)           any number; complete later or at once
//   interrupt()               the device's interrupt fired
//   arm_interrupt()           the host is about to wait for the next one
//   cancel_parked()           hand back every parked request (below)
//   stop(state)               only with no request in flight: quiesce the
//                             device and save what the next instance needs
// Everything persistent that is large (a RAM disk's data) lives in
// DeviceHost::persistent(), not in the saved state.
//
// Parked requests: a request that waits for an outside event rather than
// for the device (a keyboard read waiting for a key) may be held for any
// time. The driver tells the host with DeviceHost::park() (so no watchdog
// takes the wait for a hang), and completes it with kIoCancelled when the
// host calls cancel_parked() before a switch drains; the I/O manager keeps
// such a request and submits it again to the next instance, so its client
// only waits. After a crash the replay resubmits parked requests too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>

#include "drivers/device_host.h"
#include "drivers/io_request.h"

namespace drivers {

// What the host found: the device a driver instance serves.
struct DeviceInfo {
  enum class Bus : uint8_t { pci, legacy, virtual_device };
  Bus bus = Bus::virtual_device;
  uint16_t vendor = 0, device = 0;  // PCI ids
  uint8_t pci_bus = 0, pci_device = 0, pci_function = 0;
  uint16_t io_base = 0, io_count = 0;  // legacy I/O ports
  uint16_t io2_base = 0, io2_count = 0;  // a second range (the 8042's command port 0x64)
  uint8_t legacy_irq = 0xff;           // ISA line, 0xff: none
  uint64_t parameter = 0;              // per-kind (a RAM disk's size)
};

// A small, plain blob handed from a stopping instance to the next one.
struct SavedState {
  static constexpr size_t kCapacity = 256;
  uint32_t size = 0;
  uint8_t bytes[kCapacity] = {};
};

// Block devices say how they are addressed; character devices leave zeros.
struct Geometry {
  uint64_t capacity_bytes = 0;
  uint32_t block_size = 0;  // requests must be multiples of this (0: bytes)
};

enum class StartStatus : int32_t { ok = 0, no_device = -19, failed = -5, no_memory = -12 };

class Driver {
 public:
  virtual StartStatus start(DeviceHost& host, const DeviceInfo& info, const SavedState* state) = 0;
  virtual void submit(IoRequest& request) = 0;
  virtual void interrupt() = 0;
  virtual void stop(SavedState& state) = 0;
  virtual Geometry geometry() const = 0;
  // Completes every parked request with kIoCancelled (see above). Drivers
  // that never park keep this default.
  virtual void cancel_parked() {}
  // The host has finished calling the driver for now and is about to wait
  // for its next interrupt: the kernel host at the end of each interrupt,
  // a server before it sleeps. A driver may ask its device not to interrupt
  // from interrupt() on (the host is going to call here anyway, so an
  // interrupt meanwhile would only cost a trap) and asks again here; true
  // when work came in meanwhile, which no interrupt will announce: the host
  // calls interrupt() and then this again. Drivers that never ask keep
  // this default.
  virtual bool arm_interrupt() { return false; }

 protected:
  ~Driver() = default;  // hosts end instances with destroy(), never delete
};

// One entry per driver in the catalog (drivers/catalog.h).
struct DriverKind {
  const char* name;         // "virtio-blk"
  const char* device_name;  // instance prefix: "blk" -> blk0, blk1
  size_t instance_size;
  size_t instance_align;
  uint64_t (*persistent_bytes)(const DeviceInfo& info);  // see DeviceHost::persistent()
  Driver* (*construct)(void* storage);
  void (*destroy)(Driver* driver);
};

// Defines the catalog entry of driver class T.
// T may define `static uint64_t persistent_bytes(const DeviceInfo&)`.
template <typename T>
constexpr DriverKind make_driver_kind(const char* name, const char* device_name) {
  uint64_t (*persistent)(const DeviceInfo&) = [](const DeviceInfo&) -> uint64_t { return 0; };
  if constexpr (requires(const DeviceInfo& info) { T::persistent_bytes(info); }) persistent = &T::persistent_bytes;
  return DriverKind{name, device_name, sizeof(T), alignof(T), persistent,
                    [](void* storage) -> Driver* { return new (storage) T(); },
                    [](Driver* driver) { static_cast<T*>(driver)->~T(); }};
}

}  // namespace drivers
