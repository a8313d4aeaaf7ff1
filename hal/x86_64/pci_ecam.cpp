// ECAM configuration access. Offsets are bus << 20 | device << 15 |
// function << 12 | register, relative to the segment's bus-0 base; accesses
// are 32-bit, aligned, uncached (the window is mapped as device memory).
#include "hal/pci_ecam.h"

#include "hal/io.h"
#include "hal/paging.h"

namespace hal::pci {
namespace {

uintptr_t g_window = 0;  // virtual address of bus start_bus, set once at boot
uint8_t g_start_bus = 0, g_end_bus = 0;

uintptr_t address(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset) {
  return g_window + ((uintptr_t(bus - g_start_bus) << 20) | (uintptr_t(device & 31) << 15) |
                     (uintptr_t(function & 7) << 12) | (offset & 0xffc));
}

bool in_range(uint8_t bus) { return g_window && bus >= g_start_bus && bus <= g_end_bus; }

uint32_t read32(void*, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset) {
  if (!in_range(bus)) return 0xffffffff;  // what an absent device reads as
  return mmio_read<uint32_t>(address(bus, device, function, offset));
}

void write32(void*, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset, uint32_t value) {
  if (in_range(bus)) mmio_write<uint32_t>(address(bus, device, function, offset), value);
}

const ConfigAccess g_access{nullptr, read32, write32};

}  // namespace

rtl::Result<void> init_ecam(const acpi::McfgInfo& mcfg) {
  for (size_t i = 0; i < mcfg.count; ++i) {
    const acpi::EcamSegment& s = mcfg.segments[i];
    if (s.segment_group != 0 || s.end_bus < s.start_bus) continue;
    size_t size = (size_t(s.end_bus - s.start_bus) + 1) << 20;
    g_window = TRY(paging::map_device_memory(s.base_address + (uint64_t(s.start_bus) << 20), size));
    g_start_bus = s.start_bus;
    g_end_bus = s.end_bus;
    return {};
  }
  return rtl::Error(rtl::Errc::not_found, "MCFG has no segment group 0");
}

const ConfigAccess& ecam() { return g_access; }
uint8_t ecam_start_bus() { return g_start_bus; }
uint8_t ecam_end_bus() { return g_end_bus; }
bool ecam_ready() { return g_window != 0; }

}  // namespace hal::pci
