// hal/acpi's namespace device walk and _CRS decoder against AML written
// here byte by byte (each builder call names the ASL it encodes), against
// broken AML that must be skipped without a stray read, and against QEMU
// 7.2's real q35 DSDT (tests/host/data/qemu-7.2-q35-dsdt.aml, dumped from
// the guest's memory under OVMF; see tests/host/data/README.md).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "hal/acpi_devices.h"

namespace {

using namespace hal::acpi;
using Bytes = std::vector<uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

Bytes text(const char* s) {
  return Bytes(s, s + std::strlen(s));
}

// PkgLength + body, in the shortest encoding (section 20.2.4).
Bytes pkg(const Bytes& body) {
  size_t n = body.size();
  Bytes lead;
  if (n + 1 <= 0x3f) {
    lead = {uint8_t(n + 1)};
  } else if (n + 2 <= 0xfff) {
    size_t total = n + 2;
    lead = {uint8_t(0x40 | (total & 0x0f)), uint8_t(total >> 4)};
  } else {
    size_t total = n + 3;
    lead = {uint8_t(0x80 | (total & 0x0f)), uint8_t(total >> 4), uint8_t(total >> 12)};
  }
  return cat({lead, body});
}

uint32_t eisa(const char* id) {  // EisaId ("PNP0303") as AML stores it
  uint32_t v = uint32_t(id[0] - '@') << 26 | uint32_t(id[1] - '@') << 21 |
               uint32_t(id[2] - '@') << 16 |
               uint32_t(std::stoul(std::string(id + 3, 4), nullptr, 16));
  return (v >> 24) | ((v >> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
}
Bytes dword(uint32_t v) {
  return {0x0c, uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
}

// Scope (name) { body }
Bytes scope(const Bytes& name, const Bytes& body) {
  return cat({{0x10}, pkg(cat({name, body}))});
}
// Device (name) { body }
Bytes device(const char* name, const Bytes& body) {
  return cat({{0x5b, 0x82}, pkg(cat({text(name), body}))});
}
// Name (_HID, EisaId ("...")) / Name (_HID, "...")
Bytes hid(const char* id) {
  return cat({{0x08}, text("_HID"), dword(eisa(id))});
}
Bytes hid_string(const char* id) {
  return cat({{0x08}, text("_HID"), {0x0d}, text(id), {0x00}});
}
// Name (_STA, value)
Bytes sta(uint8_t value) {
  return cat({{0x08}, text("_STA"), {0x0a, value}});
}
// Name (_CRS, ResourceTemplate () { items EndTag })
Bytes crs(const Bytes& items) {
  Bytes bytes = cat({items, {0x79, 0x00}});
  return cat({{0x08}, text("_CRS"), {0x11}, pkg(cat({{0x0a, uint8_t(bytes.size())}, bytes}))});
}
// IO (Decode16, base, base, 0x01, length)
Bytes io(uint16_t base, uint8_t length) {
  return {0x47, 0x01,  uint8_t(base), uint8_t(base >> 8), uint8_t(base), uint8_t(base >> 8),
          0x01, length};
}
// FixedIO (base, length)
Bytes fixed_io(uint16_t base, uint8_t length) {
  return {0x4b, uint8_t(base), uint8_t(base >> 8), length};
}
// IRQNoFlags () {irq}
Bytes irq(int line) {
  return {0x22, uint8_t(1u << line), uint8_t((1u << line) >> 8)};
}
// Method (name, 0, NotSerialized) { Return (value) }
Bytes method(const char* name, const Bytes& returned) {
  return cat({{0x14}, pkg(cat({text(name), {0x00, 0xa4}, returned}))});
}
// Name (_ADR, 0x001F0000)
Bytes adr() {
  return cat({{0x08}, text("_ADR"), dword(0x001f0000)});
}

Bytes keyboard() {
  return device("KBD_",
                cat({hid("PNP0303"), sta(0x0f), crs(cat({io(0x60, 1), io(0x64, 1), irq(1)}))}));
}
Bytes mouse() {
  return device("MOU_", cat({hid("PNP0F13"), sta(0x0f), crs(irq(12))}));
}
Bytes com(const char* name, uint16_t base, int line) {
  return device(name, cat({hid("PNP0501"), sta(0x0f), crs(cat({io(base, 8), irq(line)}))}));
}

// QEMU's shape: Scope (\_SB) { Device (PCI0) { Name (_HID, EisaId
// ("PNP0A08")) Method (_CRS) {...} Device (SF8) { Name (_ADR, ...)
// Device (KBD) ... Device (MOU) ... Device (COM1) ... Device (COM2) ... } } }
Bytes machine() {
  Bytes sf8 = device(
      "SF8_", cat({adr(), keyboard(), mouse(), com("COM1", 0x3f8, 4), com("COM2", 0x2f8, 3)}));
  Bytes pci0 = device("PCI0", cat({hid("PNP0A08"), method("_CRS", {0x00}), sf8}));
  return scope({'\\', '_', 'S', 'B', '_'}, pci0);
}

struct Found {
  NamespaceDeviceList list{};
  bool ok = false;
};

std::unique_ptr<Found> walk(const Bytes& aml) {
  auto found = std::make_unique<Found>();
  found->ok = find_namespace_devices(aml.data(), aml.size(), found->list).is_ok();
  return found;
}

TEST(HalAcpiDevices, FindsKeyboardComPortsAndMouse) {
  auto found = walk(machine());
  ASSERT_TRUE(found->ok);
  const NamespaceDeviceList& list = found->list;
  ASSERT_EQ(list.count, 4u);
  EXPECT_EQ(list.skipped, 1u);  // PCI0: _CRS is a method
  EXPECT_EQ(list.absent, 0u);

  const NamespaceDevice* kbd = list.find("PNP0303");
  ASSERT_NE(kbd, nullptr);
  EXPECT_STREQ(kbd->path, "\\_SB.PCI0.SF8.KBD");
  EXPECT_EQ(kbd->eisa_id, eisa("PNP0303"));
  ASSERT_EQ(kbd->resources.io_count, 2u);
  EXPECT_EQ(kbd->resources.io[0].base, 0x60);
  EXPECT_EQ(kbd->resources.io[0].length, 1);
  EXPECT_EQ(kbd->resources.io[1].base, 0x64);
  EXPECT_EQ(kbd->resources.first_irq(), 1);

  const NamespaceDevice* mou = list.find("PNP0F13");
  ASSERT_NE(mou, nullptr);
  EXPECT_STREQ(mou->path, "\\_SB.PCI0.SF8.MOU");
  EXPECT_EQ(mou->resources.io_count, 0u);
  EXPECT_EQ(mou->resources.first_irq(), 12);

  const NamespaceDevice* com1 = list.find("PNP0501", 0);
  const NamespaceDevice* com2 = list.find("PNP0501", 1);
  ASSERT_NE(com1, nullptr);
  ASSERT_NE(com2, nullptr);
  EXPECT_EQ(list.find("PNP0501", 2), nullptr);
  EXPECT_STREQ(com1->path, "\\_SB.PCI0.SF8.COM1");
  EXPECT_EQ(com1->resources.io[0].base, 0x3f8);
  EXPECT_EQ(com1->resources.io[0].length, 8);
  EXPECT_EQ(com1->resources.first_irq(), 4);
  EXPECT_STREQ(com2->path, "\\_SB.PCI0.SF8.COM2");
  EXPECT_EQ(com2->resources.io[0].base, 0x2f8);
  EXPECT_EQ(com2->resources.first_irq(), 3);
}

TEST(HalAcpiDevices, StaticStaZeroMeansAbsent) {
  // Device (COM2) { Name (_HID, EisaId ("PNP0501")) Name (_STA, Zero-ish 0x0E) Name (_CRS, ...) }
  Bytes absent = device("COM2", cat({hid("PNP0501"), sta(0x0e), crs(cat({io(0x2f8, 8), irq(3)}))}));
  Bytes zero =
      device("COM3", cat({hid("PNP0501"), cat({{0x08}, text("_STA"), {0x00}}), crs(io(0x3e8, 8))}));
  auto found = walk(scope({'\\', '_', 'S', 'B', '_'}, cat({absent, zero, com("COM1", 0x3f8, 4)})));
  EXPECT_EQ(found->list.count, 1u);
  EXPECT_EQ(found->list.absent, 2u);
  EXPECT_STREQ(found->list.devices[0].path, "\\_SB.COM1");
  // A _STA method cannot be run: the device counts as present.
  Bytes computed =
      device("KBD_", cat({hid("PNP0303"), method("_STA", {0x0a, 0x0f}), crs(io(0x60, 1))}));
  EXPECT_EQ(walk(computed)->list.count, 1u);
}

TEST(HalAcpiDevices, MethodComputedHidOrCrsIsSkipped) {
  // Device (COM1) { Name (_HID, ...) Method (_CRS) { Return (CRS1) } }
  Bytes crs_method = device("COM1", cat({hid("PNP0501"), method("_CRS", text("CRS1"))}));
  // Device (COM2) { Method (_HID) { Return (EisaId ("PNP0501")) } Name (_CRS, ...) }
  Bytes hid_method =
      device("COM2", cat({method("_HID", dword(eisa("PNP0501"))), crs(io(0x2f8, 8))}));
  // Name (_HID, 0x05): an integer that is not an EisaId.
  Bytes hid_byte = device("COM3", cat({{0x08}, text("_HID"), {0x0a, 0x05}, crs(io(0x3e8, 8))}));
  auto found = walk(cat({crs_method, hid_method, hid_byte, keyboard()}));
  EXPECT_EQ(found->list.skipped, 3u);
  ASSERT_EQ(found->list.count, 1u);
  EXPECT_STREQ(found->list.devices[0].hid, "PNP0303");
  EXPECT_STREQ(found->list.devices[0].path, "\\KBD");
}

TEST(HalAcpiDevices, StringHidAndDeviceWithoutCrs) {
  // Device (FWCF) { Name (_HID, "QEMU0002") Name (_CRS, ResourceTemplate () { IO (...) }) }
  // Device (PWRB) { Name (_HID, EisaId ("PNP0C0C")) }  -- no _CRS: no resources
  Bytes fwcf = device("FWCF", cat({hid_string("QEMU0002"), crs(io(0x510, 12))}));
  Bytes pwrb = device("PWRB", hid("PNP0C0C"));
  Bytes too_long = device("LONG", cat({hid_string("ABCDEFGHIJKL"), crs(io(0x510, 12))}));
  Bytes empty = device("NONE", cat({hid_string(""), crs(io(0x510, 12))}));
  auto found = walk(cat({fwcf, pwrb, too_long, empty}));
  ASSERT_EQ(found->list.count, 2u);
  EXPECT_STREQ(found->list.devices[0].hid, "QEMU0002");
  EXPECT_EQ(found->list.devices[0].eisa_id, 0u);
  EXPECT_EQ(found->list.devices[0].resources.io[0].base, 0x510);
  EXPECT_STREQ(found->list.devices[1].hid, "PNP0C0C");
  EXPECT_EQ(found->list.devices[1].resources.io_count, 0u);
  EXPECT_EQ(found->list.skipped, 2u);  // a _HID too long for the list, and an empty one
}

TEST(HalAcpiDevices, NestedScopesAndNamePrefixes) {
  // Scope (\_SB) { Scope (PCI0) { Device (ISA) { Device (KBD) {...} } } }
  Bytes nested = scope({'\\', '_', 'S', 'B', '_'}, scope(text("PCI0"), device("ISA_", keyboard())));
  // Scope (\_SB.PCI0) (DualNamePrefix) { Scope (^LNK) (parent prefix) { Device (COM1) {...} } }
  Bytes dual = scope(cat({{'\\', 0x2e}, text("_SB_PCI0")}),
                     scope(cat({{'^'}, text("LNK_")}), com("COM1", 0x3f8, 4)));
  // Scope (\_SB.PCI0.SF8) (MultiNamePrefix, 3 segments) { Device (COM2) {...} }
  Bytes multi = scope(cat({{'\\', 0x2f, 3}, text("_SB_PCI0SF8_")}), com("COM2", 0x2f8, 3));
  // Device (\_SB.MOU) declared with a full path inside another scope.
  Bytes rooted =
      scope(text("_GPE"),
            cat({{0x5b, 0x82}, pkg(cat({{'\\', 0x2e}, text("_SB_MOU_"), hid("PNP0F13")}))}));
  auto found = walk(cat({nested, dual, multi, rooted}));
  ASSERT_EQ(found->list.count, 4u);
  EXPECT_STREQ(found->list.devices[0].path, "\\_SB.PCI0.ISA.KBD");
  EXPECT_STREQ(found->list.devices[1].path, "\\_SB.LNK.COM1");
  EXPECT_STREQ(found->list.devices[2].path, "\\_SB.PCI0.SF8.COM2");
  EXPECT_STREQ(found->list.devices[3].path, "\\_SB.MOU");
}

TEST(HalAcpiDevices, SkipsOtherTermsBetweenDevices) {
  Bytes noise = cat({
      // OperationRegion (DBG, SystemIO, 0x0402, One)
      {0x5b, 0x80},
      text("DBG_"),
      {0x01, 0x0b, 0x02, 0x04, 0x01},
      // Field (DBG, ByteAcc, NoLock, Preserve) { DBGB, 8 }
      {0x5b, 0x81},
      pkg(cat({text("DBG_"), {0x01}, text("DBGB"), {0x08}})),
      // Mutex (MTX0, 0) and Event (EVT0)
      {0x5b, 0x01},
      text("MTX0"),
      {0x00},
      {0x5b, 0x02},
      text("EVT0"),
      // External (\_SB.PCI0, DeviceObj)
      {0x15, '\\', 0x2e},
      text("_SB_PCI0"),
      {0x06, 0x00},
      // Name (_S5_, Package (0x04) { Zero, Zero, Zero, Zero })
      {0x08},
      text("_S5_"),
      {0x12},
      pkg({0x04, 0x00, 0x00, 0x00, 0x00}),
      // If (One) { Device (COND) {...} }: conditional, not static
      {0xa0},
      pkg(cat({{0x01}, com("COND", 0x3e8, 5)})),
      // Name (STR0, "text"), Name (REV0, Revision)
      {0x08},
      text("STR0"),
      {0x0d},
      text("text"),
      {0x00},
      {0x08},
      text("REV0"),
      {0x5b, 0x30},
  });
  auto found = walk(cat({noise, keyboard()}));
  ASSERT_EQ(found->list.count, 1u);
  EXPECT_STREQ(found->list.devices[0].path, "\\KBD");
}

TEST(HalAcpiDevices, UnknownTermEndsOnlyItsScope) {
  // Scope (\_SB) { Store (...) <- not understood; Device (COM1) {...} }
  Bytes lost = scope({'\\', '_', 'S', 'B', '_'}, cat({{0x70, 0x01, 0x60}, com("COM1", 0x3f8, 4)}));
  // The PkgLength of the scope still says where it ends: the next scope is walked.
  auto found = walk(cat({lost, scope({'\\', '_', 'S', 'B', '_'}, keyboard())}));
  ASSERT_EQ(found->list.count, 1u);
  EXPECT_STREQ(found->list.devices[0].path, "\\_SB.KBD");
}

TEST(HalAcpiDevices, DeepNestingIsBounded) {
  // Scope (S000) { Scope (S001) { ... Device (KBD) ... } }, 40 levels: the
  // walk stops descending (the kernel walks on a fixed stack) and the path
  // cannot hold more than nine segments anyway.
  Bytes aml = keyboard();
  for (int level = 39; level >= 0; --level) {
    char name[5] = {'S', char('0' + level / 100), char('0' + level / 10 % 10),
                    char('0' + level % 10), 0};
    aml = scope(text(name), aml);
  }
  auto found = walk(cat({aml, mouse()}));
  ASSERT_EQ(found->list.count, 1u);
  EXPECT_STREQ(found->list.devices[0].hid, "PNP0F13");
  // Eight scopes deep fits: \S000...S007.KBD.
  Bytes shallow = keyboard();
  for (int level = 7; level >= 0; --level) {
    char name[5] = {'S', '0', '0', char('0' + level), 0};
    shallow = scope(text(name), shallow);
  }
  auto fits = walk(shallow);
  ASSERT_EQ(fits->list.count, 1u);
  EXPECT_STREQ(fits->list.devices[0].path, "\\S000.S001.S002.S003.S004.S005.S006.S007.KBD");
}

TEST(HalAcpiDevices, BogusPkgLengthIsNotFollowed) {
  Bytes good = cat({keyboard(), mouse()});
  // The keyboard's PkgLength claims 0x3f bytes, more than the AML holds.
  Bytes overrun = keyboard();
  ASSERT_LT(overrun.size(), 0x3fu);
  overrun[2] = 0x3f;
  EXPECT_EQ(walk(overrun)->list.count, 0u);
  // Long form with the reserved bits 5-4 set.
  Bytes reserved = good;
  reserved[2] = 0x70;
  EXPECT_EQ(walk(reserved)->list.count, 0u);
  // A PkgLength shorter than its own encoding.
  Bytes tiny = cat({{0x10, 0x00}, keyboard()});
  EXPECT_EQ(walk(tiny)->list.count, 0u);
  // A device's PkgLength running past its enclosing scope's end.
  Bytes inner = scope({'\\', '_', 'S', 'B', '_'}, keyboard());
  inner[8] = uint8_t(inner[8] + 4);  // the device's PkgLength (after 0x10 len '\' _SB_ 0x5b 0x82)
  auto found = walk(cat({inner, mouse()}));
  EXPECT_EQ(found->list.count, 1u);  // only the mouse, after the scope
  EXPECT_STREQ(found->list.devices[0].hid, "PNP0F13");
}

TEST(HalAcpiDevices, EveryTruncationIsSafe) {
  Bytes good = machine();
  for (size_t n = 1; n < good.size(); ++n) {
    Bytes cut(good.begin(), good.begin() + long(n));
    auto found = walk(cut);
    EXPECT_TRUE(found->ok);
    EXPECT_LT(found->list.count, 4u) << n;  // the outer scope never decodes
  }
  EXPECT_FALSE(find_namespace_devices(nullptr, 0, walk(good)->list).is_ok());
}

TEST(HalAcpiDevices, DecodesResourceTemplates) {
  // FixedIO (0x0060, 0x01), IRQ (Edge, ActiveHigh, Exclusive) {1, 12},
  // DMA (Compatibility, NotBusMaster, Transfer8) {2},
  // Memory32Fixed (ReadOnly, 0xFED00000, 0x400) (a large item), EndTag
  Bytes t = cat({fixed_io(0x60, 1),
                 {0x23, 0x02, 0x10, 0x01},
                 {0x2a, 0x04, 0x00},
                 {0x86, 0x09, 0x00, 0x00, 0x00, 0x00, 0xd0, 0xfe, 0x00, 0x04, 0x00, 0x00},
                 {0x79, 0x00}});
  auto decoded = decode_resource_template(t.data(), t.size());
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ(decoded.value().io_count, 1u);
  EXPECT_EQ(decoded.value().io[0].base, 0x60);
  EXPECT_EQ(decoded.value().irq_mask, (1u << 1) | (1u << 12));
  EXPECT_EQ(decoded.value().first_irq(), 1);

  // More IO ranges than fit are counted.
  Bytes many = cat({io(1, 1), io(2, 1), io(3, 1), io(4, 1), io(5, 1), {0x79, 0x00}});
  EXPECT_EQ(decode_resource_template(many.data(), many.size()).value().io_overflow, 1u);

  Bytes no_end = cat({io(0x60, 1)});
  EXPECT_TRUE(decode_resource_template(no_end.data(), no_end.size()).is_error());
  Bytes short_io = {0x46, 0x01, 0x60, 0x00, 0x60, 0x00, 0x01, 0x79, 0x00};  // IO item of length 6
  EXPECT_TRUE(decode_resource_template(short_io.data(), short_io.size()).is_error());
  Bytes large_overrun = {0x86, 0xff, 0x00, 0x00, 0x79, 0x00};
  EXPECT_TRUE(decode_resource_template(large_overrun.data(), large_overrun.size()).is_error());
  Bytes good = cat({io(0x60, 1), irq(1), {0x79, 0x00}});
  for (size_t n = 0; n < good.size(); ++n)
    EXPECT_TRUE(decode_resource_template(good.data(), n).is_error()) << n;
  EXPECT_TRUE(decode_resource_template(nullptr, 0).is_error());
}

TEST(HalAcpiDevices, FormatsEisaIds) {
  char out[8];
  format_eisa_id(0x0303d041, out);  // bytes 41 d0 03 03
  EXPECT_STREQ(out, "PNP0303");
  format_eisa_id(eisa("PNP0F13"), out);
  EXPECT_STREQ(out, "PNP0F13");
}

TEST(HalAcpiDevices, FormatsBootLogLines) {
  auto found = walk(machine());
  char line[128];
  format_namespace_device(*found->list.find("PNP0303"), line, sizeof line);
  EXPECT_STREQ(line, "\\_SB.PCI0.SF8.KBD PNP0303 io 0x60,0x64 irq 1");
  format_namespace_device(*found->list.find("PNP0F13"), line, sizeof line);
  EXPECT_STREQ(line, "\\_SB.PCI0.SF8.MOU PNP0F13 irq 12");
  EXPECT_EQ(found->list.find("PNP0A08"), nullptr);  // not listed: its _CRS is a method
}

TEST(HalAcpiDevices, OverflowIsCounted) {
  Bytes many;
  char name[5] = "K000";
  for (int i = 0; i < 40; ++i) {
    name[2] = char('0' + i / 10);
    name[3] = char('0' + i % 10);
    many = cat({many, device(name, cat({hid("PNP0303"), crs(io(0x60, 1))}))});
  }
  auto found = walk(many);
  EXPECT_EQ(found->list.count, NamespaceDeviceList::kCapacity);
  EXPECT_EQ(found->list.overflow, 40 - NamespaceDeviceList::kCapacity);
}

// Corrupted AML must only ever produce a list (ASan/UBSan builds catch any
// stray read).
TEST(HalAcpiDevices, SurvivesRandomCorruption) {
  uint32_t seed = 4242;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, seed >> 16; };
  Bytes base = machine();
  for (int round = 0; round < 5000; ++round) {
    Bytes aml = base;
    for (int k = 0; k < 3; ++k) aml[next() % aml.size()] = uint8_t(next());
    aml.resize(aml.size() - next() % 8);
    auto found = walk(aml);
    EXPECT_LE(found->list.count, NamespaceDeviceList::kCapacity);
  }
}

Bytes read_fixture(const char* name) {
  std::ifstream file(std::string(AMPHI_TEST_DATA_DIR) + "/" + name, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

TEST(HalAcpiDevices, QemuQ35Dsdt) {
  Bytes dsdt = read_fixture("qemu-7.2-q35-dsdt.aml");
  ASSERT_GE(dsdt.size(), kTableHeaderSize);
  auto table = validate_table(dsdt.data(), dsdt.size(), 0, "DSDT");
  ASSERT_TRUE(table.is_ok()) << table.error().what();
  auto found = std::make_unique<NamespaceDeviceList>();
  ASSERT_TRUE(find_namespace_devices(table.value(), *found).is_ok());
  auto by_path = [&](const char* path) -> const NamespaceDevice* {
    for (size_t i = 0; i < found->count; ++i)
      if (std::strcmp(found->devices[i].path, path) == 0) return &found->devices[i];
    return nullptr;
  };
  // 22 devices with a static _HID, from \_SB.PCI0 to the RTC.
  EXPECT_EQ(found->count, 22u);
  EXPECT_EQ(found->overflow, 0u);
  EXPECT_EQ(found->skipped, 8u);  // the PCI interrupt links LNKA-LNKH: method _CRS
  EXPECT_EQ(found->absent, 0u);
  const NamespaceDevice* kbd = found->find("PNP0303");
  ASSERT_NE(kbd, nullptr);
  EXPECT_STREQ(kbd->path, "\\_SB.PCI0.SF8.KBD");
  ASSERT_EQ(kbd->resources.io_count, 2u);
  EXPECT_EQ(kbd->resources.io[0].base, 0x60);
  EXPECT_EQ(kbd->resources.io[1].base, 0x64);
  EXPECT_EQ(kbd->resources.first_irq(), 1);
  const NamespaceDevice* mou = found->find("PNP0F13");
  ASSERT_NE(mou, nullptr);
  EXPECT_STREQ(mou->path, "\\_SB.PCI0.SF8.MOU");
  EXPECT_EQ(mou->resources.first_irq(), 12);
  // QEMU declares COM2 before COM1.
  const NamespaceDevice* com1 = by_path("\\_SB.PCI0.SF8.COM1");
  const NamespaceDevice* com2 = by_path("\\_SB.PCI0.SF8.COM2");
  EXPECT_EQ(found->find("PNP0501", 0), com2);
  ASSERT_NE(com1, nullptr);
  ASSERT_NE(com2, nullptr);
  EXPECT_EQ(com1->resources.io[0].base, 0x3f8);
  EXPECT_EQ(com1->resources.first_irq(), 4);
  EXPECT_EQ(com2->resources.io[0].base, 0x2f8);
  EXPECT_EQ(com2->resources.io[0].length, 8);
  EXPECT_EQ(com2->resources.first_irq(), 3);
}

}  // namespace
