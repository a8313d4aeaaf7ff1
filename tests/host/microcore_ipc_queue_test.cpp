// IPC core: queues, the queue limit, blocked senders, direct handoff to
// waiting receivers, port sets (transport.cpp, port_set.cpp).
#include "microcore_ipc_test_support.h"

using namespace ipc_test;

TEST(IpcQueue, MessagesArriveInFifoOrderWithTheirBytes) {
  OnePort p;
  for (int id = 1; id <= 5; ++id) ASSERT_EQ(p.send_id(id), MACH_MSG_SUCCESS);
  EXPECT_EQ(p.port->messages.size(), 5u);
  for (int id = 1; id <= 5; ++id) {
    Received r = recv_msg(p.space, p.rcv);
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.header().msgh_id, id);
    EXPECT_EQ(r.header().msgh_size, 32u);
    EXPECT_EQ(r.header().msgh_local_port, p.rcv);
    EXPECT_EQ(r.header().msgh_remote_port, MACH_PORT_NULL);
    EXPECT_EQ(r.header().msgh_bits, MACH_MSGH_BITS(0, MACH_MSG_TYPE_PORT_SEND));
    EXPECT_EQ(r.word(24), 0xabc00000u);
    EXPECT_EQ(r.word(28), 0xabc00001u);
  }
  Received empty = recv_msg(p.space, p.rcv);
  EXPECT_TRUE(empty.would_block);
}

TEST(IpcQueue, FullQueueBlocksSenderUntilReceiveMakesRoom) {
  OnePort p;
  set_queue_limit(*p.port, 2);
  ASSERT_EQ(p.send_id(1), MACH_MSG_SUCCESS);
  ASSERT_EQ(p.send_id(2), MACH_MSG_SUCCESS);
  SendOutcome outcome;
  KernelMessage* blocked = nullptr;
  ASSERT_EQ(p.send_id(3, &outcome, &blocked), MACH_MSG_SUCCESS);
  ASSERT_EQ(outcome, SendOutcome::would_block);
  ASSERT_NE(blocked, nullptr);
  TestWaiter sender;
  wait_for_space(*p.port, sender.waiter);
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 1);
  EXPECT_EQ(sender.wakes, 1);
  EXPECT_EQ(sender.waiter.result, MACH_MSG_SUCCESS);
  EXPECT_FALSE(sender.waiter.node.is_linked());
  // The retried send now fits.
  SendResult retry = send(blocked);
  EXPECT_EQ(retry.outcome, SendOutcome::delivered);
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 2);
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 3);
}

TEST(IpcQueue, TimedOutSenderCancelsAndDestroysItsMessage) {
  HeapScope heap;
  {
    OnePort p;
    set_queue_limit(*p.port, 1);
    ASSERT_EQ(p.send_id(1), MACH_MSG_SUCCESS);
    SendOutcome outcome;
    KernelMessage* blocked = nullptr;
    ASSERT_EQ(p.send_id(2, &outcome, &blocked), MACH_MSG_SUCCESS);
    ASSERT_EQ(outcome, SendOutcome::would_block);
    TestWaiter sender;
    wait_for_space(*p.port, sender.waiter);
    cancel_wait(sender.waiter);  // the glue's timeout path
    destroy_message(blocked);
    EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 1);
    EXPECT_EQ(sender.wakes, 0);
    EXPECT_EQ(p.port->srights, 1u);
    p.space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcQueue, RaisingTheLimitWakesBlockedSenders) {
  OnePort p;
  set_queue_limit(*p.port, 1);
  ASSERT_EQ(p.send_id(1), MACH_MSG_SUCCESS);
  TestWaiter sender;
  wait_for_space(*p.port, sender.waiter);
  set_queue_limit(*p.port, 4);
  EXPECT_EQ(sender.wakes, 1);
}

TEST(IpcQueue, SendOnceBypassesTheLimit) {
  OnePort p;
  set_queue_limit(*p.port, 1);
  ASSERT_EQ(p.send_id(1), MACH_MSG_SUCCESS);
  mach_port_name_t so;
  ASSERT_EQ(p.space.insert_right(p.rcv, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so), KERN_SUCCESS);
  Msg m(so, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, 99);
  SendOutcome outcome;
  ASSERT_EQ(send_msg(p.space, m, no_ool(), &outcome), MACH_MSG_SUCCESS);
  EXPECT_EQ(outcome, SendOutcome::delivered);
  EXPECT_EQ(p.port->messages.size(), 2u);
}

TEST(IpcQueue, WaitingReceiverGetsTheMessageDirectly) {
  OnePort p;
  TestWaiter receiver;
  ASSERT_TRUE(recv_msg(p.space, p.rcv).would_block);
  ASSERT_EQ(wait_for_message(p.space, p.rcv, receiver.waiter), MACH_MSG_SUCCESS);
  ASSERT_EQ(p.send_id(42), MACH_MSG_SUCCESS);
  EXPECT_EQ(receiver.wakes, 1);
  EXPECT_TRUE(p.port->messages.empty());  // never queued
  ASSERT_NE(receiver.waiter.message, nullptr);
  Received r = deliver(p.space, receiver.waiter.message);
  receiver.waiter.message = nullptr;
  EXPECT_EQ(r.code, MACH_MSG_SUCCESS);
  EXPECT_EQ(r.header().msgh_id, 42);
  EXPECT_EQ(r.header().msgh_local_port, p.rcv);
}

TEST(IpcQueue, ReceiveTooLargeLeavesTheMessageQueued) {
  OnePort p;
  ASSERT_EQ(p.send_id(5), MACH_MSG_SUCCESS);  // 32 bytes
  Received small = recv_msg(p.space, p.rcv, no_ool(), 24);
  EXPECT_EQ(small.code, MACH_RCV_TOO_LARGE);
  EXPECT_EQ(p.port->messages.size(), 1u);
  // A waiter with a small buffer is told so and the message stays queued.
  ASSERT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 5);
  TestWaiter receiver(24);
  wait_for_message(*p.port, receiver.waiter);
  ASSERT_EQ(p.send_id(6), MACH_MSG_SUCCESS);
  EXPECT_EQ(receiver.wakes, 1);
  EXPECT_EQ(receiver.waiter.result, MACH_RCV_TOO_LARGE);
  EXPECT_EQ(receiver.waiter.message, nullptr);
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 6);
  // copyout with a too-small buffer does not consume the message.
  ASSERT_EQ(p.send_id(7), MACH_MSG_SUCCESS);
  ReceiveResult rr = receive(p.space, p.rcv, 1024);
  ASSERT_NE(rr.message, nullptr);
  uint8_t tiny[24];
  EXPECT_EQ(copyout(p.space, rr.message, tiny, sizeof tiny, no_ool()), MACH_RCV_TOO_LARGE);
  EXPECT_EQ(deliver(p.space, rr.message).header().msgh_id, 7);
}

TEST(IpcQueue, CancelledReceiverIsNotHandedMessages) {
  OnePort p;
  TestWaiter receiver;
  wait_for_message(*p.port, receiver.waiter);
  cancel_wait(receiver.waiter);
  ASSERT_EQ(p.send_id(1), MACH_MSG_SUCCESS);
  EXPECT_EQ(receiver.wakes, 0);
  EXPECT_EQ(p.port->messages.size(), 1u);
}

TEST(IpcPortSet, ReceiveOnASetTakesFromAnyMember) {
  HeapScope heap;
  {
    IpcSpace space;
    mach_port_name_t set;
    ASSERT_EQ(space.allocate_port_set(&set), KERN_SUCCESS);
    mach_port_name_t a = new_receive(space), b = new_receive(space), out;
    ASSERT_EQ(space.insert_right(a, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    ASSERT_EQ(space.insert_right(b, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    ASSERT_EQ(space.move_member(a, set), KERN_SUCCESS);
    ASSERT_EQ(space.move_member(b, set), KERN_SUCCESS);
    EXPECT_TRUE(recv_msg(space, set).would_block);
    Msg mb(b, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 2);
    ASSERT_EQ(send_msg(space, mb), MACH_MSG_SUCCESS);
    Received r = recv_msg(space, set);
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.header().msgh_id, 2);
    EXPECT_EQ(r.header().msgh_local_port, b);  // tells which member
    // A waiter on the set is handed a message sent to a member.
    TestWaiter waiter;
    ASSERT_EQ(wait_for_message(space, set, waiter.waiter), MACH_MSG_SUCCESS);
    Msg ma(a, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 1);
    ASSERT_EQ(send_msg(space, ma), MACH_MSG_SUCCESS);
    ASSERT_EQ(waiter.wakes, 1);
    ASSERT_NE(waiter.waiter.message, nullptr);
    EXPECT_EQ(deliver(space, waiter.waiter.message).header().msgh_local_port, a);
    waiter.waiter.message = nullptr;
    // Removing a member: its messages no longer reach the set.
    ASSERT_EQ(space.move_member(a, MACH_PORT_NULL), KERN_SUCCESS);
    ASSERT_EQ(send_msg(space, ma), MACH_MSG_SUCCESS);
    EXPECT_TRUE(recv_msg(space, set).would_block);
    // Adding it back with a queued message serves a set waiter at once.
    TestWaiter later;
    ASSERT_EQ(wait_for_message(space, set, later.waiter), MACH_MSG_SUCCESS);
    ASSERT_EQ(space.move_member(a, set), KERN_SUCCESS);
    EXPECT_EQ(later.wakes, 1);
    ASSERT_NE(later.waiter.message, nullptr);
    // Destroying the set wakes its waiters; members leave it.
    TestWaiter last;
    ASSERT_EQ(wait_for_message(space, set, last.waiter), MACH_MSG_SUCCESS);
    ASSERT_EQ(space.mod_refs(set, MACH_PORT_RIGHT_PORT_SET, -1), KERN_SUCCESS);
    EXPECT_EQ(last.wakes, 1);
    EXPECT_EQ(last.waiter.result, MACH_RCV_PORT_DIED);
    EXPECT_EQ(info(space, a).port->set, nullptr);
    space.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}
