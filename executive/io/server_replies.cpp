// Reply checks for driver servers (see server_replies.h).
#include "server_replies.h"

#include <cstring>

namespace executive::io {

namespace {

// Linux errnos end at 4095; anything else is not a status a driver makes.
bool plausible_status(int32_t status) { return status <= 0 && status >= -4095; }

bool same_request(const drivers::IoRequest& a, const drivers::IoRequest& b) {
  return a.operation == b.operation && a.control_code == b.control_code && a.offset == b.offset &&
         a.length == b.length && a.buffer == b.buffer;
}

}  // namespace

const char* verdict_name(ReplyVerdict verdict) {
  switch (verdict) {
    case ReplyVerdict::ok: return "ok";
    case ReplyVerdict::wrong_size: return "wrong size";
    case ReplyVerdict::unknown_tag: return "unknown tag";
    case ReplyVerdict::too_many: return "too many completions";
    case ReplyVerdict::altered: return "altered request";
    case ReplyVerdict::bad_status: return "bad status";
    case ReplyVerdict::bad_length: return "bad length";
    case ReplyVerdict::bad_geometry: return "bad geometry";
    case ReplyVerdict::bad_state: return "bad saved state";
  }
  return "?";
}

bool RequestLedger::record(const drivers::IoRequest& request, uint64_t now_ns) {
  size_t slot = slot_of(request.tag);
  if (slot >= kCapacity || entries_[slot].used) return false;
  Entry& entry = entries_[slot];
  entry.used = true;
  entry.parked = false;
  entry.since_ns = now_ns;
  entry.request = request;
  ++count_;
  return true;
}

// Once accepted, the reply equals the recorded request in every field but
// the two the driver fills in, so it is the answer itself: no copy back out
// of the ledger.
ReplyVerdict RequestLedger::accept(const drivers::IoRequest& reply) {
  size_t slot = slot_of(reply.tag);
  Entry* match = slot < kCapacity ? &entries_[slot] : nullptr;
  if (!match || !match->used || match->request.tag != reply.tag) return ReplyVerdict::unknown_tag;
  if (!same_request(match->request, reply)) return ReplyVerdict::altered;
  if (!plausible_status(reply.status)) return ReplyVerdict::bad_status;
  if (reply.transferred > reply.length) return ReplyVerdict::bad_length;
  match->used = false;
  --count_;
  return ReplyVerdict::ok;
}

ReplyVerdict RequestLedger::park(const void* body, size_t size) {
  if (size != sizeof(drivers::protocol::ParkedBody)) return ReplyVerdict::wrong_size;
  drivers::protocol::ParkedBody parked;
  std::memcpy(&parked, body, sizeof parked);
  size_t slot = slot_of(parked.tag);
  if (slot >= kCapacity || !entries_[slot].used || entries_[slot].request.tag != parked.tag)
    return ReplyVerdict::unknown_tag;
  entries_[slot].parked = true;
  return ReplyVerdict::ok;
}

void RequestLedger::stamp_unseen(uint64_t now_ns) {
  for (Entry& entry : entries_)
    if (entry.used && !entry.since_ns) entry.since_ns = now_ns;
}

uint64_t RequestLedger::oldest_ns() const {
  uint64_t oldest = 0;
  for (const Entry& entry : entries_)
    if (entry.used && !entry.parked && entry.since_ns && (!oldest || entry.since_ns < oldest))
      oldest = entry.since_ns;
  return oldest;
}

void RequestLedger::clear() {
  for (Entry& entry : entries_) entry.used = false;
  count_ = 0;
}

ReplyVerdict check_started(const void* body, size_t size, drivers::protocol::StartedBody* out) {
  if (size != sizeof *out) return ReplyVerdict::wrong_size;
  std::memcpy(out, body, sizeof *out);
  uint32_t block = out->geometry.block_size;
  if (block & (block - 1)) return ReplyVerdict::bad_geometry;
  if (block && out->geometry.capacity_bytes % block) return ReplyVerdict::bad_geometry;
  return ReplyVerdict::ok;
}

ReplyVerdict check_stopped(const void* body, size_t size, drivers::SavedState* out) {
  if (size != sizeof *out) return ReplyVerdict::wrong_size;
  std::memcpy(out, body, sizeof *out);
  if (out->size > drivers::SavedState::kCapacity) return ReplyVerdict::bad_state;
  return ReplyVerdict::ok;
}

}  // namespace executive::io
