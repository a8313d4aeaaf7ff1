// Judging what a driver server says. Nothing a server sends is believed
// (drivers/server_protocol.h): the server host records every request it
// hands over in a RequestLedger and accepts a completion only if it answers
// one of them unchanged, with a status and length that can be right. The
// other replies (kStarted, kStopped) are checked for shape here too, so the
// rules live in one portable, host-tested place.
//
// Not locked: the server backend holds its own lock around every call.
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/io_request.h"
#include "drivers/request_ring.h"
#include "drivers/server_protocol.h"

namespace executive::io {

enum class ReplyVerdict : uint8_t {
  ok,
  wrong_size,    // the body is not the size the message id calls for
  unknown_tag,   // completes nothing we handed over (or completes it twice)
  too_many,      // more completions published than requests outstanding
  altered,       // operation, offset, length or buffer differ from the request
  bad_status,    // not 0 and not a negative errno
  bad_length,    // transferred more than asked
  bad_geometry,  // kStarted: block size not a power of two, capacity not whole blocks
  bad_state,     // kStopped: saved state larger than its buffer
};
const char* verdict_name(ReplyVerdict verdict);

class RequestLedger {
 public:
  static constexpr size_t kCapacity = 32;  // DeviceObject::kSlots

  // Entries are indexed by the slot a tag names in its low byte
  // (DeviceObject::tag_for): every request and reply is one lookup, on the
  // path of each request.
  static size_t slot_of(uint64_t tag) { return tag & 0xff; }

  // A request handed to the server at `now_ns`, or 0 to leave the time to
  // the watchdog's next look (stamp_unseen): reading the clock on every
  // request costs more than a watchdog that is one period late. False when
  // the tag names no slot or its slot is already outstanding (a host bug,
  // not the server's).
  bool record(const drivers::IoRequest& request, uint64_t now_ns);
  // Gives requests recorded without a time the time `now_ns`.
  void stamp_unseen(uint64_t now_ns);
  // A completion the server published (a copy the server can no longer
  // change). On ok the request leaves the ledger, and `reply` is the
  // recorded request with the driver's status and transferred: it answers
  // one we handed over, unchanged in every other field.
  ReplyVerdict accept(const drivers::IoRequest& reply);
  // Every completion the server published in `ring` since the last call,
  // in its order; on_done(request) runs for each accepted one. Stops at the
  // first bad one and returns its verdict: those before it stay answered.
  // A count beyond what is outstanding is refused before any is read.
  template <typename OnDone>
  ReplyVerdict accept_completions(drivers::RequestRingProducer& ring, OnDone&& on_done) {
    uint32_t waiting = ring.completions_waiting();
    if (waiting > count_) return ReplyVerdict::too_many;
    for (; waiting; --waiting) {
      drivers::IoRequest done = ring.take_completion();
      ReplyVerdict verdict = accept(done);
      if (verdict != ReplyVerdict::ok) return verdict;
      on_done(done);
    }
    return ReplyVerdict::ok;
  }
  // A kParked body: the request waits for an outside event (a key), so
  // oldest_ns() leaves it out until it completes.
  ReplyVerdict park(const void* body, size_t size);
  // When the oldest outstanding request that is not parked was handed
  // over (or first seen by stamp_unseen); 0 when none is.
  uint64_t oldest_ns() const;
  size_t outstanding() const { return count_; }
  void clear();

 private:
  struct Entry {
    bool used = false;
    bool parked = false;
    uint64_t since_ns = 0;
    drivers::IoRequest request;
  };
  Entry entries_[kCapacity];
  size_t count_ = 0;
};

ReplyVerdict check_started(const void* body, size_t size, drivers::protocol::StartedBody* out);
ReplyVerdict check_stopped(const void* body, size_t size, drivers::SavedState* out);

}  // namespace executive::io
