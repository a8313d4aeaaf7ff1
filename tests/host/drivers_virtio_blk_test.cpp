// virtio-blk's protocol and ring logic against a simulated device: bring-up
// and feature negotiation, reads DMA'd straight into the transfer area,
// writes, flushes, request checks, queueing beyond the ring, polling when
// there is no interrupt, device errors and untrustworthy used entries.
#include <gtest/gtest.h>

#include <cstring>

#include "drivers/catalog.h"
#include "drivers/virtio/block_device.h"
#include "drivers_virtio_test_support.h"

namespace {

using drivers::IoOperation;
using drivers::IoRequest;
using drivers::StartStatus;
using drivers::virtio::BlockDevice;
using drivers::virtio::InterruptMode;
using virtio_test::FakeHost;
using virtio_test::SimulatedBlockDevice;

uint64_t sector_number_at(FakeHost& host, uint32_t buffer) {
  uint64_t value;
  std::memcpy(&value, host.transfer().cpu + buffer, 8);
  return value;
}

IoRequest make(IoOperation operation, uint64_t offset, uint32_t length, uint32_t buffer, uint64_t tag = 1) {
  IoRequest request;
  request.tag = tag;
  request.operation = operation;
  request.offset = offset;
  request.length = length;
  request.buffer = buffer;
  request.status = 12345;  // the driver must overwrite it
  return request;
}

struct VirtioBlk : ::testing::Test {
  FakeHost host;
  SimulatedBlockDevice device;
  BlockDevice block;

  void start() { ASSERT_EQ(block.start(host, device), StartStatus::ok); }
};

TEST_F(VirtioBlk, BringUpNegotiatesVersion1AndFlushAndReportsCapacity) {
  device.offered |= 1ull << 28 | 1ull << 33;  // indirect descriptors, platform access: not for us
  start();
  EXPECT_EQ(device.driver_features, drivers::virtio::kFeatureVersion1 | SimulatedBlockDevice::kFeatureFlush);
  EXPECT_EQ(device.status(), drivers::virtio::kStatusAcknowledge | drivers::virtio::kStatusDriver |
                                 drivers::virtio::kStatusFeaturesOk | drivers::virtio::kStatusDriverOk);
  EXPECT_EQ(block.geometry().capacity_bytes, 2048u * 512);
  EXPECT_EQ(block.geometry().block_size, 512u);
  EXPECT_EQ(block.queue_size(), 128);  // the device allows 256; we use at most 128
  EXPECT_EQ(block.interrupt_mode(), InterruptMode::msix);
  EXPECT_EQ(device.queue_vector, 0);
  EXPECT_EQ(device.resets, 1);
  ASSERT_FALSE(host.logs.empty());
  EXPECT_NE(host.logs.back().find("2048 sectors"), std::string::npos) << host.logs.back();
}

TEST_F(VirtioBlk, LegacyOnlyDeviceIsRefused) {
  device.offered = SimulatedBlockDevice::kFeatureFlush;
  EXPECT_EQ(block.start(host, device), StartStatus::no_device);
  EXPECT_TRUE(device.status() & drivers::virtio::kStatusFailed);
}

TEST_F(VirtioBlk, SmallDeviceQueueIsHonoured) {
  device.max_queue = 100;
  start();
  EXPECT_EQ(block.queue_size(), 64);  // a power of two no larger than the device's
}

TEST_F(VirtioBlk, ReadLandsInTheTransferAreaAtTheRequestsBuffer) {
  start();
  IoRequest request = make(IoOperation::read, 7 * 512, 4096, 65536);
  block.submit(request);
  EXPECT_TRUE(host.completed.empty());  // completes on the interrupt
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(host.completed[0].transferred, 4096u);
  EXPECT_EQ(host.completed[0].tag, 1u);
  for (uint32_t s = 0; s < 8; ++s) EXPECT_EQ(sector_number_at(host, 65536 + s * 512), 7 + s);
  EXPECT_EQ(std::memcmp(host.transfer().cpu + 65536, &device.disk[7 * 512], 4096), 0);
}

TEST_F(VirtioBlk, WriteThenReadBackAndFlush) {
  start();
  std::memset(host.transfer().cpu, 0xa5, 1024);
  IoRequest write = make(IoOperation::write, 100 * 512, 1024, 0, 1);
  block.submit(write);
  IoRequest flush = make(IoOperation::flush, 0, 0, 0, 2);
  block.submit(flush);
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 2u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(host.completed[0].transferred, 1024u);
  EXPECT_EQ(host.completed[1].status, drivers::kIoOk);
  EXPECT_EQ(host.completed[1].transferred, 0u);
  EXPECT_EQ(device.flushes, 1);
  EXPECT_EQ(device.disk[100 * 512], 0xa5);
  EXPECT_EQ(device.disk[102 * 512 - 1], 0xa5);
  IoRequest read = make(IoOperation::read, 100 * 512, 1024, 8192, 3);
  block.submit(read);
  block.interrupt();
  EXPECT_EQ(std::memcmp(host.transfer().cpu + 8192, host.transfer().cpu, 1024), 0);
}

TEST_F(VirtioBlk, FlushWithoutAWriteCacheCompletesAtOnce) {
  device.offered = drivers::virtio::kFeatureVersion1;
  start();
  IoRequest flush = make(IoOperation::flush, 0, 0, 0);
  block.submit(flush);
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(device.notifications, 0);
}

TEST_F(VirtioBlk, BadRequestsNeverReachTheDevice) {
  start();
  uint64_t capacity = block.geometry().capacity_bytes;
  uint32_t transfer = static_cast<uint32_t>(host.transfer().size);
  IoRequest bad[] = {
      make(IoOperation::read, 1, 512, 0),                    // unaligned offset
      make(IoOperation::read, 0, 100, 0),                    // partial sector
      make(IoOperation::read, capacity - 512, 1024, 0),      // runs off the end
      make(IoOperation::write, capacity, 512, 0),            // starts at the end
      make(IoOperation::read, ~0ull & ~511ull, 512, 0),      // wraps
      make(IoOperation::read, 0, 4096, transfer - 2048),     // buffer leaves the transfer area
      make(IoOperation::read, 0, 512, ~0u),                  // buffer far outside
  };
  for (IoRequest& request : bad) block.submit(request);
  IoRequest control = make(IoOperation::control, 0, 0, 0);
  block.submit(control);
  ASSERT_EQ(host.completed.size(), std::size(bad) + 1);
  for (size_t i = 0; i < std::size(bad); ++i) {
    EXPECT_EQ(host.completed[i].status, drivers::kIoBadRequest) << "request " << i;
    EXPECT_EQ(host.completed[i].transferred, 0u);
  }
  EXPECT_EQ(host.completed.back().status, drivers::kIoNotSupported);
  EXPECT_EQ(device.notifications, 0);
  EXPECT_EQ(block.counters().failed, std::size(bad) + 1);
}

TEST_F(VirtioBlk, LastSectorIsReachable) {
  start();
  IoRequest request = make(IoOperation::read, block.geometry().capacity_bytes - 512, 512, 0);
  block.submit(request);
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(sector_number_at(host, 0), 2047u);
}

TEST_F(VirtioBlk, RequestsBeyondTheRingWaitAndAllCompleteInOrder) {
  device.max_queue = 16;  // 5 three-descriptor chains fit
  device.defer = true;
  start();
  constexpr int kRequests = 32;  // what the I/O manager may have in flight
  IoRequest requests[kRequests];
  for (int i = 0; i < kRequests; ++i) {
    requests[i] = make(IoOperation::read, uint64_t(i) * 4096, 4096, uint32_t(i) * 4096, uint64_t(100 + i));
    block.submit(requests[i]);
  }
  EXPECT_EQ(block.counters().queued, uint64_t(kRequests - 5));
  for (int rounds = 0; host.completed.size() < kRequests && rounds < 100; ++rounds) {
    device.process(3);  // the device finishes a few at a time
    block.interrupt();
  }
  ASSERT_EQ(host.completed.size(), size_t(kRequests));
  for (int i = 0; i < kRequests; ++i) {
    EXPECT_EQ(host.completed[i].tag, uint64_t(100 + i));  // FIFO all the way
    EXPECT_EQ(host.completed[i].status, drivers::kIoOk);
    EXPECT_EQ(sector_number_at(host, uint32_t(i) * 4096), uint64_t(i) * 8);
  }
}

TEST_F(VirtioBlk, WithoutAnInterruptSubmitPolls) {
  host.interrupts = false;
  start();
  EXPECT_EQ(block.interrupt_mode(), InterruptMode::none);
  EXPECT_EQ(device.queue_vector, drivers::virtio::kNoVector);
  IoRequest request = make(IoOperation::read, 512, 512, 0);
  block.submit(request);
  ASSERT_EQ(host.completed.size(), 1u);  // done before submit returned
  EXPECT_EQ(sector_number_at(host, 0), 1u);
}

TEST_F(VirtioBlk, RefusedQueueVectorFallsBackToPolling) {
  device.refuse_vector = true;
  start();
  EXPECT_EQ(block.interrupt_mode(), InterruptMode::none);
  IoRequest request = make(IoOperation::read, 0, 512, 0);
  block.submit(request);
  EXPECT_EQ(host.completed.size(), 1u);
}

TEST_F(VirtioBlk, PollingGivesUpOnADeadDevice) {
  host.interrupts = false;
  device.defer = true;  // never serves
  start();
  IoRequest request = make(IoOperation::read, 0, 512, 0);
  block.submit(request);  // returns after the timeout rather than spinning forever
  EXPECT_TRUE(host.completed.empty());
  EXPECT_NE(host.logs.back().find("stopped answering"), std::string::npos);
}

TEST_F(VirtioBlk, DeviceErrorsBecomeEio) {
  start();
  device.fail_requests = true;
  IoRequest request = make(IoOperation::read, 0, 512, 0);
  block.submit(request);
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoError);
  EXPECT_EQ(host.completed[0].transferred, 0u);
}

TEST_F(VirtioBlk, SizeMaxSplitsTheDataIntoSegments) {
  device.offered |= drivers::virtio::kBlockSizeMax;
  device.size_max = 1024;
  start();
  IoRequest request = make(IoOperation::read, 16 * 512, 4096 + 512, 0);
  block.submit(request);
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
  EXPECT_EQ(device.max_data_segments, 5);
  EXPECT_EQ(std::memcmp(host.transfer().cpu, &device.disk[16 * 512], 4096 + 512), 0);
}

TEST_F(VirtioBlk, UsedEntriesNamingNoRequestAreIgnored) {
  device.defer = true;
  start();
  IoRequest request = make(IoOperation::read, 0, 512, 0);
  block.submit(request);
  device.inject_bogus_used(77);   // not a head we handed out
  device.inject_bogus_used(999);  // not even a descriptor
  device.process();
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoOk);
}

TEST_F(VirtioBlk, StopResetsAndAFreshStartServesAgain) {
  start();
  IoRequest first = make(IoOperation::read, 0, 512, 0);
  block.submit(first);
  block.interrupt();
  block.stop();
  EXPECT_EQ(device.resets, 2);
  BlockDevice next;
  ASSERT_EQ(next.start(host, device), StartStatus::ok);
  EXPECT_EQ(device.resets, 3);
  IoRequest second = make(IoOperation::read, 3 * 512, 512, 512, 2);
  next.submit(second);
  next.interrupt();
  ASSERT_EQ(host.completed.size(), 2u);
  EXPECT_EQ(sector_number_at(host, 512), 3u);
}

TEST_F(VirtioBlk, StopFailsWhatIsStillInFlight) {
  device.defer = true;
  start();
  IoRequest request = make(IoOperation::read, 0, 512, 0);
  block.submit(request);
  block.stop();
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_EQ(host.completed[0].status, drivers::kIoError);
}

// Between interrupt() and arm_interrupt() the host is busy with the driver
// anyway: the device is asked not to interrupt, and what it finishes
// meanwhile is found when the host arms it again.
TEST_F(VirtioBlk, InterruptsStayOffUntilTheHostArmsThemAgain) {
  device.defer = true;
  start();
  IoRequest requests[3];
  // The device serves request n (a 512-byte read) when its pass comes.
  auto served = [&](int n) {
    requests[n] = make(IoOperation::read, 512u * n, 512, 512u * n, n + 1);
    block.submit(requests[n]);
    device.process();
    return device.interrupts_sent;
  };
  EXPECT_EQ(served(0), 1);
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 1u);

  // The host goes on working with the driver: no interrupt for this one.
  EXPECT_EQ(served(1), 1);
  EXPECT_EQ(host.completed.size(), 1u);

  // Arming finds it, so the host calls interrupt() instead of waiting.
  EXPECT_TRUE(block.arm_interrupt());
  block.interrupt();
  ASSERT_EQ(host.completed.size(), 2u);
  EXPECT_EQ(host.completed[1].tag, 2u);
  EXPECT_EQ(host.completed[1].status, drivers::kIoOk);

  // Nothing more: armed, and the next completion interrupts again.
  EXPECT_FALSE(block.arm_interrupt());
  EXPECT_FALSE(block.arm_interrupt());
  EXPECT_EQ(served(2), 2);
  block.interrupt();
  EXPECT_EQ(host.completed.size(), 3u);
}

TEST_F(VirtioBlk, PollingDeviceNeverAsksToStayQuiet) {
  host.interrupts = false;
  start();
  ASSERT_EQ(block.interrupt_mode(), InterruptMode::none);
  IoRequest request = make(IoOperation::read, 0, 512, 0, 1);
  block.submit(request);  // polls to completion
  ASSERT_EQ(host.completed.size(), 1u);
  EXPECT_FALSE(block.arm_interrupt());
  EXPECT_EQ(device.interrupts_sent, 1);  // the flag was never set
}

TEST(VirtioBlkDriver, CatalogEntryAndForeignDevicesRefusedWithoutTouchingThem) {
  EXPECT_STREQ(drivers::kVirtioBlockDriver.name, "virtio-blk");
  EXPECT_STREQ(drivers::kVirtioBlockDriver.device_name, "blk");
  alignas(64) unsigned char storage[4096];
  ASSERT_LE(drivers::kVirtioBlockDriver.instance_size, sizeof storage);
  drivers::Driver* driver = drivers::kVirtioBlockDriver.construct(storage);
  FakeHost host;
  drivers::DeviceInfo info;
  info.bus = drivers::DeviceInfo::Bus::pci;
  info.vendor = 0x8086;
  info.device = 0x10d3;
  EXPECT_EQ(driver->start(host, info, nullptr), StartStatus::no_device);
  drivers::kVirtioBlockDriver.destroy(driver);
}

}  // namespace
