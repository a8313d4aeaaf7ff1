// The I/O manager's legacy device plan: which UARTs and which keyboard it
// starts from the DSDT's device list, and the fixed addresses it falls back
// to when the DSDT declares none.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>

#include "../../executive/io/legacy_devices.h"

namespace {

using executive::io::LegacyDevice;
using executive::io::LegacyDevices;
using executive::io::plan_legacy_devices;
using hal::acpi::NamespaceDevice;
using hal::acpi::NamespaceDeviceList;

struct Io {
  uint16_t base;
  uint8_t length;
};

void declare(NamespaceDeviceList& list, const char* path, const char* hid,
             std::initializer_list<Io> io, int irq) {
  NamespaceDevice& d = list.devices[list.count++];
  d = {};
  std::strncpy(d.path, path, sizeof d.path - 1);
  std::strncpy(d.hid, hid, sizeof d.hid - 1);
  for (const Io& range : io) d.resources.io[d.resources.io_count++] = {range.base, range.length};
  if (irq >= 0) d.resources.irq_mask = uint16_t(1u << irq);
}

// QEMU q35's declarations, in its order (COM2 before COM1).
std::unique_ptr<NamespaceDeviceList> qemu() {
  auto list = std::make_unique<NamespaceDeviceList>();
  declare(*list, "\\_SB.PCI0.SF8.KBD", "PNP0303", {{0x60, 1}, {0x64, 1}}, 1);
  declare(*list, "\\_SB.PCI0.SF8.MOU", "PNP0F13", {}, 12);
  declare(*list, "\\_SB.PCI0.SF8.COM2", "PNP0501", {{0x2f8, 8}}, 3);
  declare(*list, "\\_SB.PCI0.SF8.COM1", "PNP0501", {{0x3f8, 8}}, 4);
  return list;
}

TEST(ExecutiveLegacyDevices, QemuComTwoIsTheOnlyUartAndTheKeyboardFollows) {
  auto list = qemu();
  LegacyDevices plan;
  plan_legacy_devices(list.get(), plan);
  ASSERT_EQ(plan.count, 2u);
  EXPECT_EQ(plan.uart_fallback, nullptr);
  EXPECT_EQ(plan.keyboard_fallback, nullptr);
  const LegacyDevice& uart = plan.devices[0];
  EXPECT_EQ(uart.kind, LegacyDevice::Kind::uart);
  EXPECT_STREQ(uart.acpi_path, "\\_SB.PCI0.SF8.COM2");
  EXPECT_EQ(uart.info.bus, drivers::DeviceInfo::Bus::legacy);
  EXPECT_EQ(uart.info.io_base, 0x2f8);
  EXPECT_EQ(uart.info.io_count, 8);
  EXPECT_EQ(uart.info.legacy_irq, 3);
  const LegacyDevice& keyboard = plan.devices[1];
  EXPECT_EQ(keyboard.kind, LegacyDevice::Kind::keyboard);
  EXPECT_STREQ(keyboard.acpi_path, "\\_SB.PCI0.SF8.KBD");
  EXPECT_EQ(keyboard.info.io_base, 0x60);
  EXPECT_EQ(keyboard.info.io_count, 1);
  EXPECT_EQ(keyboard.info.io2_base, 0x64);
  EXPECT_EQ(keyboard.info.io2_count, 1);
  EXPECT_EQ(keyboard.info.legacy_irq, 1);
}

TEST(ExecutiveLegacyDevices, UartsInComOrderWithoutTheConsole) {
  auto list = std::make_unique<NamespaceDeviceList>();
  declare(*list, "\\_SB.COM4", "PNP0501", {{0x2e8, 8}}, 3);
  declare(*list, "\\_SB.ODD", "PNP0501", {{0x500, 8}}, 5);
  declare(*list, "\\_SB.COM3", "PNP0501", {{0x3e8, 8}}, 4);
  declare(*list, "\\_SB.COM1", "PNP0501", {{0x3f8, 8}}, 4);
  declare(*list, "\\_SB.COM2", "PNP0501", {{0x2f8, 8}}, 3);
  declare(*list, "\\_SB.NOIRQ", "PNP0501", {{0x2f0, 8}}, -1);  // no line: unusable
  declare(*list, "\\_SB.SHORT", "PNP0501", {{0x2d0, 4}}, 6);   // fewer than 8 registers
  LegacyDevices plan;
  plan_legacy_devices(list.get(), plan);
  ASSERT_EQ(plan.count, 4u);  // three UARTs at most, then the keyboard
  EXPECT_STREQ(plan.devices[0].acpi_path, "\\_SB.COM2");
  EXPECT_STREQ(plan.devices[1].acpi_path, "\\_SB.COM3");
  EXPECT_STREQ(plan.devices[2].acpi_path, "\\_SB.COM4");
  // No PNP0303 declared: the keyboard at its fixed ports.
  EXPECT_EQ(plan.devices[3].kind, LegacyDevice::Kind::keyboard);
  EXPECT_EQ(plan.devices[3].acpi_path, nullptr);
  EXPECT_STREQ(plan.keyboard_fallback, "the DSDT declares no PNP0303");
}

TEST(ExecutiveLegacyDevices, FixedAddressesWithoutDsdt) {
  LegacyDevices plan;
  plan_legacy_devices(nullptr, plan);
  ASSERT_EQ(plan.count, 2u);
  EXPECT_STREQ(plan.uart_fallback, "no DSDT");
  EXPECT_STREQ(plan.keyboard_fallback, "no DSDT");
  EXPECT_EQ(plan.devices[0].acpi_path, nullptr);
  EXPECT_EQ(plan.devices[0].info.io_base, 0x2f8);
  EXPECT_EQ(plan.devices[0].info.io_count, 8);
  EXPECT_EQ(plan.devices[0].info.legacy_irq, 3);
  EXPECT_EQ(plan.devices[1].info.io_base, 0x60);
  EXPECT_EQ(plan.devices[1].info.io2_base, 0x64);
  EXPECT_EQ(plan.devices[1].info.legacy_irq, 1);

  // An empty DSDT (a firmware without these devices) falls back the same way.
  auto empty = std::make_unique<NamespaceDeviceList>();
  plan_legacy_devices(empty.get(), plan);
  ASSERT_EQ(plan.count, 2u);
  EXPECT_STREQ(plan.uart_fallback, "the DSDT declares no PNP0501");
}

TEST(ExecutiveLegacyDevices, DeclaredButUnusableIsNotGuessed) {
  auto list = std::make_unique<NamespaceDeviceList>();
  declare(*list, "\\_SB.COM1", "PNP0501", {{0x3f8, 8}}, 4);  // only the console
  declare(*list, "\\_SB.KBD", "PNP030B", {{0x60, 1}}, 1);    // one range: unusable
  LegacyDevices plan;
  plan_legacy_devices(list.get(), plan);
  EXPECT_EQ(plan.count, 0u);
  EXPECT_EQ(plan.uart_fallback, nullptr);
  EXPECT_EQ(plan.keyboard_fallback, nullptr);
}

}  // namespace
