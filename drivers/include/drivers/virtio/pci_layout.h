// Where a modern virtio-pci device keeps its register blocks (virtio 1.x,
// section 4.1.4): vendor-specific PCI capabilities naming a BAR, an offset
// and a length for each block, plus the MSI-X capability's table location.
// Read only through DeviceHost::config_read, so the host tests parse fake
// configuration spaces.
#pragma once

#include <cstdint>

#include "drivers/device_host.h"

namespace drivers::virtio {

struct Region {
  bool present = false;
  uint8_t bar = 0;
  uint32_t offset = 0;
  uint32_t length = 0;
};

struct PciLayout {
  Region common, notify, isr, device;
  uint32_t notify_multiplier = 0;
  uint16_t msix_capability = 0;  // config offset; 0: the device has none
  uint16_t msix_table_size = 0;  // entries
  uint8_t msix_bar = 0;
  uint32_t msix_offset = 0;
};

// PCI configuration registers the transport touches.
inline constexpr uint16_t kPciCommand = 0x04;
inline constexpr uint16_t kPciStatus = 0x06;
inline constexpr uint16_t kPciCapabilityPointer = 0x34;
inline constexpr uint16_t kPciCommandMemory = 1u << 1;
inline constexpr uint16_t kPciCommandBusMaster = 1u << 2;
inline constexpr uint16_t kPciStatusCapabilities = 1u << 4;
inline constexpr uint8_t kCapabilityVendor = 0x09;
inline constexpr uint8_t kCapabilityMsix = 0x11;

// Walks the capability list (bounded: a looping list ends the walk). The
// first capability of each type wins, as the spec asks; ones naming a BAR
// above 5 are skipped.
PciLayout find_pci_layout(DeviceHost& host);

}  // namespace drivers::virtio
