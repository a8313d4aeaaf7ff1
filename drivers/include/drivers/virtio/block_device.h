// BlockDevice: the virtio-blk protocol (virtio 1.x, 5.2) over any
// Transport: bring-up and feature negotiation, one request queue, request
// checks, queueing beyond the ring's capacity and completions. The PCI
// driver (drivers/virtio_blk/virtio_blk_driver.cpp) wraps it; the host
// tests run it against a simulated device.
//
// Each request is a descriptor chain: a 16-byte header the device reads,
// the data (read straight from or into the transfer area: no copy), and a
// status byte the device writes. Headers and status bytes live in DMA
// memory, one of each per descriptor index, found by the chain's head.
//
// Requests that do not fit in the ring wait in a FIFO and go out as chains
// complete; their order on the device is their order of submission.
#pragma once

#include <cstdint>

#include "drivers/driver.h"
#include "drivers/virtio/split_queue.h"
#include "drivers/virtio/transport.h"

namespace drivers::virtio {

// Negotiated block features (5.2.3).
inline constexpr uint64_t kBlockSizeMax = 1ull << 1;
inline constexpr uint64_t kBlockSegMax = 1ull << 2;
inline constexpr uint64_t kBlockReadOnly = 1ull << 5;
inline constexpr uint64_t kBlockFlush = 1ull << 9;

struct BlockCounters {
  uint64_t completed = 0;
  uint64_t failed = 0;   // completed with an error, checks included
  uint64_t queued = 0;   // had to wait for ring space
  uint64_t interrupts = 0;
};

class BlockDevice {
 public:
  static constexpr uint32_t kSectorBytes = 512;
  static constexpr uint16_t kPendingCapacity = 64;  // the I/O manager has at most 32 in flight
  static constexpr size_t kDmaBytes = 8192;         // ring page + header/status page

  // Resets the device and brings it up from scratch.
  StartStatus start(DeviceHost& host, Transport& transport);
  void submit(IoRequest& request);
  void interrupt();
  // See Driver::arm_interrupt: interrupt() leaves the device's interrupts
  // off, since the host calls this before it waits.
  bool arm_interrupt();
  // Resets the device; with requests still in flight they are failed.
  void stop();

  Geometry geometry() const { return {capacity_bytes_, kSectorBytes}; }
  InterruptMode interrupt_mode() const { return interrupt_mode_; }
  uint64_t features() const { return features_; }
  uint16_t queue_size() const { return queue_.size(); }
  const BlockCounters& counters() const { return counters_; }
  BlockCounters& counters() { return counters_; }

 private:
  struct Header {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector;
  };
  static_assert(sizeof(Header) == 16);

  int32_t check(const IoRequest& request) const;
  // Puts the request on the ring (or fails it if it can never fit); false
  // when it must wait for descriptors.
  bool issue(IoRequest& request);
  // Collects finished chains and issues waiting requests.
  void reap();
  void finish(IoRequest& request, int32_t status);
  void poll_until_idle();

  DeviceHost* host_ = nullptr;
  Transport* transport_ = nullptr;
  Memory transfer_;
  Memory dma_;
  SplitQueue queue_;
  InterruptMode interrupt_mode_ = InterruptMode::none;
  uint64_t features_ = 0;
  uint64_t capacity_bytes_ = 0;
  uint32_t segment_limit_ = 0;   // bytes per data descriptor (size_max); 0: any
  uint32_t segments_limit_ = 0;  // data descriptors per request (seg_max); 0: any
  Header* headers_ = nullptr;    // [kMaxSize], by head index
  uint8_t* statuses_ = nullptr;  // [kMaxSize], by head index
  IoRequest* in_flight_[SplitQueue::kMaxSize] = {};
  uint32_t in_flight_count_ = 0;
  IoRequest* pending_[kPendingCapacity] = {};  // FIFO
  uint16_t pending_head_ = 0, pending_count_ = 0;
  BlockCounters counters_;
};

}  // namespace drivers::virtio
