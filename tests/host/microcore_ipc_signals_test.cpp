// Port signals (microcore/ipc/signals.cpp): bits the kernel raises without
// a message, collected until a receive takes them ahead of the queue.
#include "microcore_ipc_test_support.h"

using namespace ipc_test;

TEST(IpcSignals, RaisedBitsCollectUntilOneReceiveTakesThemAll) {
  HeapScope heap;
  {
    OnePort p;
    raise_signals(*p.port, AMPHI_SIGNAL_MSI);
    raise_signals(*p.port, AMPHI_SIGNAL_MSI);  // a burst is one signal
    raise_signals(*p.port, AMPHI_SIGNAL_SERVICE(0));
    ReceiveResult r = receive(p.space, p.rcv, AMPHI_MSG_MAX_INLINE);
    EXPECT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.message, nullptr);
    EXPECT_EQ(r.signals, AMPHI_SIGNAL_MSI | AMPHI_SIGNAL_SERVICE(0));
    EXPECT_EQ(r.signal_port_name, p.rcv);
    EXPECT_TRUE(recv_msg(p.space, p.rcv).would_block);  // taken: nothing left
  }
  EXPECT_EQ(heap.leaked(), 0);  // raising allocates nothing
}

TEST(IpcSignals, RaisingAllocatesNothing) {
  OnePort p;
  HeapScope heap;
  CountingHeap::arm(0);  // any allocation from here on fails
  raise_signals(*p.port, AMPHI_SIGNAL_IRQ(1));
  EXPECT_EQ(CountingHeap::calls, 0);
  EXPECT_EQ(receive(p.space, p.rcv, AMPHI_MSG_MAX_INLINE).signals, AMPHI_SIGNAL_IRQ(1));
}

TEST(IpcSignals, SignalsComeAheadOfQueuedMessages) {
  OnePort p;
  ASSERT_EQ(p.send_id(7), MACH_MSG_SUCCESS);
  raise_signals(*p.port, AMPHI_SIGNAL_IRQ(8));
  EXPECT_EQ(receive(p.space, p.rcv, AMPHI_MSG_MAX_INLINE).signals, AMPHI_SIGNAL_IRQ(8));
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 7);
}

TEST(IpcSignals, AWaitingReceiverIsHandedTheSignalsAtOnce) {
  OnePort p;
  TestWaiter receiver;
  ASSERT_EQ(wait_for_message(p.space, p.rcv, receiver.waiter), MACH_MSG_SUCCESS);
  raise_signals(*p.port, AMPHI_SIGNAL_SERVICE(3));
  EXPECT_EQ(receiver.wakes, 1);
  EXPECT_EQ(receiver.waiter.result, MACH_MSG_SUCCESS);
  EXPECT_EQ(receiver.waiter.message, nullptr);
  EXPECT_EQ(receiver.waiter.signals, AMPHI_SIGNAL_SERVICE(3));
  EXPECT_EQ(receiver.waiter.signal_port_name, p.rcv);
  EXPECT_EQ(p.port->signals, 0u);
}

TEST(IpcSignals, ASmallBufferLeavesTheSignalsRaised) {
  OnePort p;
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(receive(p.space, p.rcv, sizeof(mach_msg_header_t)).code, MACH_RCV_TOO_LARGE);
  EXPECT_EQ(p.port->signals, AMPHI_SIGNAL_MSI);
  (void)take_signals(*p.port);
  TestWaiter small(sizeof(mach_msg_header_t));
  wait_for_message(*p.port, small.waiter);
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(small.wakes, 1);
  EXPECT_EQ(small.waiter.result, MACH_RCV_TOO_LARGE);
  EXPECT_EQ(small.waiter.signals, 0u);
  EXPECT_EQ(p.port->signals, AMPHI_SIGNAL_MSI);
}

TEST(IpcSignals, APortSetReceiverSeesWhichMemberWasSignalled) {
  IpcSpace space;
  mach_port_name_t set;
  ASSERT_EQ(space.allocate_port_set(&set), KERN_SUCCESS);
  mach_port_name_t a = new_receive(space), b = new_receive(space);
  ASSERT_EQ(space.move_member(a, set), KERN_SUCCESS);
  ASSERT_EQ(space.move_member(b, set), KERN_SUCCESS);
  raise_signals(*info(space, b).port, AMPHI_SIGNAL_MSI);
  ReceiveResult r = receive(space, set, AMPHI_MSG_MAX_INLINE);
  EXPECT_EQ(r.signals, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(r.signal_port_name, b);
  // A set waiter is handed a member's signals; so is one already waiting
  // when a signalled port joins the set.
  TestWaiter waiter;
  ASSERT_EQ(wait_for_message(space, set, waiter.waiter), MACH_MSG_SUCCESS);
  raise_signals(*info(space, a).port, AMPHI_SIGNAL_IRQ(3));
  EXPECT_EQ(waiter.wakes, 1);
  EXPECT_EQ(waiter.waiter.signals, AMPHI_SIGNAL_IRQ(3));
  EXPECT_EQ(waiter.waiter.signal_port_name, a);
  ASSERT_EQ(space.move_member(a, MACH_PORT_NULL), KERN_SUCCESS);
  raise_signals(*info(space, a).port, AMPHI_SIGNAL_IRQ(4));
  TestWaiter later;
  ASSERT_EQ(wait_for_message(space, set, later.waiter), MACH_MSG_SUCCESS);
  EXPECT_EQ(later.wakes, 0);
  ASSERT_EQ(space.move_member(a, set), KERN_SUCCESS);
  EXPECT_EQ(later.wakes, 1);
  EXPECT_EQ(later.waiter.signals, AMPHI_SIGNAL_IRQ(4));
}

TEST(IpcSignals, ADeadPortIgnoresSignals) {
  OnePort p;
  Port* port = p.port;
  port->ref();
  raise_signals(*port, AMPHI_SIGNAL_MSI);
  ASSERT_EQ(p.space.mod_refs(p.rcv, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);  // it dies
  EXPECT_FALSE(port->active());
  EXPECT_EQ(port->signals, 0u);
  raise_signals(*port, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(port->signals, 0u);
  port->unref();
}

TEST(IpcSignals, TheSignalMessageNamesThePortAndCarriesTheBits) {
  amphi_signal_message_t m = signal_message(AMPHI_SIGNAL_IRQ(1) | AMPHI_SIGNAL_SERVICE(0), 0x1234);
  EXPECT_EQ(m.header.msgh_size, sizeof m);
  EXPECT_EQ(m.header.msgh_bits, 0u);
  EXPECT_EQ(m.header.msgh_remote_port, MACH_PORT_NULL);
  EXPECT_EQ(m.header.msgh_local_port, 0x1234u);
  EXPECT_EQ(uint32_t(m.header.msgh_id), AMPHI_MSG_ID_SIGNALS);
  EXPECT_EQ(m.bits, AMPHI_SIGNAL_IRQ(1) | AMPHI_SIGNAL_SERVICE(0));
}

// The signal mailbox (abi/message.h): while the receiver runs, raised bits
// wait in shared memory instead of a message and a wakeup.
TEST(IpcSignalMailbox, ARunningReceiverFindsTheBitsInTheMailboxAndIsNotWoken) {
  OnePort p;
  amphi_signal_mailbox_t mailbox{0, 1};
  p.port->mailbox = &mailbox;
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);
  raise_signals(*p.port, AMPHI_SIGNAL_SERVICE(0));
  EXPECT_EQ(mailbox.pending, AMPHI_SIGNAL_MSI | AMPHI_SIGNAL_SERVICE(0));
  EXPECT_EQ(p.port->signals, 0u);
  EXPECT_TRUE(recv_msg(p.space, p.rcv).would_block);  // nothing to receive: no trap's worth
}

TEST(IpcSignalMailbox, ASleepingReceiverIsHandedEverythingPendingOnThePort) {
  OnePort p;
  amphi_signal_mailbox_t mailbox{0, 1};
  p.port->mailbox = &mailbox;
  raise_signals(*p.port, AMPHI_SIGNAL_IRQ(1));  // left while it ran
  // It stopped running but has not taken the mailbox yet (another CPU):
  // the next raise moves what is pending to the port, to a waiting receive.
  mailbox.running = 0;
  TestWaiter receiver;
  ASSERT_EQ(wait_for_message(p.space, p.rcv, receiver.waiter), MACH_MSG_SUCCESS);
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(receiver.wakes, 1);
  EXPECT_EQ(receiver.waiter.signals, AMPHI_SIGNAL_IRQ(1) | AMPHI_SIGNAL_MSI);
  EXPECT_EQ(mailbox.pending, 0u);  // taken once: the receiver's exchange finds nothing
}

TEST(IpcSignalMailbox, BitsTheReceiverTookOnItsWayToSleepAreNotRaisedAgain) {
  OnePort p;
  amphi_signal_mailbox_t mailbox{0, 0};
  p.port->mailbox = &mailbox;
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);  // not running: straight to the port
  EXPECT_EQ(mailbox.pending, 0u);
  EXPECT_EQ(receive(p.space, p.rcv, AMPHI_MSG_MAX_INLINE).signals, AMPHI_SIGNAL_MSI);
  EXPECT_TRUE(recv_msg(p.space, p.rcv).would_block);
}

TEST(IpcSignalMailbox, ADeadPortLeavesTheMailboxAlone) {
  OnePort p;
  Port* port = p.port;
  port->ref();
  amphi_signal_mailbox_t mailbox{0, 1};
  port->mailbox = &mailbox;
  ASSERT_EQ(p.space.mod_refs(p.rcv, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
  raise_signals(*port, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(mailbox.pending, 0u);
  port->unref();
}

// The receive hook (ipc/port.h): a kernel service sharing a ring with the
// receiver takes what it left there each time it comes to receive.
TEST(IpcReceiveHook, RunsAtEveryReceiveOnThePortWhetherOrNotOneWaits) {
  OnePort p;
  int runs = 0;
  p.port->receive_hook = {[](void* context) { ++*static_cast<int*>(context); }, &runs};
  EXPECT_TRUE(recv_msg(p.space, p.rcv).would_block);  // the sleep it was going to take
  EXPECT_EQ(runs, 1);
  ASSERT_EQ(p.send_id(9), MACH_MSG_SUCCESS);
  EXPECT_EQ(recv_msg(p.space, p.rcv).header().msgh_id, 9);
  EXPECT_EQ(runs, 2);
  raise_signals(*p.port, AMPHI_SIGNAL_MSI);  // raising is not receiving
  EXPECT_EQ(runs, 2);
  p.port->receive_hook = {};
  EXPECT_EQ(receive(p.space, p.rcv, AMPHI_MSG_MAX_INLINE).signals, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(runs, 2);  // detached: never again
}

// A receiver asleep on a port with a mailbox, not saying "running".
struct SleepingReceiver {
  OnePort p;
  amphi_signal_mailbox_t mailbox{0, 0};
  TestWaiter receiver;
  SleepingReceiver() {
    p.port->mailbox = &mailbox;
    EXPECT_EQ(wait_for_message(p.space, p.rcv, receiver.waiter), MACH_MSG_SUCCESS);
  }
};

TEST(IpcSignalMailbox, AWokenReceiverFindsWhatCameBeforeItRanInTheMailbox) {
  SleepingReceiver s;
  raise_signals(*s.p.port, AMPHI_SIGNAL_MSI);  // wakes it
  EXPECT_EQ(s.receiver.wakes, 1);
  EXPECT_EQ(s.receiver.waiter.signals, AMPHI_SIGNAL_MSI);
  EXPECT_EQ(s.mailbox.running, 1u);  // said for it: it looks before it sleeps again
  // A doorbell while it waits for the CPU: no second receive's worth.
  raise_signals(*s.p.port, AMPHI_SIGNAL_SERVICE(0));
  EXPECT_EQ(s.mailbox.pending, AMPHI_SIGNAL_SERVICE(0));
  EXPECT_EQ(s.p.port->signals, 0u);
  EXPECT_TRUE(recv_msg(s.p.space, s.p.rcv).would_block);
}

TEST(IpcSignalMailbox, AReceiverWokenByAMessageIsSaidRunningToo) {
  SleepingReceiver s;
  ASSERT_EQ(s.p.send_id(5), MACH_MSG_SUCCESS);
  ASSERT_NE(s.receiver.waiter.message, nullptr);
  EXPECT_EQ(s.mailbox.running, 1u);
}
