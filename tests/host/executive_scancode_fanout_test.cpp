// executive::ScancodeFanout: every listener gets its own copy of what is
// published after it subscribed; a full ring drops and counts newer bytes
// for that listener alone; unsubscribing frees the slot.
#include <gtest/gtest.h>

#include <vector>

#include "executive/scancode_fanout.h"

namespace {

using executive::ScancodeFanout;
using Listener = ScancodeFanout::Listener;

void publish(ScancodeFanout& fanout, const std::vector<uint8_t>& bytes) {
  fanout.publish(bytes.data(), bytes.size());
}

std::vector<uint8_t> drain(ScancodeFanout& fanout, Listener& listener, uint64_t* lost = nullptr) {
  std::vector<uint8_t> out(ScancodeFanout::kRingBytes * 2);
  ScancodeFanout::Taken taken = fanout.take(listener, out.data(), out.size());
  out.resize(taken.bytes);
  if (lost) *lost = taken.lost;
  return out;
}

Listener& subscribe(ScancodeFanout& fanout) {
  auto listener = fanout.subscribe();
  EXPECT_TRUE(listener.is_ok());
  return *listener.value();
}

// 'e' pressed and released, Enter pressed (set 1).
const std::vector<uint8_t> kTyped = {0x12, 0x92, 0x1c};

TEST(ScancodeFanout, EveryListenerGetsEveryByte) {
  ScancodeFanout fanout;
  Listener& first = subscribe(fanout);
  Listener& second = subscribe(fanout);
  EXPECT_NE(&first, &second);
  EXPECT_EQ(fanout.listener_count(), 2u);
  publish(fanout, kTyped);
  publish(fanout, {0x9c});
  EXPECT_EQ(fanout.pending(first), 4u);
  EXPECT_EQ(drain(fanout, first), (std::vector<uint8_t>{0x12, 0x92, 0x1c, 0x9c}));
  EXPECT_EQ(drain(fanout, second), (std::vector<uint8_t>{0x12, 0x92, 0x1c, 0x9c}));
  EXPECT_EQ(drain(fanout, first), std::vector<uint8_t>{});
}

TEST(ScancodeFanout, TakeMovesTheOldestBytesInOrder) {
  ScancodeFanout fanout;
  Listener& listener = subscribe(fanout);
  publish(fanout, kTyped);
  uint8_t one = 0;
  ScancodeFanout::Taken taken = fanout.take(listener, &one, 1);
  EXPECT_EQ(taken.bytes, 1u);
  EXPECT_EQ(one, 0x12);
  EXPECT_EQ(drain(fanout, listener), (std::vector<uint8_t>{0x92, 0x1c}));
}

TEST(ScancodeFanout, PublishSaysWhetherAnyoneGotBytes) {
  ScancodeFanout fanout;
  EXPECT_FALSE(fanout.publish(kTyped.data(), kTyped.size()));  // nobody listens
  Listener& listener = subscribe(fanout);
  EXPECT_TRUE(fanout.publish(kTyped.data(), kTyped.size()));
  std::vector<uint8_t> fill(ScancodeFanout::kRingBytes, 0x1e);
  fanout.publish(fill.data(), fill.size());
  EXPECT_FALSE(fanout.publish(kTyped.data(), kTyped.size()));  // full: nothing new to wake for
  EXPECT_EQ(fanout.pending(listener), ScancodeFanout::kRingBytes);
}

TEST(ScancodeFanout, LateListenerSeesOnlyLaterBytes) {
  ScancodeFanout fanout;
  Listener& early = subscribe(fanout);
  publish(fanout, kTyped);
  Listener& late = subscribe(fanout);
  EXPECT_EQ(fanout.pending(late), 0u);
  publish(fanout, {0x9c});
  EXPECT_EQ(drain(fanout, late), std::vector<uint8_t>{0x9c});
  EXPECT_EQ(drain(fanout, early), (std::vector<uint8_t>{0x12, 0x92, 0x1c, 0x9c}));
}

TEST(ScancodeFanout, OverflowDropsNewerBytesForThatListenerOnly) {
  ScancodeFanout fanout;
  Listener& slow = subscribe(fanout);
  Listener& quick = subscribe(fanout);
  std::vector<uint8_t> burst(ScancodeFanout::kRingBytes + 10);
  for (size_t i = 0; i < burst.size(); ++i) burst[i] = static_cast<uint8_t>(i);
  // The quick reader keeps up in two halves; the slow one reads at the end.
  std::vector<uint8_t> half1(burst.begin(), burst.begin() + 200),
      half2(burst.begin() + 200, burst.end());
  publish(fanout, half1);
  EXPECT_EQ(drain(fanout, quick), half1);
  publish(fanout, half2);
  EXPECT_EQ(drain(fanout, quick), half2);
  EXPECT_EQ(fanout.dropped(quick), 0u);

  uint64_t lost = 0;
  std::vector<uint8_t> got = drain(fanout, slow, &lost);
  // The oldest kRingBytes arrived in order; the 10 newest were dropped.
  EXPECT_EQ(got, std::vector<uint8_t>(burst.begin(), burst.begin() + ScancodeFanout::kRingBytes));
  EXPECT_EQ(lost, 10u);
  EXPECT_EQ(fanout.dropped(slow), 10u);
  // Told once: the next take reports no new loss, and the ring works again.
  publish(fanout, {0x9c});
  EXPECT_EQ(drain(fanout, slow, &lost), std::vector<uint8_t>{0x9c});
  EXPECT_EQ(lost, 0u);
  EXPECT_EQ(fanout.dropped(slow), 10u);
}

TEST(ScancodeFanout, UnsubscribeFreesTheSlotAndForgetsItsBytes) {
  ScancodeFanout fanout;
  Listener& leaving = subscribe(fanout);
  Listener& staying = subscribe(fanout);
  std::vector<uint8_t> fill(ScancodeFanout::kRingBytes + 5, 0x1e);
  publish(fanout, fill);
  fanout.unsubscribe(leaving);
  EXPECT_EQ(fanout.listener_count(), 1u);
  publish(fanout, kTyped);  // reaches only the remaining listener
  EXPECT_EQ(fanout.pending(staying), ScancodeFanout::kRingBytes);
  // The freed slot comes back empty, with no losses of its former owner.
  Listener& next = subscribe(fanout);
  EXPECT_EQ(&next, &leaving);
  EXPECT_EQ(fanout.pending(next), 0u);
  EXPECT_EQ(fanout.dropped(next), 0u);
  publish(fanout, {0x9c});
  EXPECT_EQ(drain(fanout, next), std::vector<uint8_t>{0x9c});
}

TEST(ScancodeFanout, TheTableIsFixed) {
  ScancodeFanout fanout;
  std::vector<Listener*> all;
  for (size_t i = 0; i < ScancodeFanout::kMaxListeners; ++i) all.push_back(&subscribe(fanout));
  auto refused = fanout.subscribe();
  ASSERT_TRUE(refused.is_error());
  EXPECT_EQ(refused.error().code(), rtl::Errc::busy);
  fanout.unsubscribe(*all[3]);
  auto again = fanout.subscribe();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again.value(), all[3]);
}

}  // namespace
