// Finding a modern virtio-pci device's register blocks and MSI-X table in a
// fake configuration space, including lists that loop or lie.
#include <gtest/gtest.h>

#include <cstring>

#include "drivers/virtio/pci_layout.h"
#include "drivers_virtio_test_support.h"

namespace {

using drivers::virtio::find_pci_layout;
using virtio_test::FakeHost;

void put(FakeHost& host, uint16_t at, const void* bytes, size_t size) { std::memcpy(host.config + at, bytes, size); }

// struct virtio_pci_cap at `at`, linking to `next`.
void virtio_cap(FakeHost& host, uint16_t at, uint8_t next, uint8_t type, uint8_t bar, uint32_t offset,
                uint32_t length, uint8_t extra = 0) {
  uint8_t head[4] = {0x09, next, uint8_t(16 + extra), type};
  put(host, at, head, 4);
  host.config[at + 4] = bar;
  put(host, at + 8, &offset, 4);
  put(host, at + 12, &length, 4);
}

// Like QEMU's virtio-blk-pci (modern): MSI-X at 0x98, then five vendor
// capabilities in BAR 4 (the notify one 20 bytes long).
void qemu_like(FakeHost& host) {
  host.config[0x06] = 0x10;  // status: capabilities list
  host.config[0x34] = 0x98;
  uint8_t msix[4] = {0x11, 0x84, 0x01, 0x00};  // table size 2
  put(host, 0x98, msix, 4);
  uint32_t table = 0x0000 | 1, pba = 0x0800 | 1;
  put(host, 0x9c, &table, 4);
  put(host, 0xa0, &pba, 4);
  virtio_cap(host, 0x84, 0x74, 5, 0, 0, 0);  // PCI configuration access: skipped
  virtio_cap(host, 0x74, 0x60, 4, 4, 0x3000, 0x1000);
  virtio_cap(host, 0x60, 0x50, 2, 4, 0x2000, 0x1000, 4);
  uint32_t multiplier = 4;
  put(host, 0x60 + 16, &multiplier, 4);
  virtio_cap(host, 0x50, 0x40, 3, 4, 0x1000, 0x1000);
  virtio_cap(host, 0x40, 0x00, 1, 4, 0x0000, 0x1000);
}

TEST(VirtioPciLayout, FindsEveryBlockAndTheMsixTable) {
  FakeHost host;
  qemu_like(host);
  auto layout = find_pci_layout(host);
  ASSERT_TRUE(layout.common.present);
  EXPECT_EQ(layout.common.bar, 4);
  EXPECT_EQ(layout.common.offset, 0u);
  EXPECT_EQ(layout.isr.offset, 0x1000u);
  EXPECT_EQ(layout.notify.offset, 0x2000u);
  EXPECT_EQ(layout.notify_multiplier, 4u);
  EXPECT_EQ(layout.device.offset, 0x3000u);
  EXPECT_EQ(layout.device.length, 0x1000u);
  EXPECT_EQ(layout.msix_capability, 0x98);
  EXPECT_EQ(layout.msix_table_size, 2);
  EXPECT_EQ(layout.msix_bar, 1);
  EXPECT_EQ(layout.msix_offset, 0u);
}

TEST(VirtioPciLayout, NoCapabilityListMeansNothingFound) {
  FakeHost host;
  qemu_like(host);
  host.config[0x06] = 0;
  auto layout = find_pci_layout(host);
  EXPECT_FALSE(layout.common.present);
  EXPECT_EQ(layout.msix_capability, 0);
}

TEST(VirtioPciLayout, FirstOfEachTypeWinsAndBadBarsAreSkipped) {
  FakeHost host;
  host.config[0x06] = 0x10;
  host.config[0x34] = 0x40;
  virtio_cap(host, 0x40, 0x50, 1, 7, 0x100, 0x100);  // BAR 7 does not exist
  virtio_cap(host, 0x50, 0x60, 1, 2, 0x200, 0x100);
  virtio_cap(host, 0x60, 0x00, 1, 3, 0x300, 0x100);
  auto layout = find_pci_layout(host);
  ASSERT_TRUE(layout.common.present);
  EXPECT_EQ(layout.common.bar, 2);
  EXPECT_EQ(layout.common.offset, 0x200u);
}

TEST(VirtioPciLayout, LoopingListEnds) {
  FakeHost host;
  host.config[0x06] = 0x10;
  host.config[0x34] = 0x40;
  virtio_cap(host, 0x40, 0x50, 3, 0, 0, 4);
  virtio_cap(host, 0x50, 0x40, 4, 0, 0, 4);  // back to the first
  auto layout = find_pci_layout(host);  // must return
  EXPECT_TRUE(layout.isr.present);
  EXPECT_TRUE(layout.device.present);
  EXPECT_FALSE(layout.common.present);
}

}  // namespace
