// The I/O manager's device table and its client calls (see io_manager.h).
//
// The table is filled once at boot, before any client runs, and never
// shrinks, so walking it needs no lock: device objects live until
// power-off. It is the I/O manager's own list (for /proc/drivers and the
// supervisor); names are the object manager's, and lookups by name go
// through it (device_names.cpp).
#include "executive/io_manager.h"

#include "device_names.h"
#include "device_object.h"
#include "drivers/catalog.h"
#include "hal/i8042.h"
#include "hal/pci.h"
#include "hal/pci_ecam.h"
#include "hal/platform.h"
#include "legacy_devices.h"
#include "rtl/format.h"
#include "rtl/log.h"

namespace executive::io {
namespace {

constexpr size_t kMaxDevices = 16;
DeviceObject* g_devices[kMaxDevices];
char g_sources[kMaxDevices][64];  // how each was found, for /proc/device_sources
size_t g_count = 0;

DriverMode mode_for(const rtl::CommandLine& command_line, const char* device) {
  char key[32];
  size_t length = rtl::format_to_buffer(key, sizeof key, "driver.{}", device);
  auto chosen = command_line.get(std::string_view(key, length));
  if (!chosen) chosen = command_line.get("drivers");
  return chosen == "server" ? DriverMode::server : DriverMode::kernel;
}

unsigned next_index(const drivers::DriverKind& kind) {
  unsigned index = 0;
  for (size_t i = 0; i < g_count; ++i)
    if (&g_devices[i]->kind() == &kind) ++index;
  return index;
}

void add_device(const rtl::CommandLine& command_line, const drivers::DriverKind& kind,
                const drivers::DeviceInfo& info, const char* source) {
  if (g_count == kMaxDevices) {
    rtl::pr_warn("io: device table full; {} not started", kind.name);
    return;
  }
  auto device = DeviceObject::create(kind, info, next_index(kind));
  if (device.is_error()) {
    rtl::pr_err("io: cannot create a {} device: {}", kind.name, device.error().what());
    return;
  }
  DeviceObject& object = *device.value();
  if (auto named = name_device(object); named.is_error()) {
    rtl::pr_err("io: cannot name \\Device\\{}: {}", object.name(), named.error().what());
    return;
  }
  rtl::format_to_buffer(g_sources[g_count], sizeof g_sources[g_count], "{}", source);
  g_devices[g_count++] = &object;
  DriverMode mode = mode_for(command_line, object.name());
  if (auto started = object.start(mode); started.is_error()) {
    rtl::pr_err("io: \\Device\\{} ({}) did not start in {} mode: {}", object.name(), kind.name, mode_name(mode),
                started.error().what());
    return;
  }
  rtl::pr_info("io: \\Device\\{} ({}) in {} mode, {} KiB", object.name(), kind.name, mode_name(mode),
               object.geometry().capacity_bytes / 1024);
}

// PCI devices with a driver in the catalog (virtio-blk: 1af4:1042, the
// modern-only ID; transitional devices are not bound).
void discover_pci(const rtl::CommandLine& command_line) {
  const drivers::DriverKind* virtio_blk = drivers::find_driver_kind("virtio-blk");
  if (!virtio_blk || !hal::pci::ecam_ready()) return;
  static hal::pci::DeviceList list;  // too large for the boot stack
  hal::pci::enumerate(hal::pci::ecam().reader(), hal::pci::ecam_start_bus(), hal::pci::ecam_end_bus(), list);
  for (size_t i = 0; i < list.count; ++i) {
    const hal::pci::Device& found = list.devices[i];
    if (found.vendor_id != 0x1af4 || found.device_id != 0x1042) continue;
    drivers::DeviceInfo info;
    info.bus = drivers::DeviceInfo::Bus::pci;
    info.vendor = found.vendor_id;
    info.device = found.device_id;
    info.pci_bus = found.bus;
    info.pci_device = found.device;
    info.pci_function = found.function;
    char source[32];
    rtl::format_to_buffer(source, sizeof source, "pci {:02x}:{:02x}.{:x} {:04x}:{:04x}", found.bus,
                          found.device, found.function, found.vendor_id, found.device_id);
    add_device(command_line, *virtio_blk, info, source);
  }
}

// The UARTs besides the console's COM1, and the PS/2 keyboard, where the
// DSDT says they are (legacy_devices.h). A UART that is not really there
// fails the driver's scratch-register probe and says so; the keyboard
// also needs the 8042 to answer.
void discover_legacy(const rtl::CommandLine& command_line) {
  const hal::PlatformDescription& platform = hal::platform();
  LegacyDevices plan;
  plan_legacy_devices(platform.has_dsdt ? &platform.devices : nullptr, plan);
  bool uart = false, keyboard_planned = false;
  for (size_t i = 0; i < plan.count; ++i) {
    const LegacyDevice& device = plan.devices[i];
    const drivers::DeviceInfo& info = device.info;
    bool keyboard = device.kind == LegacyDevice::Kind::keyboard;
    const char* fallback = keyboard ? plan.keyboard_fallback : plan.uart_fallback;
    const drivers::DriverKind& kind = keyboard ? drivers::kPs2KeyboardDriver : drivers::kUartDriver;
    uart = uart || !keyboard;
    keyboard_planned = keyboard_planned || keyboard;
    if (keyboard && !hal::i8042::controller_present()) {
      rtl::pr_info("io: no 8042 answers; the PS/2 keyboard is not started");
      continue;
    }
    char ports[24];
    if (info.io2_count)
      rtl::format_to_buffer(ports, sizeof ports, "{:#x},{:#x}", info.io_base, info.io2_base);
    else
      rtl::format_to_buffer(ports, sizeof ports, "{:#x}", info.io_base);
    char source[64];
    if (device.acpi_path) {
      rtl::pr_info("io: {} at io {} irq {} from ACPI {}", kind.name, ports, info.legacy_irq,
                   device.acpi_path);
      rtl::format_to_buffer(source, sizeof source, "acpi {}", device.acpi_path);
    } else {
      rtl::pr_info("io: {} at io {} irq {} from fixed legacy ports ({})", kind.name, ports,
                   info.legacy_irq, fallback);
      rtl::format_to_buffer(source, sizeof source, "legacy io {} ({})", ports, fallback);
    }
    add_device(command_line, kind, info, source);
  }
  if (!uart) rtl::pr_info("io: the DSDT declares no usable UART besides the console's COM1");
  if (!keyboard_planned) rtl::pr_info("io: the DSDT's PS/2 keyboard has no usable ports and IRQ");
}

}  // namespace

const char* mode_name(DriverMode mode) { return mode == DriverMode::kernel ? "kernel" : "server"; }

void init_io_manager(const rtl::CommandLine& command_line) {
  if (auto types = register_object_types(); types.is_error())
    rtl::pr_err("io: cannot register the device and driver types: {}", types.error().what());
  start_supervisor();
  discover_pci(command_line);
  discover_legacy(command_line);
  drivers::DeviceInfo virtual_device;
  add_device(command_line, drivers::kRamDiskDriver, virtual_device, "virtual");
  add_device(command_line, drivers::kNullDriver, virtual_device, "virtual");
}

size_t device_count() { return g_count; }
DeviceObject* device_at(size_t index) { return index < g_count ? g_devices[index] : nullptr; }
const char* device_name(const DeviceObject& device) { return device.name(); }
uint64_t device_capacity(const DeviceObject& device) { return device.geometry().capacity_bytes; }

namespace {

// Splits a client's buffer into slot-sized requests. A short transfer (end
// of a character device's data) ends the loop.
rtl::Result<size_t> transfer(DeviceObject& device, drivers::IoOperation operation, uint64_t offset,
                             ClientBuffer buffer, size_t length) {
  size_t done = 0;
  while (done < length) {
    size_t piece = length - done;
    if (piece > DeviceObject::kSlotBytes) piece = DeviceObject::kSlotBytes;
    auto moved = device.transfer_request(operation, offset + done, buffer.advanced(done), piece);
    // What already moved stays moved: report it, as read(2) does.
    if (moved.is_error()) {
      if (done) return done;
      return moved.error();
    }
    done += moved.value();
    if (moved.value() < piece) break;
  }
  return done;
}

}  // namespace

rtl::Result<size_t> read(DeviceObject& device, uint64_t offset, ClientBuffer buffer, size_t length) {
  return transfer(device, drivers::IoOperation::read, offset, buffer, length);
}

rtl::Result<size_t> write(DeviceObject& device, uint64_t offset, ClientBuffer buffer, size_t length) {
  return transfer(device, drivers::IoOperation::write, offset, buffer, length);
}

rtl::Result<void> flush(DeviceObject& device) {
  TRY(device.transfer_request(drivers::IoOperation::flush, 0, ClientBuffer::kernel(nullptr), 0));
  return {};
}

rtl::Result<SwitchReport> switch_mode(DeviceObject& device, DriverMode mode) { return device.switch_mode(mode); }

rtl::Result<void> inject_fault(DeviceObject& device, drivers::protocol::Fault fault) { return device.inject(fault); }

size_t format_driver_table(char* out, size_t capacity) {
  size_t length = rtl::format_to_buffer(
      out, capacity, "{:<7} {:<11} {:<6} {:<10} {:>9} {:>7} {:>6} {:>8} {:>8} {:>8} {:>9} {:>10} {:>6}\n", "device",
      "driver", "mode", "state", "served", "pending", "errors", "restarts", "replayed", "switches", "pause_us",
      "restart_us", "faults");
  for (size_t i = 0; i < g_count && length < capacity; ++i)
    length += g_devices[i]->describe(out + length, capacity - length);
  return length;
}

size_t format_device_sources(char* out, size_t capacity) {
  size_t length = rtl::format_to_buffer(out, capacity, "{:<7} {}\n", "device", "source");
  for (size_t i = 0; i < g_count && length + 1 < capacity; ++i)
    length += rtl::format_to_buffer(out + length, capacity - length, "{:<7} {}\n",
                                    g_devices[i]->name(), g_sources[i]);
  return length;
}

}  // namespace executive::io
