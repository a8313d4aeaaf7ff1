// The RAM disk and null drivers against a fake host: data lands in the
// persistent area (so it survives a new instance), bad requests are refused
// with EINVAL-like statuses and every request completes exactly once.
#include <gtest/gtest.h>

#include "drivers/catalog.h"
#include "drivers_fake_host.h"

namespace {

using drivers::IoOperation;
using drivers::IoRequest;

struct Instance {
  explicit Instance(const drivers::DriverKind& kind, amphi_test::FakeDeviceHost& host)
      : kind_(kind), storage_(std::aligned_alloc(kind.instance_align, (kind.instance_size + 63) / 64 * 64)) {
    driver = kind.construct(storage_);
    EXPECT_EQ(driver->start(host, info, nullptr), drivers::StartStatus::ok);
  }
  ~Instance() {
    kind_.destroy(driver);
    std::free(storage_);
  }
  const drivers::DriverKind& kind_;
  void* storage_;
  drivers::DeviceInfo info;
  drivers::Driver* driver;
};

IoRequest request(IoOperation operation, uint64_t offset, uint32_t length, uint32_t buffer, uint64_t tag) {
  return IoRequest{.tag = tag, .operation = operation, .offset = offset, .length = length, .buffer = buffer};
}

TEST(RamDiskDriver, WrittenSectorsSurviveANewInstance) {
  amphi_test::FakeDeviceHost host(65536, drivers::kRamDiskDriver.persistent_bytes({}));
  {
    Instance disk(drivers::kRamDiskDriver, host);
    EXPECT_EQ(disk.driver->geometry().block_size, 512u);
    EXPECT_EQ(disk.driver->geometry().capacity_bytes, host.persistent_.size());
    for (int i = 0; i < 1024; ++i) host.transfer_[i] = static_cast<uint8_t>(i * 7);
    IoRequest write = request(IoOperation::write, 4096, 1024, 0, 1);
    disk.driver->submit(write);
  }
  Instance again(drivers::kRamDiskDriver, host);
  IoRequest read = request(IoOperation::read, 4096, 1024, 8192, 2);
  again.driver->submit(read);
  ASSERT_EQ(host.completed.size(), 2u);
  EXPECT_EQ(host.completed[1].status, drivers::kIoOk);
  EXPECT_EQ(host.completed[1].transferred, 1024u);
  for (int i = 0; i < 1024; ++i) ASSERT_EQ(host.transfer_[8192 + i], static_cast<uint8_t>(i * 7)) << i;
}

TEST(RamDiskDriver, RefusesRequestsOutsideTheDiskOrTheTransferArea) {
  amphi_test::FakeDeviceHost host(65536, 1 << 20);
  Instance disk(drivers::kRamDiskDriver, host);
  const IoRequest bad[] = {
      request(IoOperation::read, 100, 512, 0, 1),             // unaligned offset
      request(IoOperation::read, 0, 100, 0, 2),               // partial sector
      request(IoOperation::read, (1 << 20) - 512, 1024, 0, 3),  // runs off the end
      request(IoOperation::read, ~uint64_t{0} - 511, 512, 0, 4),  // offset + length overflows
      request(IoOperation::write, 0, 4096, 65536 - 512, 5),   // past the transfer area
  };
  for (IoRequest r : bad) disk.driver->submit(r);
  IoRequest control = request(IoOperation::control, 0, 0, 0, 6);
  disk.driver->submit(control);
  ASSERT_EQ(host.completed.size(), 6u);
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(host.completed[i].status, drivers::kIoBadRequest) << i;
    EXPECT_EQ(host.completed[i].transferred, 0u) << i;
    EXPECT_EQ(host.completed[i].tag, i + 1);
  }
  EXPECT_EQ(host.completed[5].status, drivers::kIoNotSupported);
}

TEST(NullDriver, CompletesAtOnceReadingNothingAndSwallowingWrites) {
  amphi_test::FakeDeviceHost host(4096, 0);
  Instance null(drivers::kNullDriver, host);
  IoRequest read = request(IoOperation::read, 0, 4096, 0, 7);
  IoRequest write = request(IoOperation::write, 0, 100, 0, 8);
  null.driver->submit(read);
  null.driver->submit(write);
  ASSERT_EQ(host.completed.size(), 2u);
  EXPECT_EQ(host.completed[0].transferred, 0u);
  EXPECT_EQ(host.completed[1].transferred, 100u);
}

TEST(DriverCatalog, FindsDriversByName) {
  EXPECT_EQ(drivers::find_driver_kind("ramdisk"), &drivers::kRamDiskDriver);
  EXPECT_EQ(drivers::find_driver_kind("null"), &drivers::kNullDriver);
  EXPECT_EQ(drivers::find_driver_kind("nosuch"), nullptr);
}

}  // namespace
