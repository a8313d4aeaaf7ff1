// IPC core: kernel ports (kernel_port.cpp and the delivery in transport.cpp).
#include <memory>
#include <string>

#include "microcore_ipc_test_support.h"

using namespace ipc_test;

namespace {

// A kernel port that records what it is handed, and a "server" space that
// holds a send right to it (given the way the glue gives it). TearDown ends
// both and checks that nothing leaked.
class KernelPortTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port = create_kernel_port({deliver, this});
    ASSERT_NE(port, nullptr);
    server = std::make_unique<IpcSpace>();
    ASSERT_EQ(server->reserve(1), KERN_SUCCESS);
    make_send(*port);
    send = server->insert_carried({port, MACH_MSG_TYPE_PORT_SEND});
  }
  void TearDown() override {
    if (port) destroy_kernel_port(port);
    if (server) server->destroy();
    server.reset();
    EXPECT_EQ(heap.leaked(), 0);
  }
  static void deliver(void* context, mach_msg_id_t id, const void* body, size_t size) {
    static_cast<KernelPortTest*>(context)->messages.push_back(
        {id, std::string(static_cast<const char*>(body), size)});
  }

  HeapScope heap;  // first: counts every allocation below
  std::vector<std::pair<mach_msg_id_t, std::string>> messages;
  Port* port = nullptr;
  std::unique_ptr<IpcSpace> server;
  mach_port_name_t send = MACH_PORT_NULL;
};

}  // namespace

TEST_F(KernelPortTest, MessagesAreDeliveredAtOnceNotQueued) {
  EXPECT_TRUE(is_kernel_port(*port));
  for (uint32_t i = 0; i < AMPHI_PORT_QUEUE_LIMIT + 3; ++i) {
    Msg m(send, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 0x44528002, 2);
    SendOutcome outcome{};
    EXPECT_EQ(send_msg(*server, m, no_ool(), &outcome), MACH_MSG_SUCCESS);
    EXPECT_EQ(outcome, SendOutcome::delivered);  // the queue limit never applies
  }
  EXPECT_TRUE(port->messages.empty());
  ASSERT_EQ(messages.size(), AMPHI_PORT_QUEUE_LIMIT + 3u);
  EXPECT_EQ(messages[0].first, 0x44528002);
  ASSERT_EQ(messages[0].second.size(), 8u);  // the body only, no header
  uint32_t first_word;
  std::memcpy(&first_word, messages[0].second.data(), 4);
  EXPECT_EQ(first_word, 0xabc00000u);
  EXPECT_EQ(info(*server, send).bits, uint32_t(RightSend));
}

TEST_F(KernelPortTest, PlainMessagesTakeTheFastPathAndNothingElseDoes) {
  Msg plain(send, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 0x44528002, 3);
  uint32_t rights_before = port->srights;
  EXPECT_TRUE(deliver_plain_to_kernel(*server, plain.bytes.data(), plain.bytes.size()));
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages[0].first, 0x44528002);
  EXPECT_EQ(messages[0].second.size(), 12u);
  EXPECT_EQ(port->srights, rights_before);  // COPY_SEND: the sender's right is untouched
  EXPECT_EQ(info(*server, send).bits, uint32_t(RightSend));

  // Everything else is left to the general path, untouched.
  mach_port_name_t reply = new_receive(*server);
  Msg with_reply(send, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE);
  Msg moved(send, MACH_MSG_TYPE_MOVE_SEND);
  Msg complex(send, MACH_MSG_TYPE_COPY_SEND);
  complex.body(0);
  Msg lying(send, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, 9, 2);
  lying.header().msgh_size += 4;
  Msg to_a_task_port(reply, MACH_MSG_TYPE_MAKE_SEND);
  Msg to_no_name(send + 100, MACH_MSG_TYPE_COPY_SEND);
  for (Msg* m : {&with_reply, &moved, &complex, &lying, &to_a_task_port, &to_no_name})
    EXPECT_FALSE(deliver_plain_to_kernel(*server, m->bytes.data(), m->bytes.size()));
  EXPECT_FALSE(deliver_plain_to_kernel(*server, plain.bytes.data(), plain.bytes.size() - 4));
  EXPECT_EQ(messages.size(), 1u);
  EXPECT_EQ(info(*server, send).bits, uint32_t(RightSend));

  // A dead kernel port is the general path's to report (MACH_SEND_INVALID_DEST).
  destroy_kernel_port(port);
  port = nullptr;
  EXPECT_FALSE(deliver_plain_to_kernel(*server, plain.bytes.data(), plain.bytes.size()));
  EXPECT_EQ(messages.size(), 1u);
}

TEST_F(KernelPortTest, ReplyRightCarriedToTheKernelGetsItsSendOnceNotification) {
  mach_port_name_t reply = new_receive(*server);
  Msg m(send, MACH_MSG_TYPE_COPY_SEND, reply, MACH_MSG_TYPE_MAKE_SEND_ONCE, 5);
  EXPECT_EQ(send_msg(*server, m), MACH_MSG_SUCCESS);
  EXPECT_EQ(messages.size(), 1u);
  // The handler keeps no rights: the unused send-once right comes back as
  // MACH_NOTIFY_SEND_ONCE.
  Received r = recv_msg(*server, reply);
  EXPECT_EQ(r.code, MACH_MSG_SUCCESS);
  EXPECT_EQ(r.header().msgh_id, MACH_NOTIFY_SEND_ONCE);
}

TEST_F(KernelPortTest, ComplexMessagesAreRefusedAndTheirRightsReleased) {
  mach_port_name_t other = new_receive(*server);
  Msg m(send, MACH_MSG_TYPE_COPY_SEND);
  m.body(1);
  m.port(other, MACH_MSG_TYPE_MAKE_SEND);
  EXPECT_EQ(send_msg(*server, m), MACH_SEND_INVALID_TYPE);
  EXPECT_TRUE(messages.empty());
  EXPECT_EQ(info(*server, other).port->srights, 0u);  // the send right the message made is gone
}

TEST_F(KernelPortTest, DestroyedPortLeavesDeadNamesAndIsNeverCalledAgain) {
  // The server asks to hear of the kernel port's death.
  mach_port_name_t notify = new_receive(*server);
  Port* notify_port = info(*server, notify).port;
  make_send_once(*notify_port);
  mach_port_name_t notify_once = server->insert_carried({notify_port, MACH_MSG_TYPE_PORT_SEND_ONCE});
  EXPECT_EQ(server->request_notification(send, MACH_NOTIFY_DEAD_NAME, notify_once), KERN_SUCCESS);
  destroy_kernel_port(port);
  port = nullptr;
  EXPECT_EQ(info(*server, send).bits, uint32_t(RightDeadName));
  EXPECT_EQ(recv_msg(*server, notify).header().msgh_id, MACH_NOTIFY_DEAD_NAME);
  Msg m(send, MACH_MSG_TYPE_COPY_SEND);
  EXPECT_EQ(send_msg(*server, m), MACH_SEND_INVALID_DEST);
  EXPECT_TRUE(messages.empty());
}

TEST_F(KernelPortTest, TaskDeathReleasesItsSendRight) {
  EXPECT_EQ(port->srights, 1u);
  server->destroy();
  server.reset();
  EXPECT_EQ(port->srights, 0u);
  EXPECT_TRUE(port->active());
  EXPECT_EQ(port->ref_count(), 1u);  // only the kernel's receive right
}
