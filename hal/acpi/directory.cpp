// The table directory: which tables the firmware published and where.
// The XSDT (64-bit entries) is preferred; if the RSDP is revision 0, has no
// XSDT address, or the XSDT fails validation, the RSDT (32-bit entries) is
// used, as Linux does. Entries are read only within the validated root
// table; a trailing partial entry is ignored. Invalid child tables are
// skipped and counted, not fatal: one broken table must not hide the MADT.
#include "hal/acpi.h"
#include "rtl/format.h"

namespace hal::acpi {

rtl::Result<void> load_table_directory(const PhysicalReader& reader, uint64_t rsdp_physical,
                                       TableDirectory& out) {
  out = TableDirectory{};
  Rsdp rsdp = TRY(parse_rsdp(reader, rsdp_physical));

  Table root{};
  bool is_xsdt = false;
  if (rsdp.revision >= 2 && rsdp.xsdt_address != 0) {
    auto xsdt = map_table(reader, rsdp.xsdt_address, "XSDT");
    if (xsdt.is_ok()) {
      root = xsdt.value();
      is_xsdt = true;
    }
  }
  if (!is_xsdt) root = TRY(map_table(reader, rsdp.rsdt_address, "RSDT"));

  detail::copy_text(out.root_signature, root.data, 4);
  out.root_physical = root.physical;
  size_t entry_size = is_xsdt ? 8 : 4;
  size_t entries = (root.length - kTableHeaderSize) / entry_size;
  for (size_t i = 0; i < entries; ++i) {
    const uint8_t* slot = root.data + kTableHeaderSize + i * entry_size;
    uint64_t address = is_xsdt ? detail::load_le64(slot) : detail::load_le32(slot);
    auto table = map_table(reader, address, nullptr);
    if (table.is_error()) {
      ++out.invalid;
      continue;
    }
    if (out.count == TableDirectory::kCapacity) {
      ++out.overflow;
      continue;
    }
    TableDirectory::Entry& entry = out.entries[out.count++];
    detail::copy_text(entry.signature, table.value().data, 4);
    entry.physical = address;
  }
  return {};
}

rtl::Result<Table> TableDirectory::find(const PhysicalReader& reader, const char* signature,
                                        size_t instance) const {
  for (size_t i = 0; i < count; ++i) {
    const Entry& entry = entries[i];
    bool same = true;
    for (size_t c = 0; c < 4; ++c) same = same && entry.signature[c] == signature[c];
    if (!same) continue;
    if (instance-- == 0) return map_table(reader, entry.physical, signature);
  }
  return rtl::Error(rtl::Errc::not_found, "ACPI table not present");
}

size_t TableDirectory::format_signatures(char* out, size_t capacity) const {
  if (capacity == 0) return 0;
  size_t length = rtl::format_to_buffer(out, capacity, "{}", root_signature);
  for (size_t i = 0; i < count && length + 1 < capacity; ++i)
    length += rtl::format_to_buffer(out + length, capacity - length, " {}", entries[i].signature);
  return length;
}

}  // namespace hal::acpi
