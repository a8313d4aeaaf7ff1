// ACPI table discovery and decoding, portable and pure.
//
// Why: the firmware hands the kernel a tree of tables (RSDP -> XSDT/RSDT ->
// FACP, APIC, HPET, MCFG, ... and FACP -> DSDT). Every byte of it is
// untrusted input; this code turns it into plain structs the x86-64 side
// consumes, and it is unit-tested on the host against synthetic and broken
// tables.
//
// Invariants:
//  - Nothing here touches memory by address. Physical memory is reached only
//    through a PhysicalReader, whose map() returns a pointer valid for exactly
//    the requested range (the kernel uses its direct map, tests a byte vector).
//  - A Table is only ever produced after its signature, length (>= header)
//    and checksum were validated; decoders then index strictly inside
//    [0, length). Malformed input yields Errc::bad_format with a static
//    message, never an out-of-bounds read or an endless loop.
//  - No allocation: lists have fixed capacity and count what did not fit in
//    an `overflow` field instead of failing. Large results are filled through
//    an out-parameter so they are not copied across kernel stacks.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace hal::acpi {

// ---- Access to physical memory --------------------------------------------

// map(context, physical, length) returns a pointer to `length` readable bytes
// at `physical`, or null if that range cannot be mapped. The pointer stays
// valid for as long as the parsed tables are used.
struct PhysicalReader {
  void* context;
  const void* (*map)(void* context, uint64_t physical, size_t length);

  const uint8_t* map_bytes(uint64_t physical, size_t length) const {
    return static_cast<const uint8_t*>(map(context, physical, length));
  }
};

// ---- Little-endian field access (ACPI is little-endian, unaligned) -------

namespace detail {
inline uint16_t load_le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }
inline uint32_t load_le32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
inline uint64_t load_le64(const uint8_t* p) {
  return uint64_t(load_le32(p)) | uint64_t(load_le32(p + 4)) << 32;
}
inline void copy_text(char* out, const uint8_t* in, size_t length) {
  for (size_t i = 0; i < length; ++i) out[i] = static_cast<char>(in[i]);
  out[length] = '\0';
}
}  // namespace detail

// ---- Common structures ----------------------------------------------------

inline constexpr size_t kTableHeaderSize = 36;

// A validated system description table: header and body, checksum correct.
struct Table {
  uint64_t physical;
  const uint8_t* data;  // the whole table, header included
  uint32_t length;      // >= kTableHeaderSize
  uint8_t revision;
  char signature[5];    // NUL-terminated
  char oem_id[7];       // NUL-terminated, as stored (may hold spaces)

  bool has_signature(const char* four_chars) const;
};

// Generic Address Structure (ACPI 6.5 section 5.2.3.2).
enum class AddressSpace : uint8_t {
  system_memory = 0,
  system_io = 1,
  pci_config = 2,
  embedded_controller = 3,
  smbus = 4,
  functional_fixed = 0x7f,
};

struct GenericAddress {
  uint8_t address_space;  // AddressSpace value; others are possible
  uint8_t bit_width;
  uint8_t bit_offset;
  uint8_t access_size;    // 0 undefined, 1 byte, 2 word, 3 dword, 4 qword
  uint64_t address;

  bool is(AddressSpace space) const { return address_space == static_cast<uint8_t>(space); }
};

// Sum of `length` bytes modulo 256; a valid ACPI structure sums to zero.
uint8_t checksum(const uint8_t* bytes, size_t length);

// Validates a table already in memory (signature not checked, only the
// header, length <= available and checksum). `expected_signature` may be
// null. Used by map_table and directly by tests.
rtl::Result<Table> validate_table(const uint8_t* bytes, size_t available, uint64_t physical,
                                  const char* expected_signature);

// Maps the header at `physical`, then the whole table, and validates it.
rtl::Result<Table> map_table(const PhysicalReader& reader, uint64_t physical,
                             const char* expected_signature);

// ---- RSDP -----------------------------------------------------------------

inline constexpr size_t kRsdpV1Size = 20;
inline constexpr size_t kRsdpV2Size = 36;

struct Rsdp {
  uint64_t physical;
  uint8_t revision;       // 0 = ACPI 1.0 (RSDT only), 2+ = XSDT available
  char oem_id[7];
  uint32_t rsdt_address;
  uint64_t xsdt_address;  // 0 for revision 0
};

// Checks "RSD PTR ", the 20-byte checksum and, for revision >= 2, the length
// and the extended checksum.
rtl::Result<Rsdp> parse_rsdp(const PhysicalReader& reader, uint64_t physical);

// ---- Root table and directory ---------------------------------------------

struct TableDirectory {
  static constexpr size_t kCapacity = 64;
  struct Entry {
    char signature[5];
    uint64_t physical;
  };
  char root_signature[5];  // "XSDT" or "RSDT"
  uint64_t root_physical;
  Entry entries[kCapacity];
  size_t count;
  size_t overflow;         // valid tables that did not fit
  size_t invalid;          // entries whose table failed validation (skipped)

  // The validated table with this signature; `instance` selects among
  // duplicates (SSDTs). not_found if absent.
  rtl::Result<Table> find(const PhysicalReader& reader, const char* signature,
                          size_t instance = 0) const;

  // "XSDT FACP APIC HPET MCFG WAET" for the boot log. Returns chars written.
  size_t format_signatures(char* out, size_t capacity) const;
};

// RSDP -> XSDT (revision >= 2 and valid), else RSDT -> every table. Each
// listed table is mapped and validated once here.
rtl::Result<void> load_table_directory(const PhysicalReader& reader, uint64_t rsdp_physical,
                                       TableDirectory& out);

// ---- MADT ("APIC") --------------------------------------------------------

// MPS INTI flags of overrides and NMI entries.
enum class Polarity : uint8_t { conforms = 0, active_high = 1, reserved = 2, active_low = 3 };
enum class Trigger : uint8_t { conforms = 0, edge = 1, reserved = 2, level = 3 };

struct MadtProcessor {
  uint32_t apic_id;
  uint32_t processor_uid;
  bool enabled;         // usable now
  bool online_capable;  // disabled but may be hot-added
  bool x2apic;          // from a type 9 entry
};

struct MadtIoApic {
  uint8_t id;
  uint32_t address;
  uint32_t gsi_base;
};

struct MadtOverride {
  uint8_t bus;       // 0 = ISA
  uint8_t source_irq;
  uint32_t gsi;
  Polarity polarity;
  Trigger trigger;
};

struct MadtLocalNmi {
  uint32_t processor_uid;  // 0xff (xAPIC) / 0xffffffff (x2APIC) = all
  uint8_t lint;            // LINT0 or LINT1
  Polarity polarity;
  Trigger trigger;
};

inline constexpr uint32_t kAllProcessors = 0xffffffff;

struct MadtInfo {
  static constexpr size_t kMaxProcessors = 64;
  static constexpr size_t kMaxIoApics = 8;
  static constexpr size_t kMaxOverrides = 24;
  static constexpr size_t kMaxNmis = 16;

  uint64_t local_apic_address;  // type 5 override wins over the 32-bit field
  bool pcat_compat;             // legacy 8259 PICs present: mask them

  MadtProcessor processors[kMaxProcessors];
  size_t processor_count, processor_overflow;
  MadtIoApic io_apics[kMaxIoApics];
  size_t io_apic_count, io_apic_overflow;
  MadtOverride overrides[kMaxOverrides];
  size_t override_count, override_overflow;
  MadtLocalNmi nmis[kMaxNmis];
  size_t nmi_count, nmi_overflow;
};

rtl::Result<void> decode_madt(const Table& madt, MadtInfo& out);

// ---- HPET -----------------------------------------------------------------

struct HpetInfo {
  uint64_t base_address;    // system memory, checked
  uint8_t hpet_number;
  uint16_t minimum_tick;    // in main counter ticks, periodic mode
  uint8_t comparator_count; // from the event timer block id (field + 1)
  bool counter_64bit;
  bool legacy_replacement;
  uint16_t pci_vendor_id;
};

rtl::Result<HpetInfo> decode_hpet(const Table& hpet);

// ---- MCFG -----------------------------------------------------------------

struct EcamSegment {
  uint64_t base_address;  // of bus 0 in this segment, even if start_bus > 0
  uint16_t segment_group;
  uint8_t start_bus;
  uint8_t end_bus;
};

struct McfgInfo {
  static constexpr size_t kCapacity = 16;
  EcamSegment segments[kCapacity];
  size_t count;
  size_t overflow;
};

rtl::Result<McfgInfo> decode_mcfg(const Table& mcfg);

// ---- FADT ("FACP") --------------------------------------------------------

struct FadtInfo {
  uint8_t revision;
  uint64_t dsdt_address;       // X_DSDT when present and nonzero, else DSDT
  uint64_t firmware_ctrl;      // FACS, X_ form preferred
  uint16_t sci_interrupt;
  uint32_t smi_command_port;
  uint8_t acpi_enable_value;
  uint8_t acpi_disable_value;
  uint32_t pm1a_control_port;  // 0 if absent
  uint32_t pm1b_control_port;  // 0 if absent
  uint32_t pm1a_event_port;
  uint32_t pm_timer_port;      // 0 if absent
  uint8_t pm_timer_length;
  uint8_t century_cmos_index;  // 0 = no century register
  uint16_t iapc_boot_flags;
  uint32_t flags;
  GenericAddress reset_register;
  uint8_t reset_value;

  // IAPC_BOOT_ARCH bits.
  bool legacy_devices() const { return iapc_boot_flags & (1u << 0); }
  bool has_8042() const { return iapc_boot_flags & (1u << 1); }
  bool vga_not_present() const { return iapc_boot_flags & (1u << 2); }
  bool msi_not_supported() const { return iapc_boot_flags & (1u << 3); }
  bool cmos_rtc_not_present() const { return iapc_boot_flags & (1u << 5); }
  // Flags bits.
  bool pm_timer_32bit() const { return flags & (1u << 8); }
  bool reset_register_supported() const { return flags & (1u << 10); }
  bool hardware_reduced() const { return flags & (1u << 20); }
};

// Requires the ACPI 1.0 size (116 bytes); later fields read as zero when
// the table is shorter, as the specification prescribes.
rtl::Result<FadtInfo> decode_fadt(const Table& fadt);

// The DSDT the FADT points to, validated.
rtl::Result<Table> find_dsdt(const PhysicalReader& reader, const TableDirectory& directory);

// ---- AML: \_S5_ for soft-off ----------------------------------------------

struct SleepType {
  uint8_t slp_typ_a;  // for PM1a_CNT.SLP_TYP (bits 10-12)
  uint8_t slp_typ_b;  // for PM1b_CNT.SLP_TYP
};

// Scans AML for `Name(_S5_, Package(){a, b, ...})` and decodes the first two
// integers (ZeroOp, OneOp, Byte/Word/DWordPrefix). not_found if absent,
// bad_format if every candidate is malformed.
rtl::Result<SleepType> find_s5_sleep_type(const uint8_t* aml, size_t length);
rtl::Result<SleepType> find_s5_sleep_type(const Table& dsdt_or_ssdt);

}  // namespace hal::acpi
