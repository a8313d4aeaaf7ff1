// RequestSlots: every slot once, none when all are taken, a released slot
// taken again, and addresses that are not slots ignored.
#include <gtest/gtest.h>

#include <set>

#include "drivers/request_slots.h"

namespace {

using drivers::IoRequest;
using drivers::RequestSlots;

TEST(RequestSlots, HandsOutEachSlotOnceThenNone) {
  RequestSlots slots;
  std::set<IoRequest*> taken;
  for (int i = 0; i < RequestSlots::kSlots; ++i) {
    IoRequest* slot = slots.take();
    ASSERT_NE(slot, nullptr) << "slot " << i;
    EXPECT_TRUE(taken.insert(slot).second) << "slot handed out twice";
  }
  EXPECT_EQ(slots.take(), nullptr);
  EXPECT_EQ(slots.in_use(), RequestSlots::kSlots);
}

TEST(RequestSlots, ReleasedSlotIsTakenAgain) {
  RequestSlots slots;
  IoRequest* all[RequestSlots::kSlots];
  for (IoRequest*& slot : all) slot = slots.take();
  slots.release(*all[17]);
  slots.release(*all[3]);
  EXPECT_EQ(slots.in_use(), RequestSlots::kSlots - 2);
  IoRequest* first = slots.take();
  IoRequest* second = slots.take();
  EXPECT_EQ(std::set<IoRequest*>({first, second}), std::set<IoRequest*>({all[3], all[17]}));
  EXPECT_EQ(slots.take(), nullptr);
}

TEST(RequestSlots, IgnoresAddressesThatAreNotSlots) {
  RequestSlots slots;
  IoRequest* all[RequestSlots::kSlots];
  for (IoRequest*& slot : all) slot = slots.take();
  IoRequest outside;
  slots.release(outside);
  // Inside the table but not at a slot's start.
  slots.release(*reinterpret_cast<IoRequest*>(reinterpret_cast<char*>(all[5]) + 8));
  EXPECT_EQ(slots.take(), nullptr);
  EXPECT_EQ(slots.in_use(), RequestSlots::kSlots);
}

}  // namespace
