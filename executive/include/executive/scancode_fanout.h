// ScancodeFanout: the keyboard's scancodes copied to every reader that
// subscribed, as Linux's evdev gives each opener of an input node its own
// queue: a listener sees every byte published after it subscribed, and no
// listener takes bytes from another (nor from the console, which reads the
// device itself and publishes here; see keyboard_listeners.h).
//
// Each listener has its own ring of kRingBytes. A listener that falls behind
// loses the newest bytes, counted per listener, while the others and the
// publisher go on: the publisher is the console's reader thread and must
// never wait for a slow program. take() reports the loss since the previous
// take, so the reader's side can say so.
//
// The listeners live in a fixed table: publish() runs for every key and
// allocates nothing, and a listener's address stays valid from subscribe()
// to unsubscribe(). Portable, host-tested
// (tests/host/executive_scancode_fanout_test.cpp); waking sleeping readers
// is the caller's (keyboard_listeners.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/byte_ring.h"
#include "rtl/result.h"
#include "rtl/spinlock.h"

namespace executive {

class ScancodeFanout {
 public:
  static constexpr size_t kMaxListeners = 16;
  static constexpr uint32_t kRingBytes = 256;

  // One subscriber's queue, a slot of the table. Opaque to its holder.
  class Listener {
    friend class ScancodeFanout;
    bool subscribed_ = false;
    drivers::ByteRing<kRingBytes> ring_;
    uint64_t reported_losses_ = 0;  // of ring_.dropped(), already told by take()
  };

  struct Taken {
    size_t bytes = 0;
    uint64_t lost = 0;  // bytes dropped for this listener since its last take
  };

  // A new, empty listener; busy when the table is full.
  rtl::Result<Listener*> subscribe();
  // The slot becomes free; bytes still queued for it are discarded.
  void unsubscribe(Listener& listener);
  // Appends `bytes` to every listener's ring. True when some listener got
  // at least one of them (its reader may be asleep and need waking).
  bool publish(const uint8_t* bytes, size_t length);
  // Moves up to `length` of the listener's oldest bytes to `out`.
  Taken take(Listener& listener, uint8_t* out, size_t length);

  uint32_t pending(const Listener& listener) const;
  uint64_t dropped(const Listener& listener) const;  // since it subscribed
  size_t listener_count() const;

 private:
  struct Table {
    Listener slots[kMaxListeners];
  };
  // Every listener's ring and subscription; publish, take and unsubscribe
  // all hold it, so a slot never changes hands under a running publish.
  rtl::SpinlockProtected<Table> table_;
};

}  // namespace executive
