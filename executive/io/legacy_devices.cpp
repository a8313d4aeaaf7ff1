// The legacy device plan (see legacy_devices.h).
#include "legacy_devices.h"

namespace executive::io {
namespace {

using hal::acpi::NamespaceDevice;
using hal::acpi::NamespaceDeviceList;

constexpr uint16_t kComBases[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
constexpr const char* kKeyboardIds[] = {"PNP0303", "PNP030B"};

drivers::DeviceInfo legacy_info(uint16_t base, uint16_t count, uint8_t irq) {
  drivers::DeviceInfo info;
  info.bus = drivers::DeviceInfo::Bus::legacy;
  info.io_base = base;
  info.io_count = count;
  info.legacy_irq = irq;
  return info;
}

// COM order: the standard bases first, anything else after them.
size_t com_rank(uint16_t base) {
  for (size_t i = 0; i < sizeof kComBases / sizeof kComBases[0]; ++i)
    if (kComBases[i] == base) return i;
  return sizeof kComBases / sizeof kComBases[0];
}

// A 16550 needs its eight registers and a line.
bool usable_uart(const NamespaceDevice& device) {
  const hal::acpi::ResourceList& r = device.resources;
  return r.io_count >= 1 && r.io[0].length >= 8 && r.first_irq() >= 0 &&
         r.io[0].base != kConsoleUartBase;
}

void add(LegacyDevices& out, LegacyDevice::Kind kind, const drivers::DeviceInfo& info,
         const char* path) {
  out.devices[out.count++] = {kind, info, path};
}

void plan_uarts(const NamespaceDeviceList* acpi, LegacyDevices& out) {
  if (acpi == nullptr || acpi->find("PNP0501") == nullptr) {
    out.uart_fallback = acpi == nullptr ? "no DSDT" : "the DSDT declares no PNP0501";
    add(out, LegacyDevice::Kind::uart, legacy_info(0x2f8, 8, 3), nullptr);
    return;
  }
  // Selection by rank, stable in declaration order: a few entries at most.
  size_t first = out.count;
  for (size_t rank = 0; rank <= sizeof kComBases / sizeof kComBases[0]; ++rank) {
    for (size_t i = 0; const NamespaceDevice* device = acpi->find("PNP0501", i); ++i) {
      if (!usable_uart(*device) || com_rank(device->resources.io[0].base) != rank) continue;
      if (out.count - first == LegacyDevices::kMaxUarts) return;
      const hal::acpi::ResourceList& r = device->resources;
      add(out, LegacyDevice::Kind::uart, legacy_info(r.io[0].base, 8, uint8_t(r.first_irq())),
          device->path);
    }
  }
}

void plan_keyboard(const NamespaceDeviceList* acpi, LegacyDevices& out) {
  const NamespaceDevice* found = nullptr;
  for (const char* id : kKeyboardIds)
    if (acpi != nullptr && found == nullptr) found = acpi->find(id);
  if (found == nullptr) {
    out.keyboard_fallback = acpi == nullptr ? "no DSDT" : "the DSDT declares no PNP0303";
    drivers::DeviceInfo keyboard = legacy_info(0x60, 1, 1);
    keyboard.io2_base = 0x64;
    keyboard.io2_count = 1;
    add(out, LegacyDevice::Kind::keyboard, keyboard, nullptr);
    return;
  }
  // Data port and command/status port, as two ranges (not 0x61 between).
  const hal::acpi::ResourceList& r = found->resources;
  if (r.io_count < 2 || r.io[0].length == 0 || r.io[1].length == 0 || r.first_irq() < 0) return;
  drivers::DeviceInfo keyboard = legacy_info(r.io[0].base, r.io[0].length, uint8_t(r.first_irq()));
  keyboard.io2_base = r.io[1].base;
  keyboard.io2_count = r.io[1].length;
  add(out, LegacyDevice::Kind::keyboard, keyboard, found->path);
}

}  // namespace

void plan_legacy_devices(const NamespaceDeviceList* acpi, LegacyDevices& out) {
  out.count = 0;
  out.uart_fallback = out.keyboard_fallback = nullptr;
  plan_uarts(acpi, out);
  plan_keyboard(acpi, out);
}

}  // namespace executive::io
