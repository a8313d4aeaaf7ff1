// IPC core: mach_msg copyin validation codes, all-or-nothing copyin, OOL
// memory, and allocation failure at every step (copyin.cpp, copyout.cpp).
#include "microcore_ipc_test_support.h"

using namespace ipc_test;

namespace {

struct Sender {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  mach_port_name_t other = new_receive(space);
  Sender() {
    mach_port_name_t out;
    EXPECT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
  }
  mach_msg_return_t try_copyin(Msg& m, const OolHooks& hooks = no_ool()) {
    return try_copyin(m.bytes.data(), m.bytes.size(), hooks);
  }
  mach_msg_return_t try_copyin(const uint8_t* bytes, size_t size, const OolHooks& hooks = no_ool()) {
    CopyinResult r = copyin(space, bytes, size, hooks);
    destroy_message(r.message);
    return r.code;
  }
};

}  // namespace

TEST(IpcCopyin, MalformedHeaders) {
  Sender s;
  Msg ok(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(ok), MACH_MSG_SUCCESS);
  EXPECT_EQ(s.try_copyin(ok.bytes.data(), 20), MACH_SEND_MSG_TOO_SMALL);
  EXPECT_EQ(s.try_copyin(ok.bytes.data(), 0), MACH_SEND_MSG_TOO_SMALL);
  Msg odd(s.rcv, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 1);
  odd.bytes.push_back(0);
  odd.fix_size();
  EXPECT_EQ(s.try_copyin(odd), MACH_SEND_MSG_TOO_SMALL);
  std::vector<uint8_t> huge(AMPHI_MSG_MAX_INLINE + 4);
  std::memcpy(huge.data(), ok.bytes.data(), 24);
  reinterpret_cast<mach_msg_header_t*>(huge.data())->msgh_size = mach_msg_size_t(huge.size());
  EXPECT_EQ(s.try_copyin(huge.data(), huge.size()), MACH_SEND_TOO_LARGE);
  Msg size_mismatch(s.rcv, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1, 2);
  size_mismatch.header().msgh_size = 24;
  EXPECT_EQ(s.try_copyin(size_mismatch), MACH_SEND_INVALID_HEADER);
  Msg bits(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bits.header().msgh_bits |= 0x00100000;
  EXPECT_EQ(s.try_copyin(bits), MACH_SEND_INVALID_HEADER);
  Msg voucher(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  voucher.header().msgh_voucher_port = s.rcv;
  EXPECT_EQ(s.try_copyin(voucher), MACH_SEND_INVALID_HEADER);
  Msg bad_dest_type(s.rcv, MACH_MSG_TYPE_MOVE_RECEIVE);
  EXPECT_EQ(s.try_copyin(bad_dest_type), MACH_SEND_INVALID_HEADER);
  Msg zero_dest_type(s.rcv, 0);
  EXPECT_EQ(s.try_copyin(zero_dest_type), MACH_SEND_INVALID_HEADER);
  Msg reply_name_without_type(s.rcv, MACH_MSG_TYPE_COPY_SEND, s.other, 0);
  EXPECT_EQ(s.try_copyin(reply_name_without_type), MACH_SEND_INVALID_HEADER);
  Msg bad_reply_type(s.rcv, MACH_MSG_TYPE_COPY_SEND, s.other, MACH_MSG_TYPE_MOVE_RECEIVE);
  EXPECT_EQ(s.try_copyin(bad_reply_type), MACH_SEND_INVALID_HEADER);
}

TEST(IpcCopyin, InvalidDestinationsAndReplies) {
  Sender s;
  Msg null_dest(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(null_dest), MACH_SEND_INVALID_DEST);
  Msg dead_dest(MACH_PORT_DEAD, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(dead_dest), MACH_SEND_INVALID_DEST);
  Msg unknown(0x00abcdef, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(unknown), MACH_SEND_INVALID_DEST);
  Msg not_held(s.other, MACH_MSG_TYPE_COPY_SEND);  // receive only, no send right
  EXPECT_EQ(s.try_copyin(not_held), MACH_SEND_INVALID_DEST);
  Msg not_so(s.rcv, MACH_MSG_TYPE_MOVE_SEND_ONCE);
  EXPECT_EQ(s.try_copyin(not_so), MACH_SEND_INVALID_DEST);
  mach_port_name_t set;
  ASSERT_EQ(s.space.allocate_port_set(&set), KERN_SUCCESS);
  Msg to_set(set, MACH_MSG_TYPE_MAKE_SEND);
  EXPECT_EQ(s.try_copyin(to_set), MACH_SEND_INVALID_DEST);
  Msg bad_reply(s.rcv, MACH_MSG_TYPE_COPY_SEND, 0x00abcdef, MACH_MSG_TYPE_MAKE_SEND_ONCE);
  EXPECT_EQ(s.try_copyin(bad_reply), MACH_SEND_INVALID_REPLY);
  Msg reply_not_held(s.rcv, MACH_MSG_TYPE_COPY_SEND, s.other, MACH_MSG_TYPE_MOVE_SEND);
  EXPECT_EQ(s.try_copyin(reply_not_held), MACH_SEND_INVALID_REPLY);
  // Moving the only uref twice: the second use fails, and nothing moved.
  Msg twice(s.rcv, MACH_MSG_TYPE_MOVE_SEND, s.rcv, MACH_MSG_TYPE_MOVE_SEND);
  EXPECT_EQ(s.try_copyin(twice), MACH_SEND_INVALID_REPLY);
  EXPECT_EQ(info(s.space, s.rcv).urefs, 1u);
  EXPECT_EQ(info(s.space, s.rcv).port->srights, 1u);
}

TEST(IpcCopyin, MalformedBodies) {
  Sender s;
  Msg no_body(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  no_body.header().msgh_bits |= MACH_MSGH_BITS_COMPLEX;
  EXPECT_EQ(s.try_copyin(no_body), MACH_SEND_MSG_TOO_SMALL);
  Msg short_body(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  short_body.body(2);
  short_body.port(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(short_body), MACH_SEND_MSG_TOO_SMALL);
  Msg too_many(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  too_many.body(AMPHI_MSG_MAX_DESCRIPTORS + 1);
  for (uint32_t i = 0; i <= AMPHI_MSG_MAX_DESCRIPTORS; ++i) too_many.port(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(too_many), MACH_SEND_TOO_LARGE);
  Msg absurd(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  absurd.body(0xffffffffu);
  EXPECT_EQ(s.try_copyin(absurd), MACH_SEND_TOO_LARGE);
  Msg bad_type(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bad_type.body(1);
  bad_type.port(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bad_type.bytes[28 + 11] = 7;
  EXPECT_EQ(s.try_copyin(bad_type), MACH_SEND_INVALID_TYPE);
  Msg bad_disposition(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bad_disposition.body(1);
  bad_disposition.port(s.rcv, 3);
  EXPECT_EQ(s.try_copyin(bad_disposition), MACH_SEND_INVALID_TYPE);
  Msg bad_copy(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bad_copy.body(1);
  bad_copy.ool(0x1000, 16, false, 9);
  EXPECT_EQ(s.try_copyin(bad_copy), MACH_SEND_INVALID_TYPE);
  Msg big_ool(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  big_ool.body(1);
  big_ool.ool(0x1000, AMPHI_MSG_MAX_OOL + 1);
  EXPECT_EQ(s.try_copyin(big_ool), MACH_SEND_TOO_LARGE);
  Msg right_not_held(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  right_not_held.body(1);
  right_not_held.port(s.other, MACH_MSG_TYPE_MOVE_SEND);
  EXPECT_EQ(s.try_copyin(right_not_held), MACH_SEND_INVALID_RIGHT);
  Msg bad_name(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  bad_name.body(1);
  bad_name.port(0x00777777, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(s.try_copyin(bad_name), MACH_SEND_INVALID_RIGHT);
  Msg self_receive(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  self_receive.body(1);
  self_receive.port(s.rcv, MACH_MSG_TYPE_MOVE_RECEIVE);
  EXPECT_EQ(s.try_copyin(self_receive), MACH_SEND_INVALID_RIGHT);
  // MAKE_SEND after MOVE_RECEIVE of the same name fails (sequential rule).
  Msg make_after_move(s.rcv, MACH_MSG_TYPE_COPY_SEND);
  make_after_move.body(2);
  make_after_move.port(s.other, MACH_MSG_TYPE_MOVE_RECEIVE);
  make_after_move.port(s.other, MACH_MSG_TYPE_MAKE_SEND);
  EXPECT_EQ(s.try_copyin(make_after_move), MACH_SEND_INVALID_RIGHT);
  EXPECT_EQ(info(s.space, s.other).bits, uint32_t(RightReceive));  // untouched
  EXPECT_FALSE(info(s.space, s.other).port->in_transit);
}

TEST(IpcCopyin, OolRoundTripAndDeallocateAfterSuccessOnly) {
  HeapScope heap;
  {
    Sender s;
    FakeVm vm;
    Msg m(s.rcv, MACH_MSG_TYPE_COPY_SEND);
    m.body(3);
    m.ool(0x5000, 100, /*deallocate=*/true);
    m.ool(0x9000, 0);
    m.port(s.other, MACH_MSG_TYPE_MAKE_SEND);
    ASSERT_EQ(send_msg(s.space, m, vm.hooks()), MACH_MSG_SUCCESS);
    ASSERT_EQ(vm.deallocated.size(), 1u);
    EXPECT_EQ(vm.deallocated[0], std::make_pair(uint64_t(0x5000), uint64_t(100)));
    EXPECT_EQ(FakeVm::live.size(), 1u);
    Received r = recv_msg(s.space, s.rcv, vm.hooks());
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.ool(0).size, 100u);
    EXPECT_EQ(r.ool(0).address, 0x10000000 + vm.copied_out.at(0) * 0x1000);
    EXPECT_EQ(r.ool(1).address, 0u);
    EXPECT_EQ(r.port(2).name, s.other);  // merged with the receive right's name
    EXPECT_EQ(info(s.space, s.other).bits, uint32_t(RightReceive | RightSend));
    EXPECT_TRUE(FakeVm::live.empty());
    s.space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcCopyin, OolCopyinFailureLeavesSenderUntouched) {
  HeapScope heap;
  {
    Sender s;
    mach_port_name_t so;
    ASSERT_EQ(s.space.insert_right(s.other, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so), KERN_SUCCESS);
    FakeVm vm;
    vm.fail_copyin_at = 1;  // the second region fails
    Msg m(s.rcv, MACH_MSG_TYPE_MOVE_SEND, so, MACH_MSG_TYPE_MOVE_SEND_ONCE);
    m.body(3);
    m.ool(0x5000, 100, true);
    m.ool(0x8000, 100, true);
    m.port(s.other, MACH_MSG_TYPE_MOVE_RECEIVE);
    EXPECT_EQ(s.try_copyin(m, vm.hooks()), MACH_SEND_INVALID_MEMORY);
    EXPECT_TRUE(vm.deallocated.empty());
    EXPECT_TRUE(FakeVm::live.empty());  // the first region was discarded
    EXPECT_EQ(info(s.space, s.rcv).urefs, 1u);
    EXPECT_EQ(info(s.space, so).bits, uint32_t(RightSendOnce));
    EXPECT_EQ(info(s.space, s.other).bits, uint32_t(RightReceive));
    EXPECT_TRUE(recv_msg(s.space, s.rcv).would_block);
    s.space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcCopyin, OolCopyoutFailureDiscardsAndReports) {
  HeapScope heap;
  {
    Sender s;
    FakeVm vm;
    Msg m(s.rcv, MACH_MSG_TYPE_COPY_SEND);
    m.body(1);
    m.ool(0x5000, 64);
    ASSERT_EQ(send_msg(s.space, m, vm.hooks()), MACH_MSG_SUCCESS);
    vm.fail_copyout = true;
    Received r = recv_msg(s.space, s.rcv, vm.hooks());
    EXPECT_EQ(r.code, MACH_RCV_INVALID_DATA);
    EXPECT_EQ(r.ool(0).address, 0u);
    EXPECT_EQ(r.ool(0).size, 0u);
    EXPECT_TRUE(FakeVm::live.empty());
    s.space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcCopyin, QueuedOolIsDiscardedWhenThePortDies) {
  HeapScope heap;
  {
    Sender s;
    FakeVm vm;
    Msg m(s.rcv, MACH_MSG_TYPE_COPY_SEND);
    m.body(1);
    m.ool(0x5000, 64);
    ASSERT_EQ(send_msg(s.space, m, vm.hooks()), MACH_MSG_SUCCESS);
    EXPECT_EQ(FakeVm::live.size(), 1u);
    s.space.destroy();
    EXPECT_TRUE(FakeVm::live.empty());
  }
  EXPECT_EQ(heap.leaked(), 0);
}

// Runs a full scenario with the n-th allocation failing, for every n until
// the scenario needs no failing allocation; each run must fail cleanly (a
// Mach error code, no crash) and leak nothing.
TEST(IpcAllocation, FailureAtEveryStepLeaksNothing) {
  HeapScope heap;
  int completed_at = -1;
  for (long n = 0; n < 200 && completed_at < 0; ++n) {
    FakeVm vm;
    bool all_ok = true;
    {
      IpcSpace a, b;
      CountingHeap::arm(n);
      mach_port_name_t inbox = 0, reply = 0, set = 0, out = 0, carried = 0;
      auto check = [&](kern_return_t kr) {
        if (kr != KERN_SUCCESS) {
          EXPECT_TRUE(kr == KERN_RESOURCE_SHORTAGE || kr == MACH_SEND_NO_BUFFER ||
                      kr == MACH_RCV_INVALID_DATA || kr == KERN_NO_SPACE)
              << std::hex << kr;
          all_ok = false;
        }
        return kr == KERN_SUCCESS;
      };
      if (check(b.allocate_receive(&inbox)) && check(b.allocate_port_set(&set)) &&
          check(b.move_member(inbox, set)) && check(a.allocate_receive(&reply)) &&
          check(a.allocate_receive(&carried)) &&
          check(b.insert_right(inbox, MACH_MSG_TYPE_MAKE_SEND, &out)) &&
          check(a.request_notification(reply, MACH_NOTIFY_NO_SENDERS, carried))) {
        Port* inbox_port = info(b, inbox).port;
        copy_send(*inbox_port);
        mach_port_name_t dest = a.insert_carried(CarriedRight{inbox_port, MACH_MSG_TYPE_PORT_SEND});
        if (dest == MACH_PORT_NULL) all_ok = false;
        Msg m(dest, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, 5);
        m.body(3);
        m.port(reply, MACH_MSG_TYPE_MAKE_SEND);
        m.ool(0x4000, 128, true);
        m.port(carried, MACH_MSG_TYPE_MOVE_RECEIVE);
        for (uint32_t w = 0; w < 3; ++w) m.word(w);
        if (all_ok && check(send_msg(a, m, vm.hooks()))) {
          Received r = recv_msg(b, set, vm.hooks());
          check(r.code);
          if (r.code == MACH_MSG_SUCCESS) {
            EXPECT_EQ(r.header().msgh_id, 5);
          }
        }
      }
      a.destroy();
      b.destroy();
      CountingHeap::disarm();
    }
    EXPECT_EQ(heap.leaked(), 0) << "failing allocation " << n;
    EXPECT_TRUE(FakeVm::live.empty()) << "failing allocation " << n;
    if (all_ok && CountingHeap::calls <= n) completed_at = int(n);
  }
  EXPECT_GT(completed_at, 3);  // the scenario allocates and was failed at each step
}

TEST(IpcAllocation, TenThousandCyclesLeakNothing) {
  HeapScope heap;
  {
    IpcSpace space;
    FakeVm vm;
    for (int i = 0; i < 10000; ++i) {
      mach_port_name_t rcv = new_receive(space), out;
      ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
      Msg m(rcv, MACH_MSG_TYPE_COPY_SEND, rcv, MACH_MSG_TYPE_MAKE_SEND_ONCE, i);
      m.body(1);
      m.ool(0x1000, 4096);
      for (uint32_t w = 0; w < 4; ++w) m.word(w);
      ASSERT_EQ(send_msg(space, m, vm.hooks()), MACH_MSG_SUCCESS);
      if (i % 2) {
        Received r = recv_msg(space, rcv, vm.hooks());
        ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
        ASSERT_EQ(r.header().msgh_id, i);
        ASSERT_EQ(space.deallocate(r.header().msgh_remote_port), KERN_SUCCESS);  // unused reply
      }
      // Destroy with (odd) a send-once notification or (even) an unreceived message queued.
      ASSERT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
      ASSERT_EQ(space.deallocate(rcv), KERN_SUCCESS);  // the dead name left by the send right
      ASSERT_EQ(space.live_names(), 0u);
    }
    EXPECT_TRUE(FakeVm::live.empty());
    space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}
