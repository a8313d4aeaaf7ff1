// HPET table: where the High Precision Event Timer's registers live. The
// base must be in system memory (an I/O-space HPET is not something the
// driver can use). The comparator count is a hint from the table; the
// driver re-reads the authoritative count from the capabilities register.
#include "hal/acpi.h"

namespace hal::acpi {

rtl::Result<HpetInfo> decode_hpet(const Table& hpet) {
  if (!hpet.has_signature("HPET")) return rtl::Error(rtl::Errc::bad_format, "not an HPET table");
  if (hpet.length < 56) return rtl::Error(rtl::Errc::bad_format, "HPET table too short");
  const uint8_t* d = hpet.data;
  uint32_t block_id = detail::load_le32(d + 36);
  if (d[40] != static_cast<uint8_t>(AddressSpace::system_memory))
    return rtl::Error(rtl::Errc::not_supported, "HPET base not in system memory");

  HpetInfo info{};
  info.base_address = detail::load_le64(d + 44);
  if (info.base_address == 0) return rtl::Error(rtl::Errc::bad_format, "HPET base is zero");
  info.comparator_count = static_cast<uint8_t>(((block_id >> 8) & 0x1f) + 1);
  info.counter_64bit = (block_id & (1u << 13)) != 0;
  info.legacy_replacement = (block_id & (1u << 15)) != 0;
  info.pci_vendor_id = static_cast<uint16_t>(block_id >> 16);
  info.hpet_number = d[52];
  info.minimum_tick = detail::load_le16(d + 53);
  return info;
}

}  // namespace hal::acpi
