// Finding a virtio-pci device's register blocks (see drivers/virtio/pci_layout.h).
#include "drivers/virtio/pci_layout.h"

namespace drivers::virtio {
namespace {

// virtio_pci_cap.cfg_type
constexpr uint8_t kCommonConfig = 1;
constexpr uint8_t kNotifyConfig = 2;
constexpr uint8_t kIsrConfig = 3;
constexpr uint8_t kDeviceConfig = 4;

// 48 capabilities of 4 bytes fill the 192 bytes after the header: more
// steps than that means the list loops.
constexpr int kMaxCapabilities = 48;

Region read_region(DeviceHost& host, uint16_t at) {
  Region region;
  region.bar = static_cast<uint8_t>(host.config_read(at + 4, 1));
  region.offset = host.config_read(at + 8, 4);
  region.length = host.config_read(at + 12, 4);
  region.present = region.bar < 6;
  return region;
}

}  // namespace

PciLayout find_pci_layout(DeviceHost& host) {
  PciLayout layout;
  if (!(host.config_read(kPciStatus, 2) & kPciStatusCapabilities)) return layout;
  auto at = static_cast<uint16_t>(host.config_read(kPciCapabilityPointer, 1) & 0xfc);
  for (int step = 0; at >= 0x40 && step < kMaxCapabilities; ++step) {
    auto id = static_cast<uint8_t>(host.config_read(at, 1));
    if (id == kCapabilityVendor) {
      auto type = static_cast<uint8_t>(host.config_read(at + 3, 1));
      Region* slot = type == kCommonConfig   ? &layout.common
                     : type == kNotifyConfig ? &layout.notify
                     : type == kIsrConfig    ? &layout.isr
                     : type == kDeviceConfig ? &layout.device
                                             : nullptr;
      if (slot && !slot->present) {
        *slot = read_region(host, at);
        if (type == kNotifyConfig && slot->present) layout.notify_multiplier = host.config_read(at + 16, 4);
      }
    } else if (id == kCapabilityMsix && !layout.msix_capability) {
      layout.msix_capability = at;
      layout.msix_table_size = static_cast<uint16_t>((host.config_read(at + 2, 2) & 0x7ff) + 1);
      uint32_t table = host.config_read(at + 4, 4);
      layout.msix_bar = static_cast<uint8_t>(table & 7);
      layout.msix_offset = table & ~7u;
    }
    at = static_cast<uint16_t>(host.config_read(at + 1, 1) & 0xfc);
  }
  return layout;
}

}  // namespace drivers::virtio
