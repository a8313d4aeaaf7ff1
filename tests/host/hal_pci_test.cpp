// hal/pci against a fake configuration space: a q35-like bus 0 with a
// multifunction device and a bridge to bus 1, BARs of every kind, and
// hostile topologies (backward bridge, functions answering on a
// single-function device). size_bar runs against registers that model the
// read-only low bits of real BARs.
#include <gtest/gtest.h>

#include <array>
#include <map>
#include <string>
#include <tuple>

#include "hal/pci.h"

namespace {

using namespace hal::pci;

struct FakeFunction {
  std::array<uint32_t, 64> regs{};
  std::array<uint32_t, 6> bar_mask{};  // writable bits of each BAR
  int writes = 0;
};

struct FakeBus {
  std::map<std::tuple<int, int, int>, FakeFunction> functions;

  FakeFunction& add(int bus, int device, int function, uint16_t vendor, uint16_t device_id,
                    uint32_t class_rev, uint8_t header) {
    FakeFunction& f = functions[{bus, device, function}];
    f.regs[0] = uint32_t(device_id) << 16 | vendor;
    f.regs[1] = 0x0007;  // command: I/O, memory, bus master
    f.regs[2] = class_rev;
    f.regs[3] = uint32_t(header) << 16;
    return f;
  }

  static uint32_t read(void* context, uint8_t bus, uint8_t device, uint8_t function,
                       uint16_t offset) {
    auto* self = static_cast<FakeBus*>(context);
    auto it = self->functions.find({bus, device, function});
    if (it == self->functions.end()) return 0xffffffff;
    return it->second.regs[offset / 4];
  }

  static void write(void* context, uint8_t bus, uint8_t device, uint8_t function,
                    uint16_t offset, uint32_t value) {
    auto* self = static_cast<FakeBus*>(context);
    auto it = self->functions.find({bus, device, function});
    if (it == self->functions.end()) return;
    FakeFunction& f = it->second;
    ++f.writes;
    size_t index = offset / 4;
    if (index >= 4 && index < 10) {
      uint32_t mask = f.bar_mask[index - 4];
      uint32_t flags = (f.regs[index] & 1) ? 0x3 : 0xf;
      uint32_t previous = f.regs[index - 1];
      if (index > 4 && !(previous & 1) && ((previous >> 1) & 3) == 2)
        flags = 0;  // upper half of a 64-bit BAR: all bits are address
      f.regs[index] = (value & mask & ~flags) | (f.regs[index] & flags);
    } else {
      f.regs[index] = value;
    }
  }

  ConfigReader reader() { return {this, &FakeBus::read}; }
  ConfigAccess access() { return {this, &FakeBus::read, &FakeBus::write}; }
};

FakeBus q35_like() {
  FakeBus bus;
  bus.add(0, 0, 0, 0x8086, 0x29c0, 0x06000002, 0x00);
  bus.add(0, 0, 1, 0x8086, 0x29c0, 0x06000002, 0x00);  // alias: fn0 is single-function
  FakeFunction& bridge = bus.add(0, 1, 0, 0x1b36, 0x000c, 0x06040000, 0x01);
  bridge.regs[6] = 0x00010100;  // primary 0, secondary 1, subordinate 1
  bus.add(0, 0x1f, 0, 0x8086, 0x2918, 0x06010002, 0x80);
  FakeFunction& sata = bus.add(0, 0x1f, 2, 0x8086, 0x2922, 0x01060102, 0x00);
  sata.regs[4 + 4] = 0xc041;  // BAR4: I/O 0xc040
  sata.bar_mask[4] = 0x0000ffe0;  // 32 ports, 16-bit decoder
  sata.regs[4 + 5] = 0xfebd1000;  // BAR5: memory32
  sata.bar_mask[5] = 0xfffff000;
  bus.add(0, 0x1f, 3, 0x8086, 0x2930, 0x0c050002, 0x00);
  FakeFunction& nic = bus.add(1, 0, 0, 0x8086, 0x10d3, 0x02000000, 0x00);
  nic.regs[4 + 0] = 0xfe800000;  // BAR0: memory32, 128 KiB
  nic.bar_mask[0] = 0xfffe0000;
  nic.regs[4 + 2] = 0x0000000c;  // BAR2: 64-bit prefetchable at 8 GiB, 8 GiB
  nic.regs[4 + 3] = 0x00000002;
  nic.bar_mask[2] = 0x00000000;
  nic.bar_mask[3] = 0xfffffffe;
  return bus;
}

std::string line(const Device& d) {
  char text[96];
  format_device(d, text, sizeof text);
  return text;
}

TEST(HalPci, EnumeratesBusZeroAndBehindBridge) {
  FakeBus bus = q35_like();
  static DeviceList list;
  enumerate(bus.reader(), 0, 255, list);
  ASSERT_EQ(list.count, 6u);
  EXPECT_EQ(list.overflow, 0u);
  EXPECT_EQ(line(list.devices[0]), "00:00.0 8086:29c0 Host bridge");
  EXPECT_EQ(line(list.devices[1]), "00:01.0 1b36:000c PCI bridge");
  EXPECT_EQ(line(list.devices[2]), "00:1f.0 8086:2918 ISA bridge");
  EXPECT_EQ(line(list.devices[3]), "00:1f.2 8086:2922 SATA controller");
  EXPECT_EQ(line(list.devices[4]), "00:1f.3 8086:2930 SMBus");
  EXPECT_EQ(line(list.devices[5]), "01:00.0 8086:10d3 Ethernet controller");

  const Device& bridge = list.devices[1];
  EXPECT_EQ(bridge.header_type, kHeaderTypeBridge);
  EXPECT_EQ(bridge.secondary_bus, 1);
  EXPECT_EQ(bridge.subordinate_bus, 1);
  EXPECT_EQ(bridge.bar_count, 2);
  EXPECT_TRUE(list.devices[2].multifunction);

  const Device& sata = list.devices[3];
  EXPECT_EQ(sata.class_code, 0x01);
  EXPECT_EQ(sata.subclass, 0x06);
  EXPECT_EQ(sata.prog_if, 0x01);
  EXPECT_EQ(sata.revision, 0x02);
  EXPECT_EQ(sata.bars[0].kind, BarKind::none);
  EXPECT_EQ(sata.bars[4].kind, BarKind::io);
  EXPECT_EQ(sata.bars[4].address, 0xc040u);
  EXPECT_EQ(sata.bars[5].kind, BarKind::memory32);
  EXPECT_EQ(sata.bars[5].address, 0xfebd1000u);

  const Device& nic = list.devices[5];
  EXPECT_EQ(nic.bars[0].kind, BarKind::memory32);
  EXPECT_FALSE(nic.bars[0].prefetchable);
  EXPECT_EQ(nic.bars[2].kind, BarKind::memory64);
  EXPECT_TRUE(nic.bars[2].prefetchable);
  EXPECT_EQ(nic.bars[2].address, 0x2'0000'0000ull);
  EXPECT_EQ(nic.bars[3].kind, BarKind::memory64_upper);
}

TEST(HalPci, RestrictedRangeAndExtraRootBus) {
  FakeBus bus = q35_like();
  bus.add(5, 3, 0, 0x1af4, 0x1000, 0x02000000, 0x00);  // second host bridge's bus
  static DeviceList list;
  enumerate(bus.reader(), 0, 0, list);  // ECAM covering bus 0 only
  EXPECT_EQ(list.count, 5u);
  enumerate(bus.reader(), 0, 255, list);
  ASSERT_EQ(list.count, 7u);
  EXPECT_EQ(line(list.devices[6]), "05:03.0 1af4:1000 Ethernet controller");
}

TEST(HalPci, BridgeLoopsTerminate) {
  FakeBus bus;
  FakeFunction& back = bus.add(0, 2, 0, 0x1b36, 0x000c, 0x06040000, 0x01);
  back.regs[6] = 0x00000000;  // secondary 0: pointing at itself
  FakeFunction& a = bus.add(1, 0, 0, 0x1b36, 0x000c, 0x06040000, 0x01);
  a.regs[6] = 0x00020201;
  FakeFunction& b = bus.add(2, 0, 0, 0x1b36, 0x000c, 0x06040000, 0x01);
  b.regs[6] = 0x00010102;  // back to bus 1
  FakeFunction& c = bus.add(0, 3, 0, 0x1b36, 0x000c, 0x06040000, 0x01);
  c.regs[6] = 0x00020100;
  static DeviceList list;
  enumerate(bus.reader(), 0, 255, list);
  EXPECT_EQ(list.count, 4u);  // each bridge once
}

TEST(HalPci, OverflowIsCounted) {
  FakeBus bus;
  for (int b = 0; b < 10; ++b)
    for (int d = 0; d < 32; ++d) bus.add(b, d, 0, 0x1234, 0x5678, 0xff000000, 0x00);
  static DeviceList list;
  enumerate(bus.reader(), 0, 255, list);
  EXPECT_EQ(list.count, DeviceList::kCapacity);
  EXPECT_EQ(list.overflow, 320 - DeviceList::kCapacity);
  EXPECT_STREQ(pci_class_name(0xff, 0), "Unassigned class");
}

TEST(HalPci, DecodesBarsFromRawValues) {
  Bar io = decode_bar(0x0000c001, 0);
  EXPECT_EQ(io.kind, BarKind::io);
  EXPECT_EQ(io.address, 0xc000u);
  Bar legacy = decode_bar(0x000a0002, 0);  // below-1 MiB type
  EXPECT_EQ(legacy.kind, BarKind::memory32);
  Bar wide = decode_bar(0xe000000c, 0x1);
  EXPECT_EQ(wide.kind, BarKind::memory64);
  EXPECT_EQ(wide.address, 0x1'e000'0000ull);
  EXPECT_EQ(decode_bar(0, 0).kind, BarKind::none);
}

TEST(HalPci, SizesBarsAndRestoresConfigSpace) {
  FakeBus bus = q35_like();
  FakeFunction& nic = bus.functions[{1, 0, 0}];
  auto before = nic.regs;

  auto bar0 = size_bar(bus.access(), 1, 0, 0, 0);
  ASSERT_TRUE(bar0.is_ok());
  EXPECT_EQ(bar0.value(), 128u * 1024);
  auto bar2 = size_bar(bus.access(), 1, 0, 0, 2);
  ASSERT_TRUE(bar2.is_ok());
  EXPECT_EQ(bar2.value(), 8ull << 30);
  EXPECT_EQ(size_bar(bus.access(), 1, 0, 0, 3).error().code(), rtl::Errc::invalid_argument);
  EXPECT_EQ(size_bar(bus.access(), 1, 0, 0, 6).error().code(), rtl::Errc::invalid_argument);
  auto bar1 = size_bar(bus.access(), 1, 0, 0, 1);
  ASSERT_TRUE(bar1.is_ok());
  EXPECT_EQ(bar1.value(), 0u);
  EXPECT_EQ(nic.regs, before);
  EXPECT_GT(nic.writes, 0);

  auto io = size_bar(bus.access(), 0, 0x1f, 2, 4);
  ASSERT_TRUE(io.is_ok());
  EXPECT_EQ(io.value(), 32u);
  auto mmio = size_bar(bus.access(), 0, 0x1f, 2, 5);
  ASSERT_TRUE(mmio.is_ok());
  EXPECT_EQ(mmio.value(), 4096u);
}

TEST(HalPci, ClassNamesAndFormatting) {
  EXPECT_STREQ(pci_class_name(0x06, 0x00), "Host bridge");
  EXPECT_STREQ(pci_class_name(0x03, 0x00), "VGA compatible controller");
  EXPECT_STREQ(pci_class_name(0x02, 0x00), "Ethernet controller");
  EXPECT_STREQ(pci_class_name(0x01, 0x06), "SATA controller");
  EXPECT_STREQ(pci_class_name(0x06, 0x01), "ISA bridge");
  EXPECT_STREQ(pci_class_name(0x0c, 0x05), "SMBus");
  EXPECT_STREQ(pci_class_name(0x01, 0x00), "SCSI storage controller");
  EXPECT_STREQ(pci_class_name(0x01, 0x80), "Mass storage controller");
  EXPECT_STREQ(pci_class_name(0x01, 0x42), "Mass storage controller");
  EXPECT_STREQ(pci_class_name(0x42, 0x00), "Unclassified device");

  Device d{};
  d.bus = 0;
  d.device = 0x1f;
  d.function = 2;
  d.vendor_id = 0x8086;
  d.device_id = 0x2922;
  d.class_code = 1;
  d.subclass = 6;
  char small[12];
  size_t n = format_device(d, small, sizeof small);
  EXPECT_EQ(n, 11u);
  EXPECT_STREQ(small, "00:1f.2 808");  // truncated, terminated
}

}  // namespace

namespace {

TEST(HalPci, NarrowConfigAccessesMergeBytesAndSpareStatusBits) {
  FakeBus bus;
  FakeFunction& f = bus.add(0, 2, 0, 0x1af4, 0x1042, 0x01000000, 0);
  f.regs[1] = 0x00100007;  // status: capability list; command: I/O, memory, bus master
  f.regs[15] = 0x0000010b;
  EXPECT_EQ(read_config(bus.access(), 0, 2, 0, 0x02, 2), 0x1042u);
  EXPECT_EQ(read_config(bus.access(), 0, 2, 0, 0x3c, 1), 0x0bu);
  // A command write writes the status half as zeros: writing back the 1s
  // read there would clear them on real hardware.
  write_config(bus.access(), 0, 2, 0, 0x04, 2, 0x0003);
  EXPECT_EQ(f.regs[1], 0x00000003u);
  // Elsewhere a narrow write keeps its neighbours.
  write_config(bus.access(), 0, 2, 0, 0x3d, 1, 0x01);
  EXPECT_EQ(f.regs[15], 0x0000010bu);
  write_config(bus.access(), 0, 2, 0, 0x3c, 1, 0x0a);
  EXPECT_EQ(f.regs[15], 0x0000010au);
  // Targeting the status register itself writes what was asked.
  write_config(bus.access(), 0, 2, 0, 0x06, 2, 0x0100);
  EXPECT_EQ(f.regs[1], 0x01000003u);
}

}  // namespace
