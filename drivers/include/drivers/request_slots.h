// RequestSlots: where a driver server keeps the requests its driver holds.
// A driver may complete a request long after submit() returned (a device
// interrupt finishes it), so each request taken from the ring is copied
// into a slot that lives until the driver completes it.
//
// A mask of free slots, not a scan: at queue depth 32 nearly every slot is
// taken, and looking for the free one by walking the table cost more than
// anything else the server did per request (~100 instructions at blk0's
// depth 32, in an instruction trace).
//
// Not locked: a server is single-threaded. Host-tested
// (tests/host/drivers_request_slots_test.cpp); drvserver's ServerHost
// keeps one.
#pragma once

#include <cstdint>

#include "drivers/io_request.h"

namespace drivers {

class RequestSlots {
 public:
  static constexpr int kSlots = 32;  // the kernel's DeviceObject::kSlots

  // A free slot, or null when all are in use (the kernel never has more in
  // flight than its own slots: only a broken kernel gets there).
  IoRequest* take() {
    if (!free_) return nullptr;
    int index = __builtin_ctz(free_);
    free_ &= free_ - 1;
    return &slots_[index];
  }
  // `request` must be a slot take() returned; other addresses are ignored.
  void release(IoRequest& request) {
    // Addresses as integers: comparing pointers outside the array is not C++.
    uintptr_t offset = reinterpret_cast<uintptr_t>(&request) - reinterpret_cast<uintptr_t>(slots_);
    if (offset < sizeof slots_ && offset % sizeof slots_[0] == 0)
      free_ |= 1u << (offset / sizeof slots_[0]);
  }
  int in_use() const { return kSlots - __builtin_popcount(free_); }

 private:
  static_assert(kSlots == 32, "free_ has one bit per slot");
  IoRequest slots_[kSlots];
  uint32_t free_ = ~0u;  // bit i set: slots_[i] is free
};

}  // namespace drivers
