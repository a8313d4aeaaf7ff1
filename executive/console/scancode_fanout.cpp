// The keyboard's scancodes copied to every listener (see scancode_fanout.h).
#include "executive/scancode_fanout.h"

namespace executive {

rtl::Result<ScancodeFanout::Listener*> ScancodeFanout::subscribe() {
  return table_.with([](Table& table) -> rtl::Result<Listener*> {
    for (Listener& slot : table.slots) {
      if (slot.subscribed_) continue;
      slot = Listener{};  // a fresh ring and loss count: nothing from before
      slot.subscribed_ = true;
      return &slot;
    }
    return rtl::Error(rtl::Errc::busy, "every keyboard listener slot is taken");
  });
}

void ScancodeFanout::unsubscribe(Listener& listener) {
  table_.with([&](Table&) { listener.subscribed_ = false; });
}

bool ScancodeFanout::publish(const uint8_t* bytes, size_t length) {
  return table_.with([&](Table& table) {
    bool delivered = false;
    for (Listener& slot : table.slots) {
      if (!slot.subscribed_) continue;
      // push() keeps the bytes already queued and counts what does not fit.
      for (size_t i = 0; i < length; ++i) delivered |= slot.ring_.push(bytes[i]);
    }
    return delivered;
  });
}

ScancodeFanout::Taken ScancodeFanout::take(Listener& listener, uint8_t* out, size_t length) {
  return table_.with([&](Table&) {
    Taken taken;
    uint32_t want = length < kRingBytes ? static_cast<uint32_t>(length) : kRingBytes;
    taken.bytes = listener.ring_.take(out, want);
    taken.lost = listener.ring_.dropped() - listener.reported_losses_;
    listener.reported_losses_ = listener.ring_.dropped();
    return taken;
  });
}

uint32_t ScancodeFanout::pending(const Listener& listener) const {
  return table_.with([&](const Table&) { return listener.ring_.size(); });
}

uint64_t ScancodeFanout::dropped(const Listener& listener) const {
  return table_.with([&](const Table&) { return listener.ring_.dropped(); });
}

size_t ScancodeFanout::listener_count() const {
  return table_.with([](const Table& table) {
    size_t count = 0;
    for (const Listener& slot : table.slots) count += slot.subscribed_;
    return count;
  });
}

}  // namespace executive
