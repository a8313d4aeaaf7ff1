// RequestRing: how the server host hands requests to a driver server and
// takes back their completions, in a page both map
// (drivers/server_protocol.h), like a virtqueue's available and used rings:
// the kernel writes requests and a count, the server reads them; the server
// writes completions and a count, the kernel reads them.
//
// Why a ring and not one message per request: with many requests in flight
// the server would take one message, one receive and one wakeup for each.
// With the ring, a request costs a store and the server takes every request
// queued since it last looked in one sweep, so a burst of 32 costs one
// wakeup. A port signal (kDoorbellSignal) is raised only when the server said it is
// about to sleep.
//
// The sleep handshake is Dekker's: each side stores, fences, then loads the
// other side's word.
//   kernel: write entry; produced += 1; fence; if idle and not running:
//           idle = 0, signal
//   server: running = 0; fence; ...; idle = 1; fence;
//           if consumed != produced: idle = 0, take them;
//           else sleep in mach_msg (a signal raised meanwhile waits there)
// Either the kernel sees idle and rings, or the server sees the entry.
// `running` is the mailbox's word (below): a server that still says it, or
// that the kernel woke and said it for, will look at the ring before it
// sleeps, so `idle` left over from its last sleep needs no doorbell (the
// kernel read running = 1 before the server's running = 0, so the server's
// later load of `produced` sees the entry).
//
// Completions need no message: the kernel takes them when the server next
// enters a receive on its request port (the port's receive hook, see
// executive/io/server_backend.cpp), which it does before it sleeps and
// before it can be told anything new. So finishing a burst costs the server
// one store per request and no trap of its own; the receive it was going to
// make anyway carries the news, as kComplete messages did before.
//
// Trust: the server can write anything on its side of the page. The kernel
// keeps its own count of what it produced, never reads an entry back and
// reads only `idle` and `running`, which can at worst make it ring too often
// or not at all (then the watchdog finds the requests unanswered). Entries are only
// overwritten once the request they held was completed: the kernel has at
// most kEntries requests outstanding. Completions are copied out of the page
// before they are judged, and the server's `completed` count is believed
// only as far as the kernel has requests outstanding (RequestLedger).
#pragma once

#include <cstdint>

#include "drivers/io_request.h"

namespace drivers {

// The microcore's signal mailbox (amphi_signal_mailbox_t in
// microcore/abi/message.h, whose comment gives the handshake), spelled here
// because driver code does not see microcore headers; the server backend
// checks that the two layouts agree. The kernel attaches it to the
// server's request port: an interrupt that fires while the server works is
// left here, and the server takes it before it sleeps instead of receiving
// it in one more trap.
struct SignalMailbox {
  uint32_t pending;
  uint32_t running;
};

struct RequestRing {
  static constexpr uint32_t kEntries = 32;  // the device object's slots

  // Kernel-written.
  alignas(64) uint32_t produced;
  // Server-written.
  alignas(64) uint32_t consumed;
  uint32_t idle;  // 1: the server is going to sleep; the kernel clears it when it rings
  // Both: the port signals raised while the server ran.
  alignas(64) SignalMailbox signals;
  alignas(64) IoRequest entries[kEntries];
  // Server-written: completions, in the order the driver finished them.
  alignas(64) uint32_t completed;
  alignas(64) IoRequest done[kEntries];
};

// The kernel's side. `produced_` is its own count; the shared copy is only
// published from it.
class RequestRingProducer {
 public:
  explicit RequestRingProducer(RequestRing* ring = nullptr) : ring_(ring) {}

  // Queues `request`; true when the server must be rung (it is asleep or
  // about to be). The caller serializes calls.
  bool push(const IoRequest& request) {
    ring_->entries[produced_ % RequestRing::kEntries] = request;
    ++produced_;
    __atomic_store_n(&ring_->produced, produced_, __ATOMIC_RELEASE);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&ring_->idle, __ATOMIC_RELAXED)) return false;
    if (__atomic_load_n(&ring_->signals.running, __ATOMIC_RELAXED)) return false;
    __atomic_store_n(&ring_->idle, 0u, __ATOMIC_RELAXED);
    return true;
  }
  uint32_t produced() const { return produced_; }

  // How many completions the server published that the kernel has not
  // taken: anything the server wrote, so the caller bounds it.
  uint32_t completions_waiting() const {
    return __atomic_load_n(&ring_->completed, __ATOMIC_ACQUIRE) - reaped_;
  }
  // The oldest of them, copied out of the page so the server cannot change
  // it while it is judged; then taken.
  IoRequest take_completion() {
    IoRequest copy = ring_->done[reaped_ % RequestRing::kEntries];
    ++reaped_;
    return copy;
  }

 private:
  RequestRing* ring_;
  uint32_t produced_ = 0;
  uint32_t reaped_ = 0;
};

// The server's side.
class RequestRingConsumer {
 public:
  explicit RequestRingConsumer(RequestRing* ring = nullptr) : ring_(ring) {}

  bool attached() const { return ring_ != nullptr; }
  bool empty() const {
    return ring_->consumed == __atomic_load_n(&ring_->produced, __ATOMIC_ACQUIRE);
  }
  // The next request the kernel queued, copied out; false when none waits.
  bool take(IoRequest* out) {
    uint32_t consumed = ring_->consumed;
    if (consumed == __atomic_load_n(&ring_->produced, __ATOMIC_ACQUIRE)) return false;
    *out = ring_->entries[consumed % RequestRing::kEntries];
    __atomic_store_n(&ring_->consumed, consumed + 1, __ATOMIC_RELEASE);
    return true;
  }
  // Before sleeping: true when the server may sleep (the kernel will ring
  // for anything queued from now on); false when requests came meanwhile.
  bool prepare_to_sleep() {
    __atomic_store_n(&ring_->idle, 1u, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (ring_->consumed == __atomic_load_n(&ring_->produced, __ATOMIC_ACQUIRE)) return true;
    __atomic_store_n(&ring_->idle, 0u, __ATOMIC_RELAXED);
    return false;
  }
  // Awake again: the kernel need not ring while the server is running.
  void awake() { __atomic_store_n(&ring_->idle, 0u, __ATOMIC_RELAXED); }
  // Publishes a completion; the kernel takes it at the server's next
  // receive. At most kEntries wait: the kernel had no more outstanding.
  void complete(const IoRequest& request) {
    uint32_t completed = ring_->completed;
    ring_->done[completed % RequestRing::kEntries] = request;
    __atomic_store_n(&ring_->completed, completed + 1, __ATOMIC_RELEASE);
  }
  // The server's half of the mailbox handshake, kept by every server (the
  // kernel attaches the mailbox to a bus device's port, and then says
  // "running" for a server it wakes): say "running" when awake; before
  // sleeping, stop saying it and take what was left. If anything was, say
  // "running" again: the caller handles the bits instead of sleeping.
  void mark_running() { __atomic_store_n(&ring_->signals.running, 1u, __ATOMIC_RELAXED); }
  uint32_t take_signals() {
    SignalMailbox& mailbox = ring_->signals;
    __atomic_store_n(&mailbox.running, 0u, __ATOMIC_SEQ_CST);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    uint32_t bits = __atomic_exchange_n(&mailbox.pending, 0u, __ATOMIC_SEQ_CST);
    if (bits) mark_running();
    return bits;
  }

 private:
  RequestRing* ring_;
};

}  // namespace drivers
