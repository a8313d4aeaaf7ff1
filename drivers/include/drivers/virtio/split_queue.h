// A split virtqueue (virtio 1.x, section 2.7): the descriptor table, the
// driver's "available" ring and the device's "used" ring, laid out in one
// piece of DMA memory. Pure ring logic over memory, so the host tests drive
// it against a simulated device.
//
// Ownership: a descriptor is either on the free list (the driver's) or in a
// chain the device owns from add() until the chain comes back through
// take_used(). The device only reads the table and the available ring and
// only writes the used ring; nothing it writes is trusted blindly: a used
// id that names no outstanding chain is dropped and counted.
//
// Ordering: descriptors and the ring slot are written before the available
// index is published (release); the used index is read with acquire before
// the used element. The caller notifies the device after add().
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/device_host.h"

namespace drivers::virtio {

struct Descriptor {
  uint64_t address;
  uint32_t length;
  uint16_t flags;
  uint16_t next;
};
static_assert(sizeof(Descriptor) == 16);

inline constexpr uint16_t kDescriptorNext = 1;
inline constexpr uint16_t kDescriptorDeviceWrites = 2;
inline constexpr uint16_t kUsedNoNotify = 1;  // used ring flags: the device polls
inline constexpr uint16_t kAvailNoInterrupt = 1;  // avail ring flags: the driver will look anyway

// One piece of a request as the device sees it.
struct Segment {
  uint64_t address;  // device address
  uint32_t length;
  bool device_writes;
};

struct UsedChain {
  uint16_t head;
  uint32_t written;  // bytes the device says it wrote
};

class SplitQueue {
 public:
  static constexpr uint16_t kMaxSize = 128;

  // Bytes of DMA memory a ring of `size` descriptors needs.
  static constexpr size_t bytes_for(uint16_t size) {
    return used_offset(size) + 6 + 8 * size_t(size);
  }

  // Lays the rings out in `memory` (zeroed, at least bytes_for(size) bytes,
  // 16-byte aligned). `size` must be a power of two in 1..kMaxSize.
  bool init(Memory memory, uint16_t size);

  uint16_t size() const { return size_; }
  uint16_t free_count() const { return free_count_; }
  uint64_t descriptor_area() const { return memory_.device; }
  uint64_t driver_area() const { return memory_.device + avail_offset(size_); }
  uint64_t device_area() const { return memory_.device + used_offset(size_); }

  // The index add() will return as the next chain's head (valid while
  // free_count() > 0): callers key per-request state by it.
  uint16_t next_head() const { return free_head_; }
  // Chains `count` segments and makes the chain available. Returns the head
  // descriptor's index, or -1 (nothing changed) with too few free.
  int32_t add(const Segment* segments, uint16_t count);
  // The next chain the device finished, its descriptors back on the free
  // list; false when there is none.
  bool take_used(UsedChain* chain);
  // Whether the device asked not to be notified (it polls).
  bool device_wants_notification() const;
  // Asks the device not to interrupt when it finishes chains (2.7.7: a
  // hint it may ignore), while the driver is going to look anyway.
  void suppress_interrupts();
  // Asks for interrupts again; true when chains finished before the device
  // could see the request, which no interrupt will announce.
  bool enable_interrupts();
  bool interrupts_suppressed() const { return interrupts_suppressed_; }
  uint64_t bogus_used() const { return bogus_used_; }

 private:
  static constexpr size_t avail_offset(uint16_t size) { return 16 * size_t(size); }
  static constexpr size_t used_offset(uint16_t size) { return (avail_offset(size) + 6 + 2 * size_t(size) + 3) & ~size_t(3); }

  Memory memory_;
  Descriptor* table_ = nullptr;
  uint16_t* avail_ = nullptr;  // flags, idx, ring[size], used_event
  uint8_t* used_ = nullptr;    // flags, idx, {id, len}[size], avail_event
  uint16_t size_ = 0;
  uint16_t free_head_ = 0;
  uint16_t free_count_ = 0;
  uint16_t avail_index_ = 0;  // our copy of the index we published
  uint16_t used_index_ = 0;   // used entries consumed so far
  bool interrupts_suppressed_ = false;    // our copy of kAvailNoInterrupt
  uint16_t chain_length_[kMaxSize] = {};  // per head; 0: not an outstanding head
  uint64_t bogus_used_ = 0;
};

}  // namespace drivers::virtio
