// Narrow configuration-space accesses (see hal/pci.h).
#include "hal/pci.h"

namespace hal::pci {
namespace {
constexpr uint16_t kCommandDword = 0x04;  // command (low half), status (high half)
uint32_t mask_of(uint16_t offset, uint8_t width) {
  return width >= 4 ? ~0u : ((1u << (width * 8)) - 1) << ((offset & 3) * 8);
}
}  // namespace

uint32_t read_config(const ConfigAccess& config, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                     uint8_t width) {
  uint32_t dword = config.read32(config.context, bus, device, function, offset & 0xffc);
  return (dword & mask_of(offset, width)) >> ((offset & 3) * 8);
}

void write_config(const ConfigAccess& config, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                  uint8_t width, uint32_t value) {
  uint32_t mask = mask_of(offset, width);
  uint32_t dword = width >= 4 ? 0 : config.read32(config.context, bus, device, function, offset & 0xffc);
  bool status_targeted = (offset & 0xffc) == kCommandDword && (mask & 0xffff0000u);
  if ((offset & 0xffc) == kCommandDword && !status_targeted) dword &= 0x0000ffffu;
  config.write32(config.context, bus, device, function, offset & 0xffc,
                 (dword & ~mask) | ((value << ((offset & 3) * 8)) & mask));
}

}  // namespace hal::pci
