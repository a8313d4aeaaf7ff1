// PCI bus walk. Function 0 decides presence (vendor 0xffff or 0 = empty
// slot) and, through header type bit 7, whether functions 1-7 exist.
// Type-1 headers (PCI-to-PCI bridges) lead to their secondary bus, scanned
// recursively once; recursion depth is bounded by the 256-entry visited set.
#include "hal/pci.h"

namespace hal::pci {
namespace {

constexpr uint16_t kVendorOffset = 0x00;
constexpr uint16_t kClassOffset = 0x08;
constexpr uint16_t kHeaderOffset = 0x0c;
constexpr uint16_t kBar0Offset = 0x10;
constexpr uint16_t kBusNumbersOffset = 0x18;

struct Walk {
  const ConfigReader& config;
  uint8_t start_bus, end_bus;
  DeviceList& out;
  uint64_t visited[4];

  uint32_t read(uint8_t bus, uint8_t device, uint8_t function, uint16_t offset) const {
    return config.read32(config.context, bus, device, function, offset);
  }
  bool in_range(unsigned bus) const { return bus >= start_bus && bus <= end_bus; }
  bool mark(uint8_t bus) {
    uint64_t bit = uint64_t(1) << (bus % 64);
    if (visited[bus / 64] & bit) return false;
    visited[bus / 64] |= bit;
    return true;
  }

  void scan_bus(uint8_t bus);
  void scan_function(uint8_t bus, uint8_t device, uint8_t function, uint32_t id);
};

bool present(uint32_t id) {
  uint16_t vendor = id & 0xffff;
  return vendor != 0xffff && vendor != 0;
}

void Walk::scan_bus(uint8_t bus) {
  if (!in_range(bus) || !mark(bus)) return;
  for (uint8_t device = 0; device < 32; ++device) {
    uint32_t id = read(bus, device, 0, kVendorOffset);
    if (!present(id)) continue;
    scan_function(bus, device, 0, id);
    if (!(read(bus, device, 0, kHeaderOffset) & 0x00800000)) continue;
    for (uint8_t function = 1; function < 8; ++function) {
      uint32_t function_id = read(bus, device, function, kVendorOffset);
      if (present(function_id)) scan_function(bus, device, function, function_id);
    }
  }
}

void Walk::scan_function(uint8_t bus, uint8_t device, uint8_t function, uint32_t id) {
  uint32_t class_word = read(bus, device, function, kClassOffset);
  uint8_t header = static_cast<uint8_t>(read(bus, device, function, kHeaderOffset) >> 16);

  Device d{};
  d.bus = bus;
  d.device = device;
  d.function = function;
  d.vendor_id = static_cast<uint16_t>(id);
  d.device_id = static_cast<uint16_t>(id >> 16);
  d.revision = static_cast<uint8_t>(class_word);
  d.prog_if = static_cast<uint8_t>(class_word >> 8);
  d.subclass = static_cast<uint8_t>(class_word >> 16);
  d.class_code = static_cast<uint8_t>(class_word >> 24);
  d.header_type = header & 0x7f;
  d.multifunction = (header & 0x80) != 0;
  d.bar_count = d.header_type == kHeaderTypeGeneral ? 6 : d.header_type == kHeaderTypeBridge ? 2 : 0;

  uint32_t raw[kMaxBars] = {};
  for (uint8_t i = 0; i < d.bar_count; ++i)
    raw[i] = read(bus, device, function, static_cast<uint16_t>(kBar0Offset + 4 * i));
  for (uint8_t i = 0; i < d.bar_count; ++i) {
    if (i > 0 && d.bars[i - 1].kind == BarKind::memory64) {
      d.bars[i] = {BarKind::memory64_upper, d.bars[i - 1].prefetchable, 0};
      continue;
    }
    d.bars[i] = decode_bar(raw[i], i + 1 < d.bar_count ? raw[i + 1] : 0);
  }

  if (d.header_type == kHeaderTypeBridge) {
    uint32_t buses = read(bus, device, function, kBusNumbersOffset);
    d.secondary_bus = static_cast<uint8_t>(buses >> 8);
    d.subordinate_bus = static_cast<uint8_t>(buses >> 16);
  }

  if (out.count < DeviceList::kCapacity)
    out.devices[out.count++] = d;
  else
    ++out.overflow;

  // A bridge's secondary bus is always behind it; a number at or below our
  // own bus is unconfigured or bogus firmware, and would walk backwards.
  if (d.header_type == kHeaderTypeBridge && d.secondary_bus > bus) scan_bus(d.secondary_bus);
}

uint32_t sort_key(const Device& d) {
  return uint32_t(d.bus) << 8 | uint32_t(d.device) << 3 | d.function;
}

void sort_devices(DeviceList& list) {
  for (size_t i = 1; i < list.count; ++i) {
    Device item = list.devices[i];
    size_t j = i;
    for (; j > 0 && sort_key(list.devices[j - 1]) > sort_key(item); --j)
      list.devices[j] = list.devices[j - 1];
    list.devices[j] = item;
  }
}

}  // namespace

void enumerate(const ConfigReader& config, uint8_t start_bus, uint8_t end_bus, DeviceList& out) {
  out.count = 0;
  out.overflow = 0;
  Walk walk{config, start_bus, end_bus, out, {}};
  walk.scan_bus(start_bus);
  for (unsigned bus = start_bus; bus <= end_bus; ++bus) walk.scan_bus(static_cast<uint8_t>(bus));
  sort_devices(out);
}

}  // namespace hal::pci
