// _CRS resource templates (ACPI 6.5 section 6.4): a sequence of small items
// (one tag byte: bit 7 clear, name in bits 6-3, length in bits 2-0) and
// large items (tag byte with bit 7 set, then a 16-bit length), ended by the
// End Tag small item (0x79, with a checksum byte). Each item's length is
// checked against the buffer before any of it is read.
#include "hal/acpi_devices.h"

namespace hal::acpi {
namespace {

using detail::load_le16;

constexpr uint8_t kSmallIrq = 0x04;      // 0x22 / 0x23
constexpr uint8_t kSmallIo = 0x08;       // 0x47
constexpr uint8_t kSmallFixedIo = 0x09;  // 0x4B
constexpr uint8_t kSmallEnd = 0x0f;      // 0x79

void add_io(ResourceList& list, uint16_t base, uint8_t length) {
  if (list.io_count == ResourceList::kMaxIo) {
    ++list.io_overflow;
    return;
  }
  list.io[list.io_count++] = {base, length};
}

// `item` points at the data after the tag byte; `length` was checked.
bool decode_small(uint8_t name, const uint8_t* item, size_t length, ResourceList& list) {
  switch (name) {
    case kSmallIrq:
      if (length != 2 && length != 3) return false;
      list.irq_mask |= load_le16(item);
      return true;
    case kSmallIo:  // information, minimum, maximum, alignment, length
      if (length != 7) return false;
      add_io(list, load_le16(item + 1), item[6]);
      return true;
    case kSmallFixedIo:  // 10-bit base, length
      if (length != 3) return false;
      add_io(list, load_le16(item) & 0x3ff, item[2]);
      return true;
    default:
      return true;  // DMA, start/end dependent functions, vendor: not needed
  }
}

}  // namespace

int ResourceList::first_irq() const {
  for (int irq = 0; irq < 16; ++irq)
    if (irq_mask & (1u << irq)) return irq;
  return -1;
}

rtl::Result<ResourceList> decode_resource_template(const uint8_t* bytes, size_t length) {
  ResourceList list{};
  size_t at = 0;
  while (bytes != nullptr && at < length) {
    uint8_t tag = bytes[at++];
    if (tag & 0x80) {  // large item: 16-bit length follows
      if (length - at < 2) break;
      size_t item_length = load_le16(bytes + at);
      at += 2;
      if (item_length > length - at) break;
      at += item_length;
      continue;
    }
    uint8_t name = (tag >> 3) & 0x0f;
    size_t item_length = tag & 0x07;
    if (item_length > length - at) break;
    if (name == kSmallEnd) {
      if (item_length != 1) break;
      return list;
    }
    if (!decode_small(name, bytes + at, item_length, list)) break;
    at += item_length;
  }
  return rtl::Error(rtl::Errc::bad_format, "resource template malformed or without End Tag");
}

}  // namespace hal::acpi
