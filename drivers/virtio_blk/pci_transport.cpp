// The modern virtio-pci transport (see drivers/virtio/pci_transport.h).
//
// Register access: every field of the common configuration is accessed at
// its own width through volatile pointers (the BARs are mapped uncached);
// 64-bit queue addresses go as two 32-bit halves, which the spec allows.
#include "drivers/virtio/pci_transport.h"

namespace drivers::virtio {
namespace {

// struct virtio_pci_common_cfg
constexpr uint16_t kDeviceFeatureSelect = 0x00;
constexpr uint16_t kDeviceFeature = 0x04;
constexpr uint16_t kDriverFeatureSelect = 0x08;
constexpr uint16_t kDriverFeature = 0x0c;
constexpr uint16_t kConfigVector = 0x10;
constexpr uint16_t kDeviceStatus = 0x14;
constexpr uint16_t kConfigGeneration = 0x15;
constexpr uint16_t kQueueSelect = 0x16;
constexpr uint16_t kQueueSize = 0x18;
constexpr uint16_t kQueueVector = 0x1a;
constexpr uint16_t kQueueEnable = 0x1c;
constexpr uint16_t kQueueNotifyOffset = 0x1e;
constexpr uint16_t kQueueDescriptors = 0x20;
constexpr uint16_t kQueueDriver = 0x28;
constexpr uint16_t kQueueDevice = 0x30;
constexpr uint32_t kCommonBytes = 0x38;

// MSI-X (PCI 3.0, 6.8.2): message control in the capability, 16-byte
// table entries in a BAR.
constexpr uint16_t kMsixEnable = 1u << 15;
constexpr uint16_t kMsixFunctionMask = 1u << 14;
constexpr uint32_t kMsixEntryBytes = 16;

constexpr uint64_t kResetTimeoutNs = 1'000'000'000;

template <typename T>
T read(volatile uint8_t* base, uint32_t offset) {
  return *reinterpret_cast<volatile T*>(base + offset);
}
template <typename T>
void write(volatile uint8_t* base, uint32_t offset, T value) {
  *reinterpret_cast<volatile T*>(base + offset) = value;
}

void write64(volatile uint8_t* base, uint32_t offset, uint64_t value) {
  write<uint32_t>(base, offset, static_cast<uint32_t>(value));
  write<uint32_t>(base, offset + 4, static_cast<uint32_t>(value >> 32));
}

volatile uint8_t* map(DeviceHost& host, const Region& region, uint32_t minimum) {
  if (!region.present || region.length < minimum) return nullptr;
  return host.map_bar(region.bar, region.offset, region.length);
}

}  // namespace

StartStatus PciTransport::attach(DeviceHost& host) {
  host_ = &host;
  layout_ = find_pci_layout(host);
  if (!layout_.common.present || !layout_.notify.present || !layout_.device.present) return StartStatus::no_device;
  common_ = map(host, layout_.common, kCommonBytes);
  notify_ = map(host, layout_.notify, 2);
  device_ = map(host, layout_.device, 1);
  isr_ = map(host, layout_.isr, 1);  // only needed for a legacy line
  if (!common_ || !notify_ || !device_) return StartStatus::failed;
  // Reset before letting the device master the bus again. A previous
  // instance that died left requests in flight: once bus mastering is back
  // on, their completions would be written to that instance's rings and
  // status bytes, memory freed with it and perhaps someone else's by now.
  // The reset drains them while the device still cannot write.
  uint32_t command = host.config_read(kPciCommand, 2) & ~uint32_t(kPciCommandBusMaster);
  host.config_write(kPciCommand, 2, command | kPciCommandMemory);
  if (!reset()) return StartStatus::failed;
  host.config_write(kPciCommand, 2, command | kPciCommandMemory | kPciCommandBusMaster);
  return StartStatus::ok;
}

bool PciTransport::reset() {
  write<uint8_t>(common_, kDeviceStatus, 0);
  // The device is reset once status reads back 0 (4.1.4.3.2).
  uint64_t deadline = host_->now_ns() + kResetTimeoutNs;
  while (read<uint8_t>(common_, kDeviceStatus) != 0) {
    if (host_->now_ns() > deadline) return false;
  }
  queue_notify_ = nullptr;
  return true;
}

uint8_t PciTransport::status() { return read<uint8_t>(common_, kDeviceStatus); }
void PciTransport::set_status(uint8_t status) { write<uint8_t>(common_, kDeviceStatus, status); }

uint64_t PciTransport::device_features() {
  write<uint32_t>(common_, kDeviceFeatureSelect, 0);
  uint64_t low = read<uint32_t>(common_, kDeviceFeature);
  write<uint32_t>(common_, kDeviceFeatureSelect, 1);
  uint64_t high = read<uint32_t>(common_, kDeviceFeature);
  return low | (high << 32);
}

void PciTransport::set_driver_features(uint64_t features) {
  write<uint32_t>(common_, kDriverFeatureSelect, 0);
  write<uint32_t>(common_, kDriverFeature, static_cast<uint32_t>(features));
  write<uint32_t>(common_, kDriverFeatureSelect, 1);
  write<uint32_t>(common_, kDriverFeature, static_cast<uint32_t>(features >> 32));
}

uint32_t PciTransport::config32(uint16_t offset) {
  if (uint32_t(offset) + 4 > layout_.device.length) return 0;
  return read<uint32_t>(device_, offset);
}

uint64_t PciTransport::config64(uint16_t offset) {
  if (uint32_t(offset) + 8 > layout_.device.length) return 0;
  // The generation changes if the device updated the fields mid-read (2.5.1).
  for (;;) {
    uint8_t before = read<uint8_t>(common_, kConfigGeneration);
    uint64_t value = read<uint32_t>(device_, offset) | (uint64_t(read<uint32_t>(device_, offset + 4)) << 32);
    if (read<uint8_t>(common_, kConfigGeneration) == before) return value;
  }
}

uint16_t PciTransport::queue_max_size(uint16_t queue) {
  write<uint16_t>(common_, kQueueSelect, queue);
  return read<uint16_t>(common_, kQueueSize);
}

InterruptMode PciTransport::connect_interrupt(DeviceHost& host) {
  write<uint16_t>(common_, kConfigVector, kNoVector);
  MessageSignal signal;
  if (!host.enable_interrupt(&signal)) return InterruptMode::none;
  if (signal.address == 0) return isr_ ? InterruptMode::line : InterruptMode::none;
  if (!layout_.msix_capability || layout_.msix_table_size == 0) return InterruptMode::none;
  volatile uint8_t* entry = host.map_bar(layout_.msix_bar, layout_.msix_offset, kMsixEntryBytes);
  if (!entry) return InterruptMode::none;
  // Entry 0: the message, then unmask; only then enable MSI-X, so the
  // device never sees a half-written entry.
  write<uint32_t>(entry, 0, static_cast<uint32_t>(signal.address));
  write<uint32_t>(entry, 4, static_cast<uint32_t>(signal.address >> 32));
  write<uint32_t>(entry, 8, signal.data);
  write<uint32_t>(entry, 12, 0);
  uint16_t control_at = layout_.msix_capability + 2;
  uint32_t control = host.config_read(control_at, 2);
  host.config_write(control_at, 2, (control | kMsixEnable) & ~uint32_t(kMsixFunctionMask));
  return InterruptMode::msix;
}

QueueSetup PciTransport::enable_queue(uint16_t queue, uint16_t size, uint64_t descriptors, uint64_t driver_area,
                                      uint64_t device_area, uint16_t vector) {
  write<uint16_t>(common_, kQueueSelect, queue);
  uint32_t notify_at = uint32_t(read<uint16_t>(common_, kQueueNotifyOffset)) * layout_.notify_multiplier;
  if (uint64_t(notify_at) + 2 > layout_.notify.length) return QueueSetup::failed;
  queue_notify_ = reinterpret_cast<volatile uint16_t*>(notify_ + notify_at);
  write<uint16_t>(common_, kQueueSize, size);
  write64(common_, kQueueDescriptors, descriptors);
  write64(common_, kQueueDriver, driver_area);
  write64(common_, kQueueDevice, device_area);
  write<uint16_t>(common_, kQueueVector, vector);
  // A device that cannot use the vector reads back NO_VECTOR (4.1.5.1.2).
  bool vector_taken = read<uint16_t>(common_, kQueueVector) == vector;
  if (!vector_taken) write<uint16_t>(common_, kQueueVector, kNoVector);
  write<uint16_t>(common_, kQueueEnable, 1);
  return vector_taken ? QueueSetup::ok : QueueSetup::no_vector;
}

void PciTransport::notify(uint16_t queue) {
  if (queue_notify_) *queue_notify_ = queue;
}

uint8_t PciTransport::read_isr() { return isr_ ? read<uint8_t>(isr_, 0) : 0; }

}  // namespace drivers::virtio
