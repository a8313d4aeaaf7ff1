// Spinlock: mutual exclusion across threads, and interrupt state saved on
// lock and restored on unlock (the hosted platform simulates the IF flag).
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "rtl/hosted.h"
#include "rtl/spinlock.h"

namespace {

TEST(RtlSpinlock, LockDisablesAndUnlockRestoresInterrupts) {
  rtl::Spinlock lock;
  ASSERT_TRUE(rtl::hosted::interrupts_enabled());
  lock.lock();
  EXPECT_TRUE(lock.is_locked());
  EXPECT_FALSE(rtl::hosted::interrupts_enabled());
  lock.unlock();
  EXPECT_FALSE(lock.is_locked());
  EXPECT_TRUE(rtl::hosted::interrupts_enabled());
}

TEST(RtlSpinlock, NestedLocksRestoreInOrder) {
  rtl::Spinlock outer, inner;
  {
    rtl::SpinlockGuard hold_outer(outer);
    {
      rtl::SpinlockGuard hold_inner(inner);
      EXPECT_FALSE(rtl::hosted::interrupts_enabled());
    }
    // Releasing the inner lock must not turn interrupts back on early.
    EXPECT_FALSE(rtl::hosted::interrupts_enabled());
    EXPECT_TRUE(outer.is_locked());
    EXPECT_FALSE(inner.is_locked());
  }
  EXPECT_TRUE(rtl::hosted::interrupts_enabled());
}

TEST(RtlSpinlock, LockTakenWithInterruptsOffLeavesThemOff) {
  rtl::Spinlock lock;
  rtl::platform::IrqState state = rtl::platform::irq_save();
  {
    rtl::SpinlockGuard guard(lock);
  }
  EXPECT_FALSE(rtl::hosted::interrupts_enabled());
  rtl::platform::irq_restore(state);
  EXPECT_TRUE(rtl::hosted::interrupts_enabled());
}

TEST(RtlSpinlock, ProtectedCounterIsExactUnderContention) {
  constexpr int kPerThread = 100000;
  rtl::SpinlockProtected<long> counter(0);
  // Both threads start together, so their increments really do interleave.
  std::atomic<int> ready{0};
  auto work = [&] {
    ready.fetch_add(1);
    while (ready.load() < 2) {
    }
    for (int i = 0; i < kPerThread; ++i) {
      counter.with([](long& value) {
        // A read-modify-write with a window in it: without mutual exclusion
        // the other thread's updates land in the window and are lost.
        long seen = value;
        for (int delay = 0; delay < 64; ++delay) asm volatile("" ::: "memory");
        value = seen + 1;
      });
    }
  };
  std::thread first(work), second(work);
  first.join();
  second.join();
  EXPECT_EQ(counter.with([](long& value) { return value; }), 2L * kPerThread);
}

TEST(RtlSpinlock, ProtectedLockGuardHoldsForItsScope) {
  struct Stats {
    int hits = 0;
    int misses = 0;
  };
  rtl::SpinlockProtected<Stats> stats;
  {
    auto locked = stats.lock();
    EXPECT_TRUE(stats.is_locked());
    EXPECT_FALSE(rtl::hosted::interrupts_enabled());
    locked->hits = 3;
    (*locked).misses = 1;
  }
  EXPECT_FALSE(stats.is_locked());
  EXPECT_TRUE(rtl::hosted::interrupts_enabled());
  int total = stats.with([](Stats& value) { return value.hits + value.misses; });
  EXPECT_EQ(total, 4);
  const auto& read_only = stats;
  EXPECT_EQ(read_only.lock()->hits, 3);
  EXPECT_EQ(read_only.with([](const Stats& value) { return value.misses; }), 1);
}

TEST(RtlSpinlock, WithReturnsVoidAndReleasesTheLock) {
  rtl::SpinlockProtected<std::vector<int>> values;
  values.with([](std::vector<int>& v) { v.push_back(7); });
  EXPECT_FALSE(values.is_locked());
  EXPECT_EQ(values.with([](std::vector<int>& v) { return v.size(); }), 1u);
}

}  // namespace
