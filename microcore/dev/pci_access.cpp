// PCI configuration space for user-mode drivers: a task granted one device
// (grant_pci_device) reads and writes that device's configuration space and
// nothing else (AMPHI_TRAP_DEVICE_CONFIG).
//
// Writes that would let a server point its device somewhere new are
// refused: the BARs and the expansion ROM base (which place the device's
// registers in the physical address space, where they could cover kernel
// memory the task then maps as "device memory"), and the MSI-X capability's
// table and PBA locations. Everything else (command register, MSI-X
// enable, device-specific registers) is the driver's business.
//
// Accesses narrower than 32 bits go through hal::pci::read_config and
// write_config (which keep the status register's write-one-to-clear bits).
#include "hal/pci_ecam.h"
#include "microcore/device_services.h"
#include "task_devices.h"

namespace microcore {
namespace {

constexpr uint16_t kConfigBytes = 4096;
constexpr uint16_t kCommandDword = 0x04;  // command (low half), status (high half)
constexpr uint16_t kFirstBar = 0x10, kBarsEnd = 0x28;
constexpr uint16_t kExpansionRom = 0x30;
constexpr uint16_t kCapabilityPointer = 0x34;
constexpr uint16_t kStatusCapabilities = 1u << 4;
constexpr uint8_t kCapabilityMsix = 0x11;
constexpr int kMaxCapabilities = 48;  // what fits after the header; more means a loop

uint32_t read_dword(const PciGrant& grant, uint16_t offset) {
  const hal::pci::ConfigAccess& ecam = hal::pci::ecam();
  return ecam.read32(ecam.context, grant.bus, grant.device, grant.function, offset & 0xffc);
}

uint16_t find_msix(const PciGrant& grant) {
  if (!((read_dword(grant, kCommandDword) >> 16) & kStatusCapabilities)) return 0;
  auto at = static_cast<uint16_t>(read_dword(grant, kCapabilityPointer) & 0xfc);
  for (int step = 0; at >= 0x40 && step < kMaxCapabilities; ++step) {
    uint32_t header = read_dword(grant, at);
    if ((header & 0xff) == kCapabilityMsix) return at;
    at = static_cast<uint16_t>((header >> 8) & 0xfc);
  }
  return 0;
}

bool overlaps(uint16_t offset, uint8_t width, uint16_t first, uint16_t end) {
  return offset < end && first < offset + width;
}

bool write_allowed(const PciGrant& grant, uint16_t offset, uint8_t width) {
  if (overlaps(offset, width, kFirstBar, kBarsEnd)) return false;
  if (overlaps(offset, width, kExpansionRom, kExpansionRom + 4)) return false;
  // MSI-X: table offset/BIR at +4, PBA offset/BIR at +8 (read-only in
  // hardware, refused here all the same).
  if (grant.msix_capability && overlaps(offset, width, grant.msix_capability + 4, grant.msix_capability + 12))
    return false;
  return true;
}

}  // namespace

rtl::Result<void> grant_pci_device(Task& task, uint8_t bus, uint8_t device, uint8_t function) {
  if (device > 31 || function > 7) return rtl::Error(rtl::Errc::invalid_argument, "no such PCI location");
  PciGrant grant{true, bus, device, function, 0};
  if ((read_dword(grant, 0) & 0xffff) == 0xffff) return rtl::Error(rtl::Errc::not_found, "no PCI device there");
  grant.msix_capability = find_msix(grant);
  TaskDevices* devices = TRY(devices_of(task));
  devices->pci = grant;
  return {};
}

void stop_bus_mastering(const PciGrant& grant) {
  if (!grant.granted) return;
  const hal::pci::ConfigAccess& ecam = hal::pci::ecam();
  uint32_t command = hal::pci::read_config(ecam, grant.bus, grant.device, grant.function, kCommandDword, 2);
  hal::pci::write_config(ecam, grant.bus, grant.device, grant.function, kCommandDword, 2, command & ~(1u << 2));
}

rtl::Result<uint32_t> pci_config_access(Task& task, uint16_t offset, uint8_t width, uint32_t value, bool write) {
  TaskDevices* devices = existing_devices(task);
  if (!devices || !devices->pci.granted)
    return rtl::Error(rtl::Errc::permission_denied, "no PCI device granted to this task");
  if ((width != 1 && width != 2 && width != 4) || offset % width || offset >= kConfigBytes)
    return rtl::Error(rtl::Errc::invalid_argument, "bad configuration access");
  const PciGrant& grant = devices->pci;
  const hal::pci::ConfigAccess& ecam = hal::pci::ecam();
  if (!write) return hal::pci::read_config(ecam, grant.bus, grant.device, grant.function, offset, width);
  if (!write_allowed(grant, offset, width))
    return rtl::Error(rtl::Errc::permission_denied, "that configuration register is the kernel's");
  hal::pci::write_config(ecam, grant.bus, grant.device, grant.function, offset, width, value);
  return 0;
}

}  // namespace microcore
