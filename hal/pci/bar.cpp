// Base Address Registers. Bit 0 tells I/O (1) from memory (0); memory BARs
// carry a type in bits 2-1 (00 32-bit, 10 64-bit with the next BAR as the
// high dword, 01 legacy below 1 MiB) and prefetchable in bit 3.
//
// Sizing is the write-all-ones probe: the bits that stay zero are the
// alignment, hence the size. It writes configuration space, so it lives
// apart from enumeration, runs with I/O and memory decoding turned off (a
// BAR transiently at 0xffff_fff0 must not claim anyone's cycles) and always
// restores the original values.
#include "hal/pci.h"

namespace hal::pci {
namespace {

constexpr uint16_t kCommandOffset = 0x04;
constexpr uint16_t kHeaderOffset = 0x0c;
constexpr uint16_t kBar0Offset = 0x10;
constexpr uint32_t kDecodeEnableBits = 0x3;  // I/O space, memory space

bool is_io(uint32_t raw) { return raw & 1; }
bool is_memory64(uint32_t raw) { return !is_io(raw) && ((raw >> 1) & 3) == 2; }

}  // namespace

Bar decode_bar(uint32_t raw, uint32_t next) {
  if (raw == 0) return {BarKind::none, false, 0};
  if (is_io(raw)) return {BarKind::io, false, raw & ~uint32_t(3)};
  bool prefetchable = (raw & 8) != 0;
  uint64_t low = raw & ~uint32_t(0xf);
  if (is_memory64(raw)) return {BarKind::memory64, prefetchable, low | uint64_t(next) << 32};
  return {BarKind::memory32, prefetchable, low};
}

rtl::Result<uint64_t> size_bar(const ConfigAccess& config, uint8_t bus, uint8_t device,
                               uint8_t function, uint8_t index) {
  auto read = [&](uint16_t offset) {
    return config.read32(config.context, bus, device, function, offset);
  };
  auto write = [&](uint16_t offset, uint32_t value) {
    config.write32(config.context, bus, device, function, offset, value);
  };

  uint8_t header = static_cast<uint8_t>(read(kHeaderOffset) >> 16) & 0x7f;
  size_t bar_count = header == kHeaderTypeGeneral ? 6 : header == kHeaderTypeBridge ? 2 : 0;
  if (index >= bar_count) return rtl::Error(rtl::Errc::invalid_argument, "no such BAR");
  if (index > 0) {
    uint32_t previous = read(static_cast<uint16_t>(kBar0Offset + 4 * (index - 1)));
    if (is_memory64(previous))
      return rtl::Error(rtl::Errc::invalid_argument, "BAR is the upper half of a 64-bit BAR");
  }

  uint16_t offset = static_cast<uint16_t>(kBar0Offset + 4 * index);
  uint32_t original = read(offset);
  bool wide = is_memory64(original);
  if (wide && index + 1u >= bar_count)
    return rtl::Error(rtl::Errc::bad_format, "64-bit BAR in the last slot");
  uint16_t high_offset = static_cast<uint16_t>(offset + 4);
  uint32_t original_high = wide ? read(high_offset) : 0;

  uint32_t command = read(kCommandOffset);
  write(kCommandOffset, command & ~kDecodeEnableBits);
  write(offset, 0xffffffff);
  uint32_t probe = read(offset);
  uint32_t probe_high = 0xffffffff;
  if (wide) {
    write(high_offset, 0xffffffff);
    probe_high = read(high_offset);
    write(high_offset, original_high);
  }
  write(offset, original);
  write(kCommandOffset, command);

  if (is_io(original)) {
    uint32_t mask = probe & ~uint32_t(3);
    if (mask == 0) return uint64_t(0);
    if ((mask & 0xffff0000) == 0) mask |= 0xffff0000;  // 16-bit I/O decoder
    return uint64_t(~mask + 1);
  }
  uint64_t mask = uint64_t(probe_high) << 32 | (probe & ~uint32_t(0xf));
  if (!wide) mask |= 0xffffffff00000000ull;
  if ((mask & 0xffffffffull) == 0 && (!wide || probe_high == 0)) return uint64_t(0);
  return ~mask + 1;
}

}  // namespace hal::pci
