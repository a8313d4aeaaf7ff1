// The Root System Description Pointer: the one structure whose address the
// loader passes in (BootInfo::acpi_rsdp). Revision 0 carries only the RSDT;
// revision 2+ adds a length, the XSDT address and an extended checksum over
// the whole structure. Both checksums must hold.
#include "hal/acpi.h"

namespace hal::acpi {

rtl::Result<Rsdp> parse_rsdp(const PhysicalReader& reader, uint64_t physical) {
  if (physical == 0) return rtl::Error(rtl::Errc::not_found, "no RSDP address");
  const uint8_t* v1 = reader.map_bytes(physical, kRsdpV1Size);
  if (v1 == nullptr) return rtl::Error(rtl::Errc::out_of_range, "RSDP not mappable");

  static constexpr char kSignature[] = "RSD PTR ";
  for (size_t i = 0; i < 8; ++i)
    if (v1[i] != static_cast<uint8_t>(kSignature[i]))
      return rtl::Error(rtl::Errc::bad_format, "RSDP signature mismatch");
  if (checksum(v1, kRsdpV1Size) != 0)
    return rtl::Error(rtl::Errc::bad_format, "RSDP checksum mismatch");

  Rsdp rsdp{};
  rsdp.physical = physical;
  rsdp.revision = v1[15];
  detail::copy_text(rsdp.oem_id, v1 + 9, 6);
  rsdp.rsdt_address = detail::load_le32(v1 + 16);
  if (rsdp.revision < 2) return rsdp;

  const uint8_t* v2 = reader.map_bytes(physical, kRsdpV2Size);
  if (v2 == nullptr) return rtl::Error(rtl::Errc::out_of_range, "RSDP v2 not mappable");
  uint32_t length = detail::load_le32(v2 + 20);
  if (length < kRsdpV2Size) return rtl::Error(rtl::Errc::bad_format, "RSDP v2 length too small");
  const uint8_t* whole = reader.map_bytes(physical, length);
  if (whole == nullptr) return rtl::Error(rtl::Errc::out_of_range, "RSDP v2 not mappable");
  if (checksum(whole, length) != 0)
    return rtl::Error(rtl::Errc::bad_format, "RSDP extended checksum mismatch");
  rsdp.xsdt_address = detail::load_le64(whole + 24);
  return rsdp;
}

}  // namespace hal::acpi
