// IPC core: rights, user references and names (space.h, rights.h).
#include "microcore_ipc_test_support.h"

using namespace ipc_test;

TEST(IpcRights, MakeSendInsertsSendOnTheReceiveName) {
  HeapScope heap;
  {
    IpcSpace space;
    mach_port_name_t name = new_receive(space);
    Port* port = info(space, name).port;
    mach_port_name_t out = 0;
    ASSERT_EQ(space.insert_right(name, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    EXPECT_EQ(out, name);
    EXPECT_EQ(info(space, name).bits, uint32_t(RightReceive | RightSend));
    EXPECT_EQ(info(space, name).urefs, 1u);
    ASSERT_EQ(space.insert_right(name, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
    EXPECT_EQ(info(space, name).urefs, 2u);
    EXPECT_EQ(port->srights, 1u);  // one send right, two urefs
    EXPECT_EQ(port->mscount, 2u);
    EXPECT_EQ(space.insert_right(name, MACH_MSG_TYPE_COPY_SEND, &out), KERN_INVALID_VALUE);
    mach_port_name_t so = 0;
    ASSERT_EQ(space.insert_right(name, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so), KERN_SUCCESS);
    EXPECT_NE(so, name);
    EXPECT_EQ(info(space, so).bits, uint32_t(RightSendOnce));
    EXPECT_EQ(port->sorights, 1u);
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcRights, CopySendKeepsAndMoveSendConsumesUrefs) {
  HeapScope heap;
  {
    IpcSpace a, b;
    mach_port_name_t rcv = new_receive(b);
    Port* port = info(b, rcv).port;
    // Receiving a send right `a` already holds adds a uref to its name.
    mach_port_name_t a_rcv = new_receive(a);
    mach_port_name_t tmp;
    ASSERT_EQ(a.insert_right(a_rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
    ASSERT_EQ(b.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
    for (int i = 0; i < 2; ++i) {
      Msg m(a_rcv, MACH_MSG_TYPE_COPY_SEND);
      m.body(1);
      m.port(a_rcv, MACH_MSG_TYPE_COPY_SEND);  // a sends to itself
      ASSERT_EQ(send_msg(a, m), MACH_MSG_SUCCESS);
      Received r = recv_msg(a, a_rcv);
      ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
      EXPECT_EQ(r.port(0).name, a_rcv);  // merged into the existing send right
    }
    EXPECT_EQ(info(a, a_rcv).urefs, 3u);
    Port* a_port = info(a, a_rcv).port;
    EXPECT_EQ(a_port->srights, 1u);
    // COPY_SEND does not consume; MOVE_SEND does.
    Msg copy(a_rcv, MACH_MSG_TYPE_COPY_SEND);
    ASSERT_EQ(send_msg(a, copy), MACH_MSG_SUCCESS);
    EXPECT_EQ(info(a, a_rcv).urefs, 3u);
    EXPECT_EQ(a_port->srights, 2u);  // one in the queued message
    Msg move(a_rcv, MACH_MSG_TYPE_MOVE_SEND);
    ASSERT_EQ(send_msg(a, move), MACH_MSG_SUCCESS);
    EXPECT_EQ(info(a, a_rcv).urefs, 2u);
    EXPECT_EQ(a_port->srights, 3u);
    // Receiving consumes the destination rights the messages travelled on.
    EXPECT_EQ(recv_msg(a, a_rcv).code, MACH_MSG_SUCCESS);
    EXPECT_EQ(recv_msg(a, a_rcv).code, MACH_MSG_SUCCESS);
    EXPECT_EQ(a_port->srights, 1u);
    EXPECT_EQ(port->srights, 1u);
    a.destroy();
    b.destroy();
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcRights, MoveSendOfLastUrefLeavesReceiveOnly) {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  mach_port_name_t tmp;
  ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
  Msg m(rcv, MACH_MSG_TYPE_MOVE_SEND);
  ASSERT_EQ(send_msg(space, m), MACH_MSG_SUCCESS);
  EXPECT_EQ(info(space, rcv).bits, uint32_t(RightReceive));
  // Now there is nothing left to move.
  Msg again(rcv, MACH_MSG_TYPE_MOVE_SEND);
  EXPECT_EQ(send_msg(space, again), MACH_SEND_INVALID_DEST);
}

TEST(IpcRights, SendOnceIsConsumedBySending) {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  Port* port = info(space, rcv).port;
  mach_port_name_t so;
  ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND_ONCE, &so), KERN_SUCCESS);
  Msg m(so, MACH_MSG_TYPE_MOVE_SEND_ONCE);
  ASSERT_EQ(send_msg(space, m), MACH_MSG_SUCCESS);
  EXPECT_EQ(space.entry_info(so, nullptr), KERN_INVALID_NAME);
  EXPECT_EQ(port->sorights, 1u);  // travelling in the message
  Msg again(so, MACH_MSG_TYPE_MOVE_SEND_ONCE);
  EXPECT_EQ(send_msg(space, again), MACH_SEND_INVALID_DEST);
  Received r = recv_msg(space, rcv);
  ASSERT_EQ(r.code, MACH_MSG_SUCCESS);
  EXPECT_EQ(MACH_MSGH_BITS_LOCAL(r.header().msgh_bits), uint32_t(MACH_MSG_TYPE_PORT_SEND_ONCE));
  EXPECT_EQ(r.header().msgh_local_port, rcv);
  EXPECT_EQ(port->sorights, 0u);
  // A used send-once right sends no send-once notification.
  EXPECT_TRUE(recv_msg(space, rcv).would_block);
}

TEST(IpcRights, ModRefsCountsAndLimits) {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  mach_port_name_t tmp;
  ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, 10), KERN_SUCCESS);
  EXPECT_EQ(info(space, rcv).urefs, 11u);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, -12), KERN_INVALID_VALUE);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, 0xffff - 11 + 1), KERN_UREFS_OVERFLOW);
  EXPECT_EQ(info(space, rcv).urefs, 11u);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, 0xffff - 11), KERN_SUCCESS);
  EXPECT_EQ(info(space, rcv).urefs, 0xffffu);
  mach_port_name_t out;
  EXPECT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_UREFS_OVERFLOW);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, -0xffff), KERN_SUCCESS);
  EXPECT_EQ(info(space, rcv).bits, uint32_t(RightReceive));
  EXPECT_EQ(info(space, rcv).port->srights, 0u);
  // Wrong rights, bad values, bad names.
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_SEND_ONCE, -1), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_PORT_SET, 0), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_RECEIVE, -2), KERN_INVALID_VALUE);
  EXPECT_EQ(space.mod_refs(rcv, 9, -1), KERN_INVALID_VALUE);
  EXPECT_EQ(space.mod_refs(0x12345, MACH_PORT_RIGHT_SEND, 1), KERN_INVALID_NAME);
  EXPECT_EQ(space.deallocate(rcv), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.mod_refs(rcv, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
  EXPECT_EQ(space.entry_info(rcv, nullptr), KERN_INVALID_NAME);
  EXPECT_EQ(space.live_names(), 0u);
}

TEST(IpcRights, DeallocateDropsOneUref) {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  mach_port_name_t tmp;
  ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
  ASSERT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &tmp), KERN_SUCCESS);
  EXPECT_EQ(space.deallocate(rcv), KERN_SUCCESS);
  EXPECT_EQ(info(space, rcv).urefs, 1u);
  EXPECT_EQ(space.deallocate(rcv), KERN_SUCCESS);
  EXPECT_EQ(info(space, rcv).bits, uint32_t(RightReceive));
  EXPECT_EQ(space.deallocate(MACH_PORT_NULL), KERN_INVALID_NAME);
  EXPECT_EQ(space.deallocate(MACH_PORT_DEAD), KERN_INVALID_NAME);
}

TEST(IpcNames, ReuseBumpsGenerationAndNeverYieldsNullOrDead) {
  IpcSpace space;
  mach_port_name_t first = new_receive(space);
  EXPECT_NE(first, MACH_PORT_NULL);
  EXPECT_NE(first, MACH_PORT_DEAD);
  ASSERT_EQ(space.mod_refs(first, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
  mach_port_name_t second = new_receive(space);
  EXPECT_EQ(name_index(second), name_index(first));
  EXPECT_EQ(name_generation(second), uint8_t(name_generation(first) + 1));
  // The stale name denotes nothing.
  EXPECT_EQ(space.entry_info(first, nullptr), KERN_INVALID_NAME);
  EXPECT_EQ(space.mod_refs(first, MACH_PORT_RIGHT_RECEIVE, -1), KERN_INVALID_NAME);
  EXPECT_EQ(info(space, second).bits, uint32_t(RightReceive));
}

TEST(IpcNames, TableFillsToItsCapThenNoSpace) {
  HeapScope heap;
  {
    IpcSpace space;
    mach_port_name_t name = 0;
    uint32_t made = 0;
    kern_return_t kr;
    while ((kr = space.allocate_port_set(&name)) == KERN_SUCCESS) {
      EXPECT_NE(name, MACH_PORT_DEAD);
      ++made;
    }
    EXPECT_EQ(kr, KERN_NO_SPACE);
    EXPECT_EQ(made, IpcSpace::kMaxEntries - 1);  // index 0 is never a name
    space.destroy();
    EXPECT_EQ(space.live_names(), 0u);
  }
  EXPECT_EQ(heap.leaked(), 0);
}

TEST(IpcNames, InvalidNamesAndWrongRights) {
  IpcSpace space;
  mach_port_name_t set;
  ASSERT_EQ(space.allocate_port_set(&set), KERN_SUCCESS);
  mach_port_name_t rcv = new_receive(space);
  mach_port_name_t out;
  EXPECT_EQ(space.insert_right(set, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.insert_right(0xdead00, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_INVALID_NAME);
  EXPECT_EQ(space.move_member(set, rcv), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.move_member(rcv, rcv), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.move_member(rcv, 0x777), KERN_INVALID_NAME);
  EXPECT_EQ(space.request_notification(rcv, 12345, MACH_PORT_NULL), KERN_INVALID_VALUE);
  EXPECT_EQ(space.request_notification(rcv, MACH_NOTIFY_DEAD_NAME, MACH_PORT_NULL), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.request_notification(set, MACH_NOTIFY_NO_SENDERS, rcv), KERN_INVALID_RIGHT);
  EXPECT_EQ(space.request_notification(rcv, MACH_NOTIFY_NO_SENDERS, set), KERN_INVALID_CAPABILITY);
  Received r = recv_msg(space, 0x4242);
  EXPECT_EQ(r.code, MACH_RCV_INVALID_NAME);
}
