// Validation shared by every ACPI table: header present, length sane and
// within what was mapped, bytes summing to zero. Everything else in hal/acpi
// only sees tables that passed through here.
#include "hal/acpi.h"

namespace hal::acpi {

using detail::load_le32;

uint8_t checksum(const uint8_t* bytes, size_t length) {
  uint8_t sum = 0;
  for (size_t i = 0; i < length; ++i) sum = static_cast<uint8_t>(sum + bytes[i]);
  return sum;
}

bool Table::has_signature(const char* four_chars) const {
  for (size_t i = 0; i < 4; ++i)
    if (signature[i] != four_chars[i]) return false;
  return true;
}

rtl::Result<Table> validate_table(const uint8_t* bytes, size_t available, uint64_t physical,
                                  const char* expected_signature) {
  if (bytes == nullptr || available < kTableHeaderSize)
    return rtl::Error(rtl::Errc::bad_format, "ACPI table shorter than its header");
  if (expected_signature != nullptr) {
    for (size_t i = 0; i < 4; ++i)
      if (bytes[i] != static_cast<uint8_t>(expected_signature[i]))
        return rtl::Error(rtl::Errc::bad_format, "ACPI table signature mismatch");
  }
  uint32_t length = load_le32(bytes + 4);
  if (length < kTableHeaderSize)
    return rtl::Error(rtl::Errc::bad_format, "ACPI table length below header size");
  if (length > available)
    return rtl::Error(rtl::Errc::bad_format, "ACPI table length exceeds mapped range");
  if (checksum(bytes, length) != 0)
    return rtl::Error(rtl::Errc::bad_format, "ACPI table checksum mismatch");

  Table table{};
  table.physical = physical;
  table.data = bytes;
  table.length = length;
  table.revision = bytes[8];
  detail::copy_text(table.signature, bytes, 4);
  detail::copy_text(table.oem_id, bytes + 10, 6);
  return table;
}

rtl::Result<Table> map_table(const PhysicalReader& reader, uint64_t physical,
                             const char* expected_signature) {
  if (physical == 0) return rtl::Error(rtl::Errc::not_found, "ACPI table address is zero");
  const uint8_t* header = reader.map_bytes(physical, kTableHeaderSize);
  if (header == nullptr)
    return rtl::Error(rtl::Errc::out_of_range, "ACPI table header not mappable");
  uint32_t length = load_le32(header + 4);
  if (length < kTableHeaderSize)
    return rtl::Error(rtl::Errc::bad_format, "ACPI table length below header size");
  const uint8_t* whole = reader.map_bytes(physical, length);
  if (whole == nullptr) return rtl::Error(rtl::Errc::out_of_range, "ACPI table not mappable");
  return validate_table(whole, length, physical, expected_signature);
}

}  // namespace hal::acpi
