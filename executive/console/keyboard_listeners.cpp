// Keyboard listeners (see keyboard_listeners.h): the kernel side of
// ScancodeFanout, where readers sleep and are woken.
//
// Sleeping follows the I/O manager's pattern: a reader looks at its ring
// with interrupts off and, finding it empty, blocks with them still off, so
// the publisher (a thread; this CPU runs one thing at a time) cannot publish
// and wake between the look and the sleep.
#include "executive/keyboard_listeners.h"

#include "microcore/personality.h"
#include "rtl/log.h"
#include "rtl/platform.h"
#include "rtl/rate_limit.h"

namespace executive::keyboard_listeners {
namespace {

constexpr uint64_t kLossLogIntervalNs = 5'000'000'000;
constexpr uint32_t kLossLogBurst = 5;

// The rings and their subscriptions, under the fan-out's own lock.
ScancodeFanout g_fanout;
// Where readers with empty rings sleep. One queue for all listeners: there
// are a handful at most, and each woken reader rechecks its own ring.
// Written once by attach(), before g_source: nobody can subscribe (and so
// be woken) before that.
microcore::WaitQueue* g_readers = nullptr;
io::DeviceObject* g_source = nullptr;  // written once by attach(), at boot
bool g_ended = false;                  // atomic: set by the dying reader thread
// Guards the limiter's own counters; the log line is printed after it.
rtl::SpinlockProtected<rtl::RateLimit> g_loss_log{kLossLogIntervalNs, kLossLogBurst};

void report_loss(uint64_t lost) {
  rtl::RateLimit::Decision decision =
      g_loss_log.with([](rtl::RateLimit& limit) { return limit.decide(microcore::now_ns()); });
  if (!decision.report) return;
  rtl::pr_warn(
      "keyboard: a listener fell behind and lost {} scancodes ({} such reports suppressed)", lost,
      decision.suppressed);
}

}  // namespace

rtl::Result<void> attach(io::DeviceObject& keyboard) {
  g_readers = TRY(microcore::create_wait_queue());
  g_source = &keyboard;
  return {};
}

io::DeviceObject* source() {
  return g_source;
}

void publish(const uint8_t* bytes, size_t length) {
  if (g_fanout.publish(bytes, length)) microcore::wake_waiters(*g_readers);
}

void source_ended() {
  __atomic_store_n(&g_ended, true, __ATOMIC_RELEASE);
  if (g_readers) microcore::wake_waiters(*g_readers);
}

rtl::Result<Listener*> subscribe() {
  if (!g_source) return rtl::Error(rtl::Errc::not_found, "no keyboard is shared with listeners");
  return g_fanout.subscribe();
}

void unsubscribe(Listener& listener) {
  g_fanout.unsubscribe(listener);
}

rtl::Result<size_t> read(Listener& listener, uint8_t* out, size_t length, bool nonblocking) {
  if (length == 0) return size_t{0};
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    ScancodeFanout::Taken taken = g_fanout.take(listener, out, length);
    if (taken.bytes || nonblocking || __atomic_load_n(&g_ended, __ATOMIC_ACQUIRE)) {
      rtl::platform::irq_restore(interrupts);
      if (taken.lost) report_loss(taken.lost);
      if (taken.bytes) return taken.bytes;
      if (nonblocking) return rtl::Error(rtl::Errc::would_block, "no scancode queued");
      return rtl::Error(rtl::Errc::no_device, "the keyboard's reader has stopped");
    }
    microcore::WaitOutcome outcome = microcore::wait_on(*g_readers, 0);
    rtl::platform::irq_restore(interrupts);
    if (taken.lost) report_loss(taken.lost);
    if (outcome == microcore::WaitOutcome::interrupted)
      return rtl::Error(rtl::Errc::interrupted, "interrupted while waiting for a key");
  }
}

bool readable(const Listener& listener) {
  return g_fanout.pending(listener) || __atomic_load_n(&g_ended, __ATOMIC_ACQUIRE);
}

microcore::WaitQueue* readers() {
  return g_readers;
}

}  // namespace executive::keyboard_listeners
