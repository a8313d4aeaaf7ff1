// FADT ("FACP"): fixed hardware the kernel drives directly: PM1 control
// (soft-off), the PM timer, the reset register, the CMOS century index, the
// IA-PC boot flags (is there an 8042? may we probe VGA?) and the DSDT.
//
// The FADT grew over ACPI revisions; firmware sets `length` to what it
// implements. Fields past `length` are absent and read as zero, so the table
// is copied into a zeroed buffer of the newest known size and decoded there:
// no field read can leave the table. The 64-bit X_ fields win over their
// 32-bit twins when present and usable (a nonzero I/O-space address).
#include "hal/acpi.h"

namespace hal::acpi {
namespace {

using detail::load_le16;
using detail::load_le32;
using detail::load_le64;

constexpr size_t kAcpi1Size = 116;
constexpr size_t kKnownSize = 276;

GenericAddress load_gas(const uint8_t* p) {
  return {p[0], p[1], p[2], p[3], load_le64(p + 4)};
}

// The X_ block when it is a nonzero I/O-space address, else the legacy port.
uint32_t io_port(const uint8_t* f, size_t legacy_offset, size_t extended_offset) {
  GenericAddress extended = load_gas(f + extended_offset);
  if (extended.address != 0 && extended.is(AddressSpace::system_io))
    return static_cast<uint32_t>(extended.address);
  return load_le32(f + legacy_offset);
}

}  // namespace

rtl::Result<FadtInfo> decode_fadt(const Table& fadt) {
  if (!fadt.has_signature("FACP")) return rtl::Error(rtl::Errc::bad_format, "not a FADT");
  if (fadt.length < kAcpi1Size) return rtl::Error(rtl::Errc::bad_format, "FADT too short");

  uint8_t f[kKnownSize] = {};
  size_t present = fadt.length < kKnownSize ? fadt.length : kKnownSize;
  for (size_t i = 0; i < present; ++i) f[i] = fadt.data[i];

  FadtInfo info{};
  info.revision = fadt.revision;
  uint64_t x_dsdt = load_le64(f + 140);
  info.dsdt_address = x_dsdt != 0 ? x_dsdt : load_le32(f + 40);
  uint64_t x_facs = load_le64(f + 132);
  info.firmware_ctrl = x_facs != 0 ? x_facs : load_le32(f + 36);
  info.sci_interrupt = load_le16(f + 46);
  info.smi_command_port = load_le32(f + 48);
  info.acpi_enable_value = f[52];
  info.acpi_disable_value = f[53];
  info.pm1a_event_port = io_port(f, 56, 148);
  info.pm1a_control_port = io_port(f, 64, 172);
  info.pm1b_control_port = io_port(f, 68, 184);
  info.pm_timer_port = io_port(f, 76, 208);
  info.pm_timer_length = f[91];
  info.century_cmos_index = f[108];
  info.iapc_boot_flags = load_le16(f + 109);
  info.flags = load_le32(f + 112);
  info.reset_register = load_gas(f + 116);
  info.reset_value = f[128];
  return info;
}

rtl::Result<Table> find_dsdt(const PhysicalReader& reader, const TableDirectory& directory) {
  Table facp = TRY(directory.find(reader, "FACP"));
  FadtInfo fadt = TRY(decode_fadt(facp));
  return map_table(reader, fadt.dsdt_address, "DSDT");
}

}  // namespace hal::acpi
