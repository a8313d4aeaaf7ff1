// IPC core: port death, dead names and notifications (rights.cpp,
// notify.cpp, space.cpp destroy).
#include "microcore_ipc_test_support.h"

using namespace ipc_test;

namespace {

// Moves a send (or send-once) right for `from_name` in `from` to `to`,
// returning its name in `to`.
mach_port_name_t transfer(IpcSpace& from, mach_port_name_t from_name, uint32_t disposition,
                          IpcSpace& to, mach_port_name_t to_rcv) {
  // `from` gets a send right to `to`'s port the way copyout would give it.
  Port* to_port = info(to, to_rcv).port;
  copy_send(*to_port);
  mach_port_name_t dest_in_from = from.insert_carried(CarriedRight{to_port, MACH_MSG_TYPE_PORT_SEND});
  Msg m(dest_in_from, MACH_MSG_TYPE_MOVE_SEND);
  m.body(1);
  m.port(from_name, disposition);
  EXPECT_EQ(send_msg(from, m), MACH_MSG_SUCCESS);
  Received r = recv_msg(to, to_rcv);
  EXPECT_EQ(r.code, MACH_MSG_SUCCESS);
  return r.port(0).name;
}

}  // namespace

TEST(IpcNotify, SendRightBecomesDeadNameWhenReceiverDies) {
  HeapScope heap;
  {
    IpcSpace server, client;
    mach_port_name_t service = new_receive(server);
    mach_port_name_t client_rcv = new_receive(client);
    mach_port_name_t send = transfer(server, service, MACH_MSG_TYPE_MAKE_SEND, client, client_rcv);
    EXPECT_EQ(info(client, send).bits, uint32_t(RightSend));
    // A client blocked sending and a server thread blocked receiving.
    Port* port = info(server, service).port;
    TestWaiter blocked_sender, blocked_receiver;
    wait_for_space(*port, blocked_sender.waiter);
    wait_for_message(*port, blocked_receiver.waiter);
    Msg queued(send, MACH_MSG_TYPE_COPY_SEND);
    cancel_wait(blocked_receiver.waiter);
    ASSERT_EQ(send_msg(client, queued), MACH_MSG_SUCCESS);
    wait_for_message(*port, blocked_receiver.waiter);  // (queue non-empty: test only)
    server.destroy();
    EXPECT_EQ(blocked_sender.waiter.result, MACH_SEND_INVALID_DEST);
    EXPECT_EQ(blocked_receiver.waiter.result, MACH_RCV_PORT_DIED);
    EXPECT_EQ(blocked_sender.wakes + blocked_receiver.wakes, 2);
    EXPECT_EQ(info(client, send).bits, uint32_t(RightDeadName));
    EXPECT_EQ(info(client, send).urefs, 1u);
    Msg m(send, MACH_MSG_TYPE_COPY_SEND);
    EXPECT_EQ(send_msg(client, m), MACH_SEND_INVALID_DEST);
    EXPECT_EQ(client.deallocate(send), KERN_SUCCESS);
    EXPECT_EQ(client.entry_info(send, nullptr), KERN_INVALID_NAME);
    client.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcNotify, DeadNameNotificationFires) {
  HeapScope heap;
  {
    IpcSpace server, client;
    mach_port_name_t service = new_receive(server);
    mach_port_name_t client_rcv = new_receive(client);
    mach_port_name_t send = transfer(server, service, MACH_MSG_TYPE_MAKE_SEND, client, client_rcv);
    mach_port_name_t notify = new_receive(client);
    ASSERT_EQ(client.request_notification(send, MACH_NOTIFY_DEAD_NAME, notify), KERN_SUCCESS);
    ASSERT_EQ(server.mod_refs(service, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
    EXPECT_EQ(info(client, send).bits, uint32_t(RightDeadName));
    EXPECT_EQ(info(client, send).urefs, 2u);  // one extra for the notification
    Received r = recv_msg(client, notify);
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.header().msgh_id, MACH_NOTIFY_DEAD_NAME);
    EXPECT_EQ(r.header().msgh_local_port, notify);
    EXPECT_EQ(MACH_MSGH_BITS_LOCAL(r.header().msgh_bits), uint32_t(MACH_MSG_TYPE_PORT_SEND_ONCE));
    EXPECT_EQ(r.word(24), send);
    EXPECT_EQ(info(client, notify).port->sorights, 0u);
    // Requesting on an already-dead name notifies immediately.
    ASSERT_EQ(client.request_notification(send, MACH_NOTIFY_DEAD_NAME, notify), KERN_SUCCESS);
    EXPECT_EQ(info(client, send).urefs, 3u);
    EXPECT_EQ(recv_msg(client, notify).header().msgh_id, MACH_NOTIFY_DEAD_NAME);
    server.destroy();
    client.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcNotify, DeallocatingWatchedNameSendsPortDeleted) {
  IpcSpace server, client;
  mach_port_name_t service = new_receive(server);
  mach_port_name_t client_rcv = new_receive(client);
  mach_port_name_t send = transfer(server, service, MACH_MSG_TYPE_MAKE_SEND, client, client_rcv);
  mach_port_name_t notify = new_receive(client);
  ASSERT_EQ(client.request_notification(send, MACH_NOTIFY_DEAD_NAME, notify), KERN_SUCCESS);
  ASSERT_EQ(client.deallocate(send), KERN_SUCCESS);
  Received r = recv_msg(client, notify);
  EXPECT_EQ(r.header().msgh_id, MACH_NOTIFY_PORT_DELETED);
  EXPECT_EQ(r.word(24), send);
  EXPECT_TRUE(info(server, service).port->dead_name_requests.empty());
}

TEST(IpcNotify, NoSendersWhenTheLastSendRightGoes) {
  HeapScope heap;
  {
    IpcSpace server, client;
    mach_port_name_t service = new_receive(server);
    mach_port_name_t notify = new_receive(server);
    ASSERT_EQ(server.request_notification(service, MACH_NOTIFY_NO_SENDERS, notify, 1), KERN_SUCCESS);
    EXPECT_TRUE(recv_msg(server, notify).would_block);  // mscount 0 < sync 1
    mach_port_name_t client_rcv = new_receive(client);
    mach_port_name_t send = transfer(server, service, MACH_MSG_TYPE_MAKE_SEND, client, client_rcv);
    Msg m(send, MACH_MSG_TYPE_COPY_SEND);
    ASSERT_EQ(send_msg(client, m), MACH_MSG_SUCCESS);
    ASSERT_EQ(client.deallocate(send), KERN_SUCCESS);
    // The queued message still holds a send right.
    EXPECT_TRUE(recv_msg(server, notify).would_block);
    EXPECT_EQ(recv_msg(server, service).code, MACH_MSG_SUCCESS);
    Received r = recv_msg(server, notify);
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    EXPECT_EQ(r.header().msgh_id, MACH_NOTIFY_NO_SENDERS);
    EXPECT_EQ(r.word(24), 1u);  // mscount
    // Immediate when there are no senders and mscount >= sync.
    ASSERT_EQ(server.request_notification(service, MACH_NOTIFY_NO_SENDERS, notify, 0), KERN_SUCCESS);
    EXPECT_EQ(recv_msg(server, notify).header().msgh_id, MACH_NOTIFY_NO_SENDERS);
    server.destroy();
    client.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcNotify, UnusedSendOnceRightSendsSendOnceNotification) {
  IpcSpace server, client;
  mach_port_name_t reply = new_receive(server);
  mach_port_name_t client_rcv = new_receive(client);
  mach_port_name_t so = transfer(server, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, client, client_rcv);
  EXPECT_EQ(info(client, so).bits, uint32_t(RightSendOnce));
  ASSERT_EQ(client.deallocate(so), KERN_SUCCESS);
  Received r = recv_msg(server, reply);
  ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
  EXPECT_EQ(r.header().msgh_id, MACH_NOTIFY_SEND_ONCE);
  EXPECT_EQ(r.header().msgh_size, 24u);
  EXPECT_EQ(info(server, reply).port->sorights, 0u);
  // Task death destroys unused send-once rights the same way.
  mach_port_name_t so2 = transfer(server, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, client, client_rcv);
  (void)so2;
  client.destroy();
  EXPECT_EQ(recv_msg(server, reply).header().msgh_id, MACH_NOTIFY_SEND_ONCE);
}

TEST(IpcNotify, DestroyingQueuedMessagesReleasesTheirRights) {
  HeapScope heap;
  {
    IpcSpace a, b;
    mach_port_name_t inbox = new_receive(a), out;
    ASSERT_EQ(a.insert_right(inbox, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    mach_port_name_t carried = new_receive(a);
    mach_port_name_t reply = new_receive(a);
    Port* carried_port = info(a, carried).port;
    carried_port->ref();  // observe it after death
    // Send carried's receive right and a reply send-once into inbox, then kill inbox.
    Msg m(inbox, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE);
    m.body(1);
    m.port(carried, MACH_MSG_TYPE_MOVE_RECEIVE);
    ASSERT_EQ(send_msg(a, m), MACH_MSG_SUCCESS);
    EXPECT_TRUE(carried_port->in_transit);
    EXPECT_EQ(a.entry_info(carried, nullptr), KERN_INVALID_NAME);
    ASSERT_EQ(a.mod_refs(inbox, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
    EXPECT_FALSE(carried_port->active());  // receive right destroyed with the message
    // The unused reply send-once right produced a send-once notification.
    EXPECT_EQ(recv_msg(a, reply).header().msgh_id, MACH_NOTIFY_SEND_ONCE);
    carried_port->unref();
    a.destroy();
    b.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcNotify, ReceiveRightMovesBetweenSpaces) {
  HeapScope heap;
  {
    IpcSpace a, b;
    mach_port_name_t port_name = new_receive(a), out;
    ASSERT_EQ(a.insert_right(port_name, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    mach_port_name_t b_rcv = new_receive(b);
    Port* b_port = info(b, b_rcv).port;
    copy_send(*b_port);
    mach_port_name_t to_b = a.insert_carried(CarriedRight{b_port, MACH_MSG_TYPE_PORT_SEND});
    TestWaiter waiting_in_a;
    wait_for_message(*info(a, port_name).port, waiting_in_a.waiter);
    Msg m(to_b, MACH_MSG_TYPE_MOVE_SEND);
    m.body(1);
    m.port(port_name, MACH_MSG_TYPE_MOVE_RECEIVE);
    ASSERT_EQ(send_msg(a, m), MACH_MSG_SUCCESS);
    EXPECT_EQ(waiting_in_a.waiter.result, MACH_RCV_PORT_DIED);
    EXPECT_EQ(info(a, port_name).bits, uint32_t(RightSend));  // send right stays
    Received r = recv_msg(b, b_rcv);
    ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
    mach_port_name_t in_b = r.port(0).name;
    EXPECT_EQ(r.port(0).disposition, uint32_t(MACH_MSG_TYPE_PORT_RECEIVE));
    EXPECT_EQ(info(b, in_b).bits, uint32_t(RightReceive));
    // a can still send to it; b receives it.
    Msg hello(port_name, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 77);
    ASSERT_EQ(send_msg(a, hello), MACH_MSG_SUCCESS);
    Received got = recv_msg(b, in_b);
    EXPECT_EQ(got.header().msgh_id, 77);
    EXPECT_EQ(got.header().msgh_local_port, in_b);
    a.destroy();
    b.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}
