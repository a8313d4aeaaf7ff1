// IoRequest: one read, write or control request as a driver sees it, the
// same bytes in both modes (the server host carries it in a Mach message).
//
// Data never travels inside a request: `buffer` is a byte offset into the
// instance's transfer area (DeviceHost::transfer()), memory the I/O manager
// and the driver both map, and which a device can reach by DMA. So a
// server-mode driver handles data without a byte copy, exactly like an
// in-kernel one.
//
// Ownership: between submit() and DeviceHost::complete() the request belongs
// to the driver; it must complete each request exactly once and must not
// touch it afterwards. `tag` is the host's, opaque to drivers.
#pragma once

#include <cstdint>

namespace drivers {

enum class IoOperation : uint8_t {
  read = 1,     // device -> transfer area
  write = 2,    // transfer area -> device
  flush = 3,    // make earlier writes durable
  control = 4,  // driver-specific `control_code`, data in the transfer area
};

// Statuses are negative Linux errno values, so the POSIX face can hand
// them on unchanged; 0 is success.
enum IoStatus : int32_t {
  kIoOk = 0,
  kIoError = -5,           // EIO: the device failed the request
  kIoBadRequest = -22,     // EINVAL: offset, length or buffer out of range
  kIoNoDevice = -19,       // ENODEV
  kIoNotSupported = -95,   // EOPNOTSUPP: operation unknown to this driver
  kIoCancelled = -125,     // ECANCELED: a parked request handed back (Driver::cancel_parked)
};

struct IoRequest {
  uint64_t tag = 0;
  IoOperation operation = IoOperation::read;
  uint32_t control_code = 0;
  uint64_t offset = 0;   // byte offset on the device
  uint32_t length = 0;   // bytes
  uint32_t buffer = 0;   // byte offset of the data in the transfer area
  // Filled in by the driver before it completes the request.
  int32_t status = kIoOk;
  uint32_t transferred = 0;
};

}  // namespace drivers
