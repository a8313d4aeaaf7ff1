// The I/O manager: Amphi's devices by name, and the one road requests take
// to them whatever mode their driver runs in (NT's IoCallDriver, with the
// object manager's \Device\ names).
//
// A device object (\Device\blk0) outlives the driver instances that serve
// it: a mode switch or a crash restart replaces the instance under it while
// clients only see a pause. Clients (bsdlayer's /dev nodes, the in-kernel
// benchmark) call read/write/control here; the I/O manager copies their
// data into the instance's transfer area, builds an IoRequest, hands it to
// the current instance and waits for its completion.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "drivers/driver.h"
#include "drivers/server_protocol.h"
#include "executive/object_type.h"
#include "rtl/command_line.h"
#include "rtl/result.h"

namespace executive::io {

enum class DriverMode : uint8_t { kernel, server };
const char* mode_name(DriverMode mode);

class DeviceObject;

// The I/O manager's objects in the object namespace (object_manager.h):
// \Device\<name> for each device (with \??\<name> linking to it) and
// \Driver\<kind> for each driver kind that has a device. Their bodies are
// the I/O manager's and live until power-off, so neither type deletes them.
extern const ob::TypedObjectType<DeviceObject> kDeviceType;
extern const ob::TypedObjectType<const drivers::DriverKind> kDriverType;

// Finds devices on every bus, creates their objects, names them, and starts
// an instance of each in the mode the command line asks for
// ("drivers=server" for all, "driver.blk0=server" for one; kernel by
// default). The object manager must be up.
void init_io_manager(const rtl::CommandLine& command_line);

// A device by name, resolved through the object namespace: "blk0" (read as
// \Device\blk0), "\Device\blk0", or any path that leads to a device
// through links ("\??\blk0"); case does not matter. not_found ("no such
// device"), no_device for an object that is not a device ("\Driver\null"),
// invalid_argument / too_big for a malformed name.
rtl::Result<DeviceObject*> find_device(std::string_view name);
size_t device_count();
DeviceObject* device_at(size_t index);
const char* device_name(const DeviceObject& device);
uint64_t device_capacity(const DeviceObject& device);  // bytes; 0 for character devices

// A client's data: kernel memory, or user memory of the calling thread's
// task. User data moves straight between the caller's pages and the
// instance's transfer slot (one copy, as NT's buffered I/O makes), with the
// fault-safe user copy: a bad address is an error (out_of_range), never a
// kernel fault.
struct ClientBuffer {
  enum class Space : uint8_t { kernel, user };
  Space space;
  uintptr_t address;

  static ClientBuffer kernel(const void* data) { return {Space::kernel, reinterpret_cast<uintptr_t>(data)}; }
  static ClientBuffer user(uint64_t address) { return {Space::user, address}; }
  ClientBuffer advanced(size_t bytes) const { return {space, address + bytes}; }
};

// Synchronous requests from a kernel thread (the caller sleeps until the
// completion). Offsets and lengths are checked by the driver (EINVAL); a
// request larger than one transfer slot is split into slot-sized requests,
// stopping at a short one. Errors are the driver's IoStatus as rtl errors.
rtl::Result<size_t> read(DeviceObject& device, uint64_t offset, ClientBuffer buffer, size_t length);
rtl::Result<size_t> write(DeviceObject& device, uint64_t offset, ClientBuffer buffer, size_t length);
inline rtl::Result<size_t> read(DeviceObject& device, uint64_t offset, void* buffer, size_t length) {
  return read(device, offset, ClientBuffer::kernel(buffer), length);
}
inline rtl::Result<size_t> write(DeviceObject& device, uint64_t offset, const void* buffer, size_t length) {
  return write(device, offset, ClientBuffer::kernel(buffer), length);
}

// Makes earlier writes durable (the driver's flush: virtio-blk's
// VIRTIO_BLK_T_FLUSH when the device has a write cache). fsync and sync.
rtl::Result<void> flush(DeviceObject& device);

// A switch between modes while requests are in flight (see mode_switch.cpp).
struct SwitchReport {
  DriverMode from, to;
  uint64_t pause_ns;         // new requests were held this long
  uint32_t requests_failed;  // always 0 unless something is very wrong
  bool rolled_back;          // internal: a rolled-back switch is returned as an error
};
rtl::Result<SwitchReport> switch_mode(DeviceObject& device, DriverMode mode);

// drvctl inject: makes the instance misbehave (see protocol::Fault). In
// kernel mode this brings the kernel down, as it would on any monolith.
rtl::Result<void> inject_fault(DeviceObject& device, drivers::protocol::Fault fault);

// The /proc/drivers table (header line, then one line per device).
size_t format_driver_table(char* out, size_t capacity);

// The /proc/device_sources table: how the I/O manager found each device
// ("acpi \_SB.PCI0.SF8.KBD", "pci 00:03.0 1af4:1042", "legacy io 0x2f8 (no
// DSDT)", "virtual").
size_t format_device_sources(char* out, size_t capacity);

}  // namespace executive::io
