// The request ring's two sides and their sleep handshake
// (drivers/include/drivers/request_ring.h), interleaved step by step as the
// kernel and a server could interleave them.
#include <gtest/gtest.h>

#include <memory>

#include "drivers/request_ring.h"

using drivers::IoRequest;
using drivers::RequestRing;
using drivers::RequestRingConsumer;
using drivers::RequestRingProducer;

namespace {

IoRequest tagged(uint64_t tag) {
  IoRequest r;
  r.tag = tag;
  r.offset = tag * 4096;
  r.length = 4096;
  return r;
}

struct Ring {
  std::unique_ptr<RequestRing> shared = std::make_unique<RequestRing>();
  RequestRingProducer kernel{shared.get()};
  RequestRingConsumer server{shared.get()};
};

}  // namespace

TEST(RequestRing, ASleepingServerIsRungOnceForABurst) {
  Ring ring;
  ASSERT_TRUE(ring.server.prepare_to_sleep());  // nothing queued: it sleeps
  EXPECT_TRUE(ring.kernel.push(tagged(1)));     // the first request rings
  EXPECT_FALSE(ring.kernel.push(tagged(2)));    // the doorbell is on its way
  EXPECT_FALSE(ring.kernel.push(tagged(3)));
  ring.server.awake();
  EXPECT_FALSE(ring.server.empty());
  IoRequest taken;
  for (uint64_t tag = 1; tag <= 3; ++tag) {
    ASSERT_TRUE(ring.server.take(&taken));
    EXPECT_EQ(taken.tag, tag);
    EXPECT_EQ(taken.offset, tag * 4096);
  }
  EXPECT_TRUE(ring.server.empty());
  EXPECT_FALSE(ring.server.take(&taken));
}

TEST(RequestRing, ARunningServerIsNotRung) {
  Ring ring;
  ring.server.awake();
  EXPECT_FALSE(ring.kernel.push(tagged(1)));
  IoRequest taken;
  EXPECT_TRUE(ring.server.take(&taken));
}

TEST(RequestRing, ARequestQueuedWhileTheServerGoesToSleepIsNotMissed) {
  Ring ring;
  IoRequest taken;
  // The server found the ring empty and is about to sleep; the kernel
  // queues before the server announces it: no doorbell, so the server's
  // own check must see the entry and stay awake.
  EXPECT_FALSE(ring.server.take(&taken));
  EXPECT_FALSE(ring.kernel.push(tagged(7)));
  EXPECT_FALSE(ring.server.prepare_to_sleep());
  ASSERT_TRUE(ring.server.take(&taken));
  EXPECT_EQ(taken.tag, 7u);
  // And once it does sleep, the next request rings.
  EXPECT_TRUE(ring.server.prepare_to_sleep());
  EXPECT_TRUE(ring.kernel.push(tagged(8)));
}

TEST(RequestRing, WrapsAroundWithoutLosingOrder) {
  Ring ring;
  ring.server.awake();
  IoRequest taken;
  uint64_t next_taken = 0;
  for (uint64_t tag = 0; tag < 5 * RequestRing::kEntries; ++tag) {
    ring.kernel.push(tagged(tag));
    if (tag % 3 != 2) continue;
    while (ring.server.take(&taken)) EXPECT_EQ(taken.tag, next_taken++);
  }
  while (ring.server.take(&taken)) EXPECT_EQ(taken.tag, next_taken++);
  EXPECT_EQ(next_taken, 5 * RequestRing::kEntries);
}

TEST(RequestRing, TheKernelsCountIgnoresWhatTheServerWrites) {
  Ring ring;
  ring.kernel.push(tagged(1));
  ring.shared->produced = 1000;  // a server scribbling on the page
  ring.kernel.push(tagged(2));
  EXPECT_EQ(ring.kernel.produced(), 2u);
  EXPECT_EQ(ring.shared->produced, 2u);
  EXPECT_EQ(ring.shared->entries[1].tag, 2u);
}

// The server's half of the signal mailbox handshake (the kernel's half is
// microcore's raise_signals, tested with the IPC core).
TEST(RequestRingMailbox, RunningIsSaidApartFromAwake) {
  Ring ring;
  ring.server.awake();
  EXPECT_EQ(ring.shared->signals.running, 0u);  // the ring's idle word only
  ring.server.mark_running();
  EXPECT_EQ(ring.shared->signals.running, 1u);
  EXPECT_EQ(ring.server.take_signals(), 0u);  // nothing left: it may sleep
  EXPECT_EQ(ring.shared->signals.running, 0u);
}

TEST(RequestRingMailbox, BitsLeftWhileRunningAreTakenOnceAndKeepTheServerRunning) {
  Ring ring;
  ring.server.mark_running();
  __atomic_fetch_or(&ring.shared->signals.pending, 1u << 16, __ATOMIC_SEQ_CST);  // as the kernel
  EXPECT_EQ(ring.server.take_signals(), 1u << 16);
  EXPECT_EQ(ring.shared->signals.running, 1u);  // it handles them rather than sleep
  EXPECT_EQ(ring.shared->signals.pending, 0u);
  EXPECT_EQ(ring.server.take_signals(), 0u);
}

TEST(RequestRingMailbox, AServerWokenButNotYetRunningIsNotRungAgain) {
  Ring ring;
  ASSERT_TRUE(ring.server.prepare_to_sleep());
  __atomic_store_n(&ring.shared->signals.running, 1u, __ATOMIC_SEQ_CST);  // the kernel woke it
  EXPECT_FALSE(ring.kernel.push(tagged(1)));  // it looks at the ring before it sleeps
  ring.server.awake();
  ring.server.mark_running();
  EXPECT_EQ(ring.server.take_signals(), 0u);
  EXPECT_FALSE(ring.server.prepare_to_sleep());  // and finds the request
  IoRequest taken;
  ASSERT_TRUE(ring.server.take(&taken));
  EXPECT_EQ(taken.tag, 1u);
  // Asleep for real now: the next request rings.
  EXPECT_TRUE(ring.server.prepare_to_sleep());
  EXPECT_TRUE(ring.kernel.push(tagged(2)));
}
