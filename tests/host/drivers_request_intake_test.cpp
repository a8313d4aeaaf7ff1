// A driver server's intake (drivers/include/drivers/request_intake.h): every
// queued request reaches the driver in order, and only a request no slot is
// left for is refused, whatever the kernel queues while the server works.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "drivers/request_intake.h"
#include "drivers/request_ring.h"

using drivers::IoRequest;

namespace {

// The kernel's and a server's sides of one ring. `push_after_look` queues
// a request right after the server's Nth look found the ring empty: the
// kernel ran in between, as a preempting client's submission does.
struct RingPair {
  std::unique_ptr<drivers::RequestRing> shared = std::make_unique<drivers::RequestRing>();
  drivers::RequestRingProducer kernel{shared.get()};
  drivers::RequestRingConsumer server{shared.get()};
  int empty_looks = 0;
  int push_after_look = -1;
  uint64_t late_tag = 0;

  bool request_waiting() {
    if (!server.empty()) return true;
    if (++empty_looks == push_after_look) kernel.push(tagged(late_tag));
    return false;
  }
  bool take_request(IoRequest* out) { return server.take(out); }

  static IoRequest tagged(uint64_t tag) {
    IoRequest request;
    request.tag = tag;
    request.length = 4096;
    return request;
  }
};

struct Slots {
  IoRequest slots[4];
  bool used[4] = {};
  IoRequest* take() {
    for (int i = 0; i < 4; ++i)
      if (!used[i]) {
        used[i] = true;
        return &slots[i];
      }
    return nullptr;
  }
};

struct Intake {
  RingPair ring;
  Slots slots;
  std::vector<uint64_t> submitted, refused;

  // Submissions keep their slot, as a driver holding a request does.
  void run() {
    drivers::take_queued_requests(
        ring, [&] { return slots.take(); }, [&](IoRequest& slot) { submitted.push_back(slot.tag); },
        [&](IoRequest& request) { refused.push_back(request.tag); });
  }
};

}  // namespace

TEST(RequestIntake, EveryQueuedRequestReachesTheDriverInOrder) {
  Intake intake;
  for (uint64_t tag = 1; tag <= 3; ++tag) intake.ring.kernel.push(RingPair::tagged(tag));
  intake.run();
  EXPECT_EQ(intake.submitted, (std::vector<uint64_t>{1, 2, 3}));
  EXPECT_TRUE(intake.refused.empty());
  EXPECT_TRUE(intake.ring.server.empty());
}

TEST(RequestIntake, ARequestQueuedAfterTheLastLookWaitsForTheNextPass) {
  Intake intake;
  intake.ring.kernel.push(RingPair::tagged(1));
  intake.ring.push_after_look = 1;  // the kernel queues tag 2 just after the server saw none
  intake.ring.late_tag = 2;
  intake.run();
  EXPECT_EQ(intake.submitted, (std::vector<uint64_t>{1}));
  EXPECT_TRUE(intake.refused.empty()) << "a request was refused for arriving late";
  EXPECT_FALSE(intake.ring.server.empty());
  intake.run();  // the server looks again before it sleeps
  EXPECT_EQ(intake.submitted, (std::vector<uint64_t>{1, 2}));
  EXPECT_TRUE(intake.refused.empty());
}

TEST(RequestIntake, OnlyARequestWithNoSlotLeftIsRefused) {
  Intake intake;
  for (uint64_t tag = 1; tag <= 6; ++tag) intake.ring.kernel.push(RingPair::tagged(tag));
  intake.run();
  EXPECT_EQ(intake.submitted, (std::vector<uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(intake.refused, (std::vector<uint64_t>{5, 6}));
  EXPECT_TRUE(intake.ring.server.empty());
}

TEST(RequestIntake, AFreedSlotIsUsedAgain) {
  Intake intake;
  for (uint64_t tag = 1; tag <= 4; ++tag) intake.ring.kernel.push(RingPair::tagged(tag));
  intake.run();
  intake.slots.used[2] = false;  // the driver completed tag 3
  intake.ring.kernel.push(RingPair::tagged(5));
  intake.run();
  EXPECT_EQ(intake.submitted, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(intake.refused.empty());
  EXPECT_EQ(intake.slots.slots[2].tag, 5u);
}
