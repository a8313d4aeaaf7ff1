// hal/acpi against synthetic firmware tables: a fake physical memory holds
// an RSDP, XSDT/RSDT and child tables whose checksums the test computes, and
// malformed variants that must fail cleanly (never loop, never read past
// the end). Optionally also parses this machine's own DSDT.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "hal/acpi.h"

namespace {

using namespace hal::acpi;
using Bytes = std::vector<uint8_t>;

void put16(Bytes& b, size_t at, uint16_t v) {
  for (size_t i = 0; i < 2; ++i) b[at + i] = uint8_t(v >> (8 * i));
}
void put32(Bytes& b, size_t at, uint32_t v) {
  for (size_t i = 0; i < 4; ++i) b[at + i] = uint8_t(v >> (8 * i));
}
void put64(Bytes& b, size_t at, uint64_t v) {
  for (size_t i = 0; i < 8; ++i) b[at + i] = uint8_t(v >> (8 * i));
}
void append(Bytes& b, std::initializer_list<uint8_t> bytes) { b.insert(b.end(), bytes); }
void append32(Bytes& b, uint32_t v) {
  b.resize(b.size() + 4);
  put32(b, b.size() - 4, v);
}
void append64(Bytes& b, uint64_t v) {
  b.resize(b.size() + 8);
  put64(b, b.size() - 8, v);
}

// Sets b[at] so that b[0..length) sums to zero.
void fix_checksum(Bytes& b, size_t at, size_t length) {
  b[at] = 0;
  b[at] = uint8_t(-checksum(b.data(), length));
}

// A table: header + body, length and checksum filled in.
Bytes make_table(const char* signature, uint8_t revision, const Bytes& body) {
  Bytes t(kTableHeaderSize + body.size(), 0);
  std::memcpy(t.data(), signature, 4);
  t[8] = revision;
  std::memcpy(t.data() + 10, "AMPHI ", 6);
  std::memcpy(t.data() + 16, "AMPHITST", 8);
  if (!body.empty()) std::memcpy(t.data() + kTableHeaderSize, body.data(), body.size());
  put32(t, 4, uint32_t(t.size()));
  fix_checksum(t, 9, t.size());
  return t;
}

Bytes make_rsdp(uint8_t revision, uint32_t rsdt, uint64_t xsdt) {
  Bytes r(revision >= 2 ? kRsdpV2Size : kRsdpV1Size, 0);
  std::memcpy(r.data(), "RSD PTR ", 8);
  std::memcpy(r.data() + 9, "AMPHI ", 6);
  r[15] = revision;
  put32(r, 16, rsdt);
  if (revision >= 2) {
    put32(r, 20, uint32_t(kRsdpV2Size));
    put64(r, 24, xsdt);
  }
  fix_checksum(r, 8, kRsdpV1Size);
  if (revision >= 2) fix_checksum(r, 32, kRsdpV2Size);
  return r;
}

// Physical memory as disjoint regions; map() succeeds only inside one.
struct FakeMemory {
  std::map<uint64_t, Bytes> regions;

  void place(uint64_t physical, Bytes bytes) { regions[physical] = std::move(bytes); }
  PhysicalReader reader() { return {this, &FakeMemory::map}; }

  static const void* map(void* context, uint64_t physical, size_t length) {
    auto* self = static_cast<FakeMemory*>(context);
    for (auto& [base, bytes] : self->regions)
      if (physical >= base && physical - base <= bytes.size() &&
          length <= bytes.size() - (physical - base))
        return bytes.data() + (physical - base);
    return nullptr;
  }
};

constexpr uint64_t kRsdp = 0xe0000, kXsdt = 0x1000, kRsdt = 0x2000, kFacp = 0x3000,
                   kApic = 0x4000, kHpet = 0x5000, kMcfg = 0x6000, kWaet = 0x7000,
                   kDsdt = 0x8000;

Bytes hpet_body(uint8_t space, uint64_t base) {
  Bytes b;
  append32(b, 0x80868201);  // vendor 8086, legacy replacement, 3 comparators, 32-bit
  append(b, {space, 64, 0, 0});
  append64(b, base);
  append(b, {0, 0x80, 0x00, 0});  // number, minimum tick 0x0080, protection
  return b;
}

Bytes mcfg_body(uint64_t base, uint8_t end_bus) {
  Bytes b(8, 0);
  append64(b, base);
  append(b, {0, 0, 0, end_bus, 0, 0, 0, 0});
  return b;
}

// Body of an ACPI 6 FADT (276 bytes total).
Bytes fadt_body(uint32_t dsdt32, uint64_t x_dsdt) {
  Bytes t(276, 0);
  put32(t, 40, dsdt32);
  put16(t, 46, 9);        // SCI
  put32(t, 48, 0xb2);     // SMI command
  t[52] = 0xf1;
  t[53] = 0xf0;
  put32(t, 56, 0x600);    // PM1a event
  put32(t, 64, 0x604);    // PM1a control
  put32(t, 76, 0x608);    // PM timer
  t[91] = 4;
  t[108] = 0x32;          // century
  put16(t, 109, 0x0006);  // 8042, VGA not present
  put32(t, 112, (1u << 10) | (1u << 8));
  Bytes reset{1, 8, 0, 1};  // I/O, byte
  std::copy(reset.begin(), reset.end(), t.begin() + 116);
  put64(t, 120, 0xcf9);
  t[128] = 0x06;
  put64(t, 140, x_dsdt);
  return Bytes(t.begin() + kTableHeaderSize, t.end());
}

Bytes s5_aml_byte_prefix() {
  // Scope noise, then Name(_S5_, Package(4){5, 5, 0, 0}).
  return {0x10, 0x05, 0x5c, 0x00, 0x01, 0x02,
          0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00};
}

struct Firmware {
  FakeMemory memory;

  explicit Firmware(uint8_t rsdp_revision = 2) {
    std::vector<std::pair<uint64_t, Bytes>> tables = {
        {kFacp, make_table("FACP", 6, fadt_body(uint32_t(kDsdt), kDsdt))},
        {kApic, make_table("APIC", 4, madt_body())},
        {kHpet, make_table("HPET", 1, hpet_body(0, 0xfed00000))},
        {kMcfg, make_table("MCFG", 1, mcfg_body(0xb0000000, 0xff))},
        {kWaet, make_table("WAET", 1, Bytes(4, 0))},
    };
    Bytes xsdt_body, rsdt_body;
    for (auto& [address, table] : tables) {
      append64(xsdt_body, address);
      append32(rsdt_body, uint32_t(address));
      memory.place(address, table);
    }
    memory.place(kXsdt, make_table("XSDT", 1, xsdt_body));
    memory.place(kRsdt, make_table("RSDT", 1, rsdt_body));
    Bytes aml = s5_aml_byte_prefix();
    memory.place(kDsdt, make_table("DSDT", 2, aml));
    memory.place(kRsdp, make_rsdp(rsdp_revision, uint32_t(kRsdt), kXsdt));
  }

  static Bytes madt_body() {
    Bytes b;
    append32(b, 0xfee00000);
    append32(b, 1);                                   // PCAT_COMPAT
    append(b, {0, 8, 0, 0, 1, 0, 0, 0});              // CPU 0, enabled
    append(b, {0, 8, 1, 1, 1, 0, 0, 0});              // CPU 1, enabled
    append(b, {0, 8, 2, 2, 2, 0, 0, 0});              // CPU 2, online capable
    append(b, {1, 12, 0, 0, 0, 0, 0xc0, 0xfe, 0, 0, 0, 0});    // IOAPIC 0
    append(b, {2, 10, 0, 0, 2, 0, 0, 0, 0, 0});       // IRQ0 -> GSI2
    append(b, {2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0});    // IRQ9 high, level
    append(b, {4, 6, 0xff, 0x05, 0x00, 1});           // all CPUs LINT1
    append(b, {9, 16, 0, 0, 0x00, 0x01, 0, 0, 1, 0, 0, 0, 7, 0, 0, 0});  // x2APIC 256
    append(b, {0x7f, 3, 0xaa});                       // unknown type: skipped
    return b;
  }
};

TEST(HalAcpi, ParsesRsdpV2AndListsSignatures) {
  Firmware fw;
  auto rsdp = parse_rsdp(fw.memory.reader(), kRsdp);
  ASSERT_TRUE(rsdp.is_ok()) << rsdp.error().what();
  EXPECT_EQ(rsdp.value().revision, 2);
  EXPECT_EQ(rsdp.value().xsdt_address, kXsdt);
  EXPECT_STREQ(rsdp.value().oem_id, "AMPHI ");

  TableDirectory dir;
  ASSERT_TRUE(load_table_directory(fw.memory.reader(), kRsdp, dir).is_ok());
  char line[128];
  dir.format_signatures(line, sizeof line);
  EXPECT_STREQ(line, "XSDT FACP APIC HPET MCFG WAET");
  EXPECT_EQ(dir.invalid, 0u);

  auto hpet = dir.find(fw.memory.reader(), "HPET");
  ASSERT_TRUE(hpet.is_ok());
  EXPECT_EQ(hpet.value().physical, kHpet);
  EXPECT_EQ(dir.find(fw.memory.reader(), "SSDT").error().code(), rtl::Errc::not_found);
}

TEST(HalAcpi, RevisionZeroUsesRsdt) {
  Firmware fw(0);
  TableDirectory dir;
  ASSERT_TRUE(load_table_directory(fw.memory.reader(), kRsdp, dir).is_ok());
  char line[128];
  dir.format_signatures(line, sizeof line);
  EXPECT_STREQ(line, "RSDT FACP APIC HPET MCFG WAET");
}

TEST(HalAcpi, BrokenXsdtFallsBackToRsdt) {
  Firmware fw;
  fw.memory.regions[kXsdt][40] ^= 0xff;  // breaks the checksum
  TableDirectory dir;
  ASSERT_TRUE(load_table_directory(fw.memory.reader(), kRsdp, dir).is_ok());
  EXPECT_STREQ(dir.root_signature, "RSDT");
  EXPECT_EQ(dir.count, 5u);
}

TEST(HalAcpi, RejectsBadRsdp) {
  Firmware fw;
  Bytes& rsdp = fw.memory.regions[kRsdp];
  Bytes good = rsdp;
  rsdp[0] = 'X';
  auto bad_signature = parse_rsdp(fw.memory.reader(), kRsdp);
  EXPECT_EQ(bad_signature.error().code(), rtl::Errc::bad_format);

  rsdp = good;
  rsdp[17] ^= 1;  // inside the v1 checksum range
  EXPECT_EQ(parse_rsdp(fw.memory.reader(), kRsdp).error().code(), rtl::Errc::bad_format);

  rsdp = good;
  rsdp[30] ^= 1;  // only the extended checksum covers it
  auto bad_extended = parse_rsdp(fw.memory.reader(), kRsdp);
  ASSERT_TRUE(bad_extended.is_error());
  EXPECT_STREQ(bad_extended.error().what(), "RSDP extended checksum mismatch");

  rsdp = good;
  put32(rsdp, 20, 4096);  // length beyond what exists: map fails, no overread
  fix_checksum(rsdp, 8, kRsdpV1Size);
  EXPECT_TRUE(parse_rsdp(fw.memory.reader(), kRsdp).is_error());

  EXPECT_EQ(parse_rsdp(fw.memory.reader(), 0).error().code(), rtl::Errc::not_found);
}

TEST(HalAcpi, ValidatesTableLengthAndChecksum) {
  Bytes t = make_table("WAET", 1, Bytes(4, 0));
  EXPECT_TRUE(validate_table(t.data(), t.size(), 0, "WAET").is_ok());
  EXPECT_EQ(validate_table(t.data(), t.size(), 0, "HPET").error().code(), rtl::Errc::bad_format);
  EXPECT_EQ(validate_table(t.data(), 20, 0, nullptr).error().code(), rtl::Errc::bad_format);

  Bytes short_length = t;
  put32(short_length, 4, 12);
  fix_checksum(short_length, 9, short_length.size());
  EXPECT_EQ(validate_table(short_length.data(), short_length.size(), 0, nullptr).error().code(),
            rtl::Errc::bad_format);

  Bytes long_length = t;
  put32(long_length, 4, 1000);
  EXPECT_EQ(validate_table(long_length.data(), long_length.size(), 0, nullptr).error().code(),
            rtl::Errc::bad_format);

  Bytes bad_sum = t;
  bad_sum[38] = 1;
  auto result = validate_table(bad_sum.data(), bad_sum.size(), 0, nullptr);
  ASSERT_TRUE(result.is_error());
  EXPECT_EQ(result.error().code(), rtl::Errc::bad_format);
  EXPECT_STREQ(result.error().what(), "ACPI table checksum mismatch");
}

TEST(HalAcpi, DirectorySkipsInvalidTables) {
  Firmware fw;
  fw.memory.regions[kHpet][50] ^= 0x55;
  TableDirectory dir;
  ASSERT_TRUE(load_table_directory(fw.memory.reader(), kRsdp, dir).is_ok());
  EXPECT_EQ(dir.invalid, 1u);
  EXPECT_EQ(dir.count, 4u);
}

TEST(HalAcpi, DecodesMadt) {
  Firmware fw;
  auto table = map_table(fw.memory.reader(), kApic, "APIC");
  ASSERT_TRUE(table.is_ok());
  MadtInfo madt;
  ASSERT_TRUE(decode_madt(table.value(), madt).is_ok());
  EXPECT_EQ(madt.local_apic_address, 0xfee00000u);
  EXPECT_TRUE(madt.pcat_compat);
  ASSERT_EQ(madt.processor_count, 4u);
  EXPECT_TRUE(madt.processors[0].enabled);
  EXPECT_EQ(madt.processors[1].apic_id, 1u);
  EXPECT_FALSE(madt.processors[2].enabled);
  EXPECT_TRUE(madt.processors[2].online_capable);
  EXPECT_TRUE(madt.processors[3].x2apic);
  EXPECT_EQ(madt.processors[3].apic_id, 256u);
  EXPECT_EQ(madt.processors[3].processor_uid, 7u);
  ASSERT_EQ(madt.io_apic_count, 1u);
  EXPECT_EQ(madt.io_apics[0].address, 0xfec00000u);
  EXPECT_EQ(madt.io_apics[0].gsi_base, 0u);
  ASSERT_EQ(madt.override_count, 2u);
  EXPECT_EQ(madt.overrides[0].source_irq, 0);
  EXPECT_EQ(madt.overrides[0].gsi, 2u);
  EXPECT_EQ(madt.overrides[0].polarity, Polarity::conforms);
  EXPECT_EQ(madt.overrides[1].gsi, 9u);
  EXPECT_EQ(madt.overrides[1].polarity, Polarity::active_high);
  EXPECT_EQ(madt.overrides[1].trigger, Trigger::level);
  ASSERT_EQ(madt.nmi_count, 1u);
  EXPECT_EQ(madt.nmis[0].processor_uid, kAllProcessors);
  EXPECT_EQ(madt.nmis[0].lint, 1);
  EXPECT_EQ(madt.nmis[0].polarity, Polarity::active_high);
  EXPECT_EQ(madt.nmis[0].trigger, Trigger::edge);
}

TEST(HalAcpi, MadtAddressOverrideAndOverflow) {
  Bytes body;
  append32(body, 0xfee00000);
  append32(body, 0);
  append(body, {5, 12, 0, 0});
  append64(body, 0x1'0000'0000ull);
  for (int i = 0; i < 70; ++i) append(body, {0, 8, uint8_t(i), uint8_t(i), 1, 0, 0, 0});
  Bytes t = make_table("APIC", 4, body);
  auto table = validate_table(t.data(), t.size(), 0, "APIC");
  ASSERT_TRUE(table.is_ok());
  MadtInfo madt;
  ASSERT_TRUE(decode_madt(table.value(), madt).is_ok());
  EXPECT_EQ(madt.local_apic_address, 0x1'0000'0000ull);
  EXPECT_FALSE(madt.pcat_compat);
  EXPECT_EQ(madt.processor_count, MadtInfo::kMaxProcessors);
  EXPECT_EQ(madt.processor_overflow, 6u);
}

rtl::Errc madt_error(const Bytes& body) {
  Bytes t = make_table("APIC", 4, body);
  auto table = validate_table(t.data(), t.size(), 0, "APIC");
  if (table.is_error()) return table.error().code();
  MadtInfo madt;
  auto result = decode_madt(table.value(), madt);
  return result.is_ok() ? rtl::Errc::ok : result.error().code();
}

TEST(HalAcpi, RejectsMalformedMadtRecords) {
  Bytes fixed;
  append32(fixed, 0xfee00000);
  append32(fixed, 1);

  Bytes past_end = fixed;
  append(past_end, {1, 12, 0, 0, 0, 0, 0xc0, 0xfe});  // claims 12, has 8
  EXPECT_EQ(madt_error(past_end), rtl::Errc::bad_format);

  Bytes zero_length = fixed;
  append(zero_length, {0, 8, 0, 0, 1, 0, 0, 0, 0x7f, 0, 0, 0});
  EXPECT_EQ(madt_error(zero_length), rtl::Errc::bad_format);  // returns: no endless loop

  Bytes too_short_for_type = fixed;
  append(too_short_for_type, {1, 4, 0, 0});
  EXPECT_EQ(madt_error(too_short_for_type), rtl::Errc::bad_format);

  Bytes dangling_byte = fixed;
  append(dangling_byte, {0});
  EXPECT_EQ(madt_error(dangling_byte), rtl::Errc::bad_format);

  EXPECT_EQ(madt_error(Bytes(4, 0)), rtl::Errc::bad_format);  // shorter than fixed part
  EXPECT_EQ(madt_error(fixed), rtl::Errc::ok);                // no records is fine
}

TEST(HalAcpi, DecodesHpet) {
  Bytes t = make_table("HPET", 1, hpet_body(0, 0xfed00000));
  auto table = validate_table(t.data(), t.size(), 0, "HPET");
  ASSERT_TRUE(table.is_ok());
  auto hpet = decode_hpet(table.value());
  ASSERT_TRUE(hpet.is_ok());
  EXPECT_EQ(hpet.value().base_address, 0xfed00000u);
  EXPECT_EQ(hpet.value().comparator_count, 3);
  EXPECT_EQ(hpet.value().minimum_tick, 0x80);
  EXPECT_TRUE(hpet.value().legacy_replacement);
  EXPECT_FALSE(hpet.value().counter_64bit);
  EXPECT_EQ(hpet.value().pci_vendor_id, 0x8086);

  Bytes io = make_table("HPET", 1, hpet_body(1, 0xfed00000));
  auto io_table = validate_table(io.data(), io.size(), 0, "HPET");
  EXPECT_EQ(decode_hpet(io_table.value()).error().code(), rtl::Errc::not_supported);

  Bytes truncated = make_table("HPET", 1, Bytes(8, 0));
  auto short_table = validate_table(truncated.data(), truncated.size(), 0, "HPET");
  EXPECT_EQ(decode_hpet(short_table.value()).error().code(), rtl::Errc::bad_format);
}

TEST(HalAcpi, DecodesMcfg) {
  Bytes body = mcfg_body(0xb0000000, 0xff);
  Bytes second = mcfg_body(0xc0000000, 0x3f);
  body.insert(body.end(), second.begin() + 8, second.end());
  body[8 + 16 + 8] = 1;  // segment group 1
  Bytes t = make_table("MCFG", 1, body);
  auto table = validate_table(t.data(), t.size(), 0, "MCFG");
  auto mcfg = decode_mcfg(table.value());
  ASSERT_TRUE(mcfg.is_ok());
  ASSERT_EQ(mcfg.value().count, 2u);
  EXPECT_EQ(mcfg.value().segments[0].base_address, 0xb0000000u);
  EXPECT_EQ(mcfg.value().segments[0].end_bus, 0xff);
  EXPECT_EQ(mcfg.value().segments[1].segment_group, 1);
  EXPECT_EQ(mcfg.value().segments[1].end_bus, 0x3f);

  Bytes partial = mcfg_body(0xb0000000, 0xff);
  partial.resize(partial.size() - 3);
  Bytes bad = make_table("MCFG", 1, partial);
  auto bad_table = validate_table(bad.data(), bad.size(), 0, "MCFG");
  EXPECT_EQ(decode_mcfg(bad_table.value()).error().code(), rtl::Errc::bad_format);
}

TEST(HalAcpi, DecodesFadt) {
  Bytes t = make_table("FACP", 6, fadt_body(0x1234, 0xabcd0000));
  auto table = validate_table(t.data(), t.size(), 0, "FACP");
  ASSERT_TRUE(table.is_ok());
  auto fadt = decode_fadt(table.value());
  ASSERT_TRUE(fadt.is_ok());
  const FadtInfo& f = fadt.value();
  EXPECT_EQ(f.dsdt_address, 0xabcd0000u);  // X_DSDT preferred
  EXPECT_EQ(f.sci_interrupt, 9);
  EXPECT_EQ(f.pm1a_control_port, 0x604u);
  EXPECT_EQ(f.pm1b_control_port, 0u);
  EXPECT_EQ(f.pm_timer_port, 0x608u);
  EXPECT_EQ(f.century_cmos_index, 0x32);
  EXPECT_TRUE(f.has_8042());
  EXPECT_TRUE(f.vga_not_present());
  EXPECT_TRUE(f.reset_register_supported());
  EXPECT_TRUE(f.pm_timer_32bit());
  EXPECT_FALSE(f.hardware_reduced());
  EXPECT_TRUE(f.reset_register.is(AddressSpace::system_io));
  EXPECT_EQ(f.reset_register.address, 0xcf9u);
  EXPECT_EQ(f.reset_value, 6);
}

TEST(HalAcpi, DecodesAcpi1FadtAndRejectsShortOne) {
  Bytes body = fadt_body(0x1234, 0xabcd0000);
  body.resize(116 - kTableHeaderSize);  // ACPI 1.0: no reset register, no X_ fields
  Bytes t = make_table("FACP", 1, body);
  auto table = validate_table(t.data(), t.size(), 0, "FACP");
  auto fadt = decode_fadt(table.value());
  ASSERT_TRUE(fadt.is_ok());
  EXPECT_EQ(fadt.value().dsdt_address, 0x1234u);
  EXPECT_EQ(fadt.value().reset_register.address, 0u);
  EXPECT_EQ(fadt.value().pm1a_control_port, 0x604u);

  body.resize(60);
  Bytes short_table = make_table("FACP", 1, body);
  auto short_result = validate_table(short_table.data(), short_table.size(), 0, "FACP");
  EXPECT_EQ(decode_fadt(short_result.value()).error().code(), rtl::Errc::bad_format);
}

TEST(HalAcpi, FindsDsdtAndS5ThroughFadt) {
  Firmware fw;
  TableDirectory dir;
  ASSERT_TRUE(load_table_directory(fw.memory.reader(), kRsdp, dir).is_ok());
  auto dsdt = find_dsdt(fw.memory.reader(), dir);
  ASSERT_TRUE(dsdt.is_ok()) << dsdt.error().what();
  auto s5 = find_s5_sleep_type(dsdt.value());
  ASSERT_TRUE(s5.is_ok());
  EXPECT_EQ(s5.value().slp_typ_a, 5);
  EXPECT_EQ(s5.value().slp_typ_b, 5);
}

rtl::Result<SleepType> s5_of(const Bytes& aml) { return find_s5_sleep_type(aml.data(), aml.size()); }

TEST(HalAcpi, S5ZeroOpAndRootPrefixForms) {
  // QEMU q35: Name (\_S5_, Package (0x04) { Zero, Zero, Zero, Zero })
  Bytes zero = {0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
  auto a = s5_of(zero);
  ASSERT_TRUE(a.is_ok());
  EXPECT_EQ(a.value().slp_typ_a, 0);
  EXPECT_EQ(a.value().slp_typ_b, 0);

  Bytes mixed = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x02, 0x0a, 0x07, 0x01};
  auto b = s5_of(mixed);
  ASSERT_TRUE(b.is_ok());
  EXPECT_EQ(b.value().slp_typ_a, 7);
  EXPECT_EQ(b.value().slp_typ_b, 1);

  // Two-byte PkgLength (lead 0x40 | low nibble, then 8 more bits).
  Bytes long_length = {0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 0x03, 0x0a, 0x04};
  auto c = s5_of(long_length);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c.value().slp_typ_a, 3);
  EXPECT_EQ(c.value().slp_typ_b, 4);

  // One element packs SLP_TYPb in bits 8-15.
  Bytes packed = {0x08, '_', 'S', '5', '_', 0x12, 0x05, 0x01, 0x0b, 0x05, 0x06};
  auto d = s5_of(packed);
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(d.value().slp_typ_a, 5);
  EXPECT_EQ(d.value().slp_typ_b, 6);
}

TEST(HalAcpi, S5AbsentOrMalformed) {
  EXPECT_EQ(s5_of({0x10, 0x05, '_', 'S', 'B', '_'}).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(s5_of({}).error().code(), rtl::Errc::not_found);
  // "_S5_" not after NameOp (e.g. a method reference): not a declaration.
  EXPECT_EQ(s5_of({0x70, '_', 'S', '5', '_', 0x12, 0x03, 0x02, 0x00, 0x00}).error().code(),
            rtl::Errc::not_found);
  // PkgLength beyond the AML.
  EXPECT_EQ(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x3f, 0x02, 0x00, 0x00}).error().code(),
            rtl::Errc::bad_format);
  // Truncated right after the name / inside an element.
  EXPECT_EQ(s5_of({0x08, '_', 'S', '5', '_'}).error().code(), rtl::Errc::bad_format);
  EXPECT_EQ(s5_of({0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 0x05}).error().code(),
            rtl::Errc::bad_format);
  // Every truncation of a valid snippet fails cleanly.
  Bytes good = s5_aml_byte_prefix();
  for (size_t n = 0; n < good.size(); ++n) {
    Bytes cut(good.begin(), good.begin() + long(n));
    EXPECT_TRUE(s5_of(cut).is_error()) << n;
  }
}

// Deterministic mutation: corrupted records and AML must only ever produce
// a result or an error (ASan/UBSan builds catch any stray read).
TEST(HalAcpi, SurvivesRandomCorruption) {
  uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, seed >> 16; };
  Bytes madt_base = Firmware::madt_body();
  Bytes aml_base = s5_aml_byte_prefix();
  for (int round = 0; round < 5000; ++round) {
    Bytes body = madt_base;
    for (int k = 0; k < 3; ++k) body[next() % body.size()] = uint8_t(next());
    body.resize(body.size() - next() % 8);
    Bytes t = make_table("APIC", 4, body);
    auto table = validate_table(t.data(), t.size(), 0, "APIC");
    ASSERT_TRUE(table.is_ok());
    MadtInfo madt;
    (void)decode_madt(table.value(), madt);
    EXPECT_LE(madt.processor_count, MadtInfo::kMaxProcessors);

    Bytes aml = aml_base;
    for (int k = 0; k < 2; ++k) aml[6 + next() % (aml.size() - 6)] = uint8_t(next());
    aml.resize(aml.size() - next() % 6);
    (void)find_s5_sleep_type(aml.data(), aml.size());
  }
}

// This machine's firmware, when readable (root on real or virtual hardware).
TEST(HalAcpi, HostDsdtIfReadable) {
  std::ifstream file("/sys/firmware/acpi/tables/DSDT", std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (bytes.size() < kTableHeaderSize) GTEST_SKIP() << "no readable DSDT";
  auto table = validate_table(bytes.data(), bytes.size(), 0, "DSDT");
  ASSERT_TRUE(table.is_ok()) << table.error().what();
  auto s5 = find_s5_sleep_type(table.value());
  if (s5.is_ok())
    std::printf("host \\_S5_: SLP_TYPa=%u SLP_TYPb=%u\n", s5.value().slp_typ_a,
                s5.value().slp_typ_b);
  if (s5.is_ok())
    RecordProperty("s5", std::to_string(s5.value().slp_typ_a) + "," +
                             std::to_string(s5.value().slp_typ_b));
  else
    EXPECT_EQ(s5.error().code(), rtl::Errc::not_found) << s5.error().what();
}

}  // namespace
