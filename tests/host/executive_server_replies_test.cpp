// The server host's reply checks (executive/io/server_replies.cpp).
#include <gtest/gtest.h>

#include <memory>

#include "../../executive/io/server_replies.h"

using namespace executive::io;
using drivers::IoOperation;
using drivers::IoRequest;

namespace {

IoRequest request(uint64_t tag, uint32_t length = 4096) {
  IoRequest r;
  r.tag = tag;
  r.operation = IoOperation::read;
  r.offset = 8192;
  r.length = length;
  r.buffer = 65536;
  return r;
}

IoRequest answered(IoRequest r, int32_t status, uint32_t transferred) {
  r.status = status;
  r.transferred = transferred;
  return r;
}

}  // namespace

TEST(ServerReplies, AcceptsACompletionOfARecordedRequestOnce) {
  RequestLedger ledger;
  ASSERT_TRUE(ledger.record(request(0x105), 1000));
  EXPECT_EQ(ledger.outstanding(), 1u);
  EXPECT_EQ(ledger.oldest_ns(), 1000u);
  IoRequest reply = answered(request(0x105), drivers::kIoOk, 4096);
  EXPECT_EQ(ledger.accept(reply), ReplyVerdict::ok);
  EXPECT_EQ(ledger.outstanding(), 0u);
  EXPECT_EQ(ledger.oldest_ns(), 0u);
  // The same completion again answers nothing outstanding.
  EXPECT_EQ(ledger.accept(reply), ReplyVerdict::unknown_tag);
}

TEST(ServerReplies, RefusesWhatCannotBeRight) {
  RequestLedger ledger;
  ASSERT_TRUE(ledger.record(request(7), 5));
  IoRequest unknown = answered(request(8), 0, 0);
  EXPECT_EQ(ledger.accept(unknown), ReplyVerdict::unknown_tag);
  IoRequest stale = answered(request(0x100 | 7), 0, 0);  // slot 7, an older generation
  EXPECT_EQ(ledger.accept(stale), ReplyVerdict::unknown_tag);
  IoRequest nowhere = answered(request(0xff), 0, 0);
  EXPECT_EQ(ledger.accept(nowhere), ReplyVerdict::unknown_tag);
  IoRequest altered = answered(request(7), 0, 0);
  altered.offset = 0;  // a server may not redirect the request
  EXPECT_EQ(ledger.accept(altered), ReplyVerdict::altered);
  IoRequest positive = answered(request(7), 12, 0);
  EXPECT_EQ(ledger.accept(positive), ReplyVerdict::bad_status);
  IoRequest huge = answered(request(7), -100000, 0);
  EXPECT_EQ(ledger.accept(huge), ReplyVerdict::bad_status);
  IoRequest overlong = answered(request(7), 0, 4097);
  EXPECT_EQ(ledger.accept(overlong), ReplyVerdict::bad_length);
  IoRequest fine = answered(request(7), drivers::kIoError, 0);
  // None of the refusals consumed the request.
  EXPECT_EQ(ledger.outstanding(), 1u);
  EXPECT_EQ(ledger.accept(fine), ReplyVerdict::ok);
}

TEST(ServerReplies, LedgerIsBoundedAndRefusesDuplicateTags) {
  RequestLedger ledger;
  for (uint64_t i = 0; i < RequestLedger::kCapacity; ++i)
    ASSERT_TRUE(ledger.record(request(i), 100 + i));
  EXPECT_FALSE(ledger.record(request(RequestLedger::kCapacity), 1));  // names no slot
  EXPECT_FALSE(ledger.record(request(0x200 | 5), 1));                 // slot 5 is busy
  EXPECT_EQ(ledger.outstanding(), RequestLedger::kCapacity);
  EXPECT_EQ(ledger.oldest_ns(), 100u);
  ledger.clear();
  EXPECT_EQ(ledger.outstanding(), 0u);
  ASSERT_TRUE(ledger.record(request(3), 1));
  EXPECT_FALSE(ledger.record(request(3), 2));
}

TEST(ServerReplies, StartedAndStoppedBodiesAreChecked) {
  drivers::protocol::StartedBody started{};
  started.status = 0;
  started.geometry = {1 << 20, 512};
  drivers::protocol::StartedBody out;
  EXPECT_EQ(check_started(&started, sizeof started, &out), ReplyVerdict::ok);
  EXPECT_EQ(out.geometry.block_size, 512u);
  EXPECT_EQ(check_started(&started, sizeof started + 4, &out), ReplyVerdict::wrong_size);
  started.geometry = {1000, 512};
  EXPECT_EQ(check_started(&started, sizeof started, &out), ReplyVerdict::bad_geometry);
  started.geometry = {3 * 768, 768};
  EXPECT_EQ(check_started(&started, sizeof started, &out), ReplyVerdict::bad_geometry);

  drivers::SavedState state;
  state.size = 16;
  drivers::SavedState saved;
  EXPECT_EQ(check_stopped(&state, sizeof state, &saved), ReplyVerdict::ok);
  EXPECT_EQ(saved.size, 16u);
  state.size = drivers::SavedState::kCapacity + 1;
  EXPECT_EQ(check_stopped(&state, sizeof state, &saved), ReplyVerdict::bad_state);
}

TEST(ServerReplies, ParkedRequestsAreNotTimedButStillCompleteOnce) {
  RequestLedger ledger;
  ASSERT_TRUE(ledger.record(request(0x201), 100));
  ASSERT_TRUE(ledger.record(request(0x302), 200));
  drivers::protocol::ParkedBody parked{0x201};
  EXPECT_EQ(ledger.park(&parked, sizeof parked), ReplyVerdict::ok);
  EXPECT_EQ(ledger.oldest_ns(), 200u);  // the watchdog times only the other one
  parked.tag = 0x302;
  EXPECT_EQ(ledger.park(&parked, sizeof parked), ReplyVerdict::ok);
  EXPECT_EQ(ledger.oldest_ns(), 0u);
  EXPECT_EQ(ledger.outstanding(), 2u);
  // Handed back for a switch: a negative errno like any other.
  IoRequest reply = answered(request(0x201), drivers::kIoCancelled, 0);
  EXPECT_EQ(ledger.accept(reply), ReplyVerdict::ok);
  // A slot reused by a fresh request is timed again.
  ASSERT_TRUE(ledger.record(request(0x401), 300));
  EXPECT_EQ(ledger.oldest_ns(), 300u);
}

TEST(ServerReplies, RefusesParkingWhatItNeverHanded) {
  RequestLedger ledger;
  ASSERT_TRUE(ledger.record(request(9), 100));
  drivers::protocol::ParkedBody parked{10};
  EXPECT_EQ(ledger.park(&parked, sizeof parked), ReplyVerdict::unknown_tag);
  EXPECT_EQ(ledger.park(&parked, sizeof parked - 1), ReplyVerdict::wrong_size);
  EXPECT_EQ(ledger.oldest_ns(), 100u);
}

// Completions as the server publishes them: in the request ring's page.
struct Published {
  std::unique_ptr<drivers::RequestRing> page = std::make_unique<drivers::RequestRing>();
  drivers::RequestRingProducer kernel{page.get()};
  drivers::RequestRingConsumer server{page.get()};
};

TEST(ServerReplies, AcceptsPublishedCompletionsInOrderOnce) {
  RequestLedger ledger;
  Published ring;
  for (uint64_t slot = 0; slot < 3; ++slot)
    ASSERT_TRUE(ledger.record(request(0x100 + slot), 10 + slot));
  ring.server.complete(answered(request(0x102), drivers::kIoOk, 4096));
  ring.server.complete(answered(request(0x100), drivers::kIoError, 0));
  ring.server.complete(answered(request(0x101), drivers::kIoOk, 512));
  uint64_t order[3] = {};
  size_t seen = 0;
  auto record = [&](const IoRequest& done) { order[seen++] = done.tag; };
  EXPECT_EQ(ledger.accept_completions(ring.kernel, record), ReplyVerdict::ok);
  ASSERT_EQ(seen, 3u);
  EXPECT_EQ(order[0], 0x102u);
  EXPECT_EQ(order[1], 0x100u);
  EXPECT_EQ(order[2], 0x101u);
  EXPECT_EQ(ledger.outstanding(), 0u);
  // Taken: looking again finds nothing new.
  EXPECT_EQ(ledger.accept_completions(ring.kernel, record), ReplyVerdict::ok);
  EXPECT_EQ(seen, 3u);
}

TEST(ServerReplies, ABadCompletionStopsTheTakingAndKeepsWhatCameBefore) {
  RequestLedger ledger;
  Published ring;
  ASSERT_TRUE(ledger.record(request(0x100), 1));
  ASSERT_TRUE(ledger.record(request(0x101), 1));
  ASSERT_TRUE(ledger.record(request(0x102), 1));
  ring.server.complete(answered(request(0x100), drivers::kIoOk, 4096));
  ring.server.complete(answered(request(0x107), drivers::kIoOk, 4096));  // never handed over
  ring.server.complete(answered(request(0x101), drivers::kIoOk, 4096));
  size_t seen = 0;
  auto count = [&](const IoRequest&) { ++seen; };
  EXPECT_EQ(ledger.accept_completions(ring.kernel, count), ReplyVerdict::unknown_tag);
  EXPECT_EQ(seen, 1u);
  EXPECT_EQ(ledger.outstanding(), 2u);  // 0x101 and 0x102 still wait
}

TEST(ServerReplies, AScribbledCountIsRefusedBeforeAnyEntryIsRead) {
  RequestLedger ledger;
  Published ring;
  ASSERT_TRUE(ledger.record(request(0x100), 1));
  ring.server.complete(answered(request(0x100), drivers::kIoOk, 4096));
  ring.page->completed = 1000;  // more than the one request outstanding
  size_t seen = 0;
  auto count = [&](const IoRequest&) { ++seen; };
  EXPECT_EQ(ledger.accept_completions(ring.kernel, count), ReplyVerdict::too_many);
  EXPECT_EQ(seen, 0u);
  EXPECT_EQ(ledger.outstanding(), 1u);
}

TEST(ServerReplies, AnEntryIsJudgedAsCopiedNotAsTheServerRewritesIt) {
  RequestLedger ledger;
  Published ring;
  ASSERT_TRUE(ledger.record(request(0x100), 1));
  ring.server.complete(answered(request(0x100), drivers::kIoOk, 4096));
  IoRequest taken = ring.kernel.take_completion();
  ring.page->done[0].offset = 0;  // too late: the kernel judges its copy
  EXPECT_EQ(ledger.accept(taken), ReplyVerdict::ok);
  EXPECT_EQ(taken.offset, 8192u);
}

TEST(ServerReplies, TheWatchdogTimesRequestsRecordedWithoutATimeFromItsFirstLook) {
  RequestLedger ledger;
  ASSERT_TRUE(ledger.record(request(0x100), 0));
  EXPECT_EQ(ledger.oldest_ns(), 0u);  // not timed yet
  ledger.stamp_unseen(5000);
  EXPECT_EQ(ledger.oldest_ns(), 5000u);
  ASSERT_TRUE(ledger.record(request(0x101), 0));
  ledger.stamp_unseen(9000);  // stamps only the new one
  EXPECT_EQ(ledger.oldest_ns(), 5000u);
  IoRequest reply = answered(request(0x100), drivers::kIoOk, 4096);
  ASSERT_EQ(ledger.accept(reply), ReplyVerdict::ok);
  EXPECT_EQ(ledger.oldest_ns(), 9000u);
}
