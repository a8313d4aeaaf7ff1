// Port: a Mach port, the kernel object every right names.
//
// The receive right has exactly one owner: an IpcSpace (receiver_space,
// receiver_name), a message in transit (in_transit), or nobody once the port
// is dead (!active()). A dead port never becomes active again; it lingers
// only while rights elsewhere still reference it (they turn into dead names).
//
// Counts: srights counts send rights existing anywhere (a space entry counts
// once however many urefs it has; each message slot counts once), sorights
// the send-once rights, mscount the send rights ever made from the receive
// right (reported in the no-senders notification).
//
// Signals: bits raised by the kernel (signals.h), delivered ahead of the
// queue as one synthesized message.
//
// Queue: FIFO of messages, at most queue_limit of them for ordinary sends
// (send-once and kernel messages bypass the limit, as in Mach). Receivers
// waiting for a message park on `receivers`; senders waiting for room on
// `senders`. Both lists are empty whenever the port is dead.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/ipc/kernel_message.h"
#include "microcore/ipc/waiter.h"
#include "rtl/intrusive_list.h"
#include "rtl/ref_counted.h"

namespace microcore::ipc {

class IpcSpace;
struct PortSet;
struct DeadNameRequest;

// What a port stands for when the kernel itself serves it (a task, a device).
// The IPC core only stores it.
struct KernelObjectBinding {
  void* object = nullptr;
  uint32_t kind = 0;  // 0: an ordinary port
};

using MessageQueue = rtl::IntrusiveList<KernelMessage, &KernelMessage::queue_node>;

// A port the kernel itself receives on (Mach's kobject port, kernel_port.h):
// every message sent to it is handed to `deliver` at once instead of being
// queued. Null `deliver`: an ordinary port.
struct KernelReceiver {
  void (*deliver)(void* context, mach_msg_id_t id, const void* body, size_t size) = nullptr;
  void* context = nullptr;
};

// A kernel function run each time the port's receiver starts a receive on
// it (by the port's name, not through a set), before signals and the queue
// are looked at. A kernel service that shares a ring with the receiver
// takes what the receiver left there: a driver server's completions
// (drivers/request_ring.h), which so need no message of their own, since the
// server's next receive (before it sleeps or hears anything new) is news
// enough. Runs under the IPC lock in the receiver's context: a leaf, like a
// kernel port's deliver (kernel_port.h).
struct ReceiveHook {
  void (*run)(void* context) = nullptr;
  void* context = nullptr;
};

struct DeadNameRequest {
  rtl::IntrusiveListNode node;
  Port* port = nullptr;        // the port watched (on its dead_name_requests)
  IpcSpace* space = nullptr;   // whose name it is about
  mach_port_name_t name = 0;
  Port* notify = nullptr;      // a send-once right (holds a reference)
};

using DeadNameRequestList = rtl::IntrusiveList<DeadNameRequest, &DeadNameRequest::node>;

struct Port : rtl::RefCounted<Port> {
  Port() = default;
  ~Port();

  bool active() const { return active_; }

  bool active_ = true;
  IpcSpace* receiver_space = nullptr;
  mach_port_name_t receiver_name = MACH_PORT_NULL;
  bool in_transit = false;

  MessageQueue messages;
  uint32_t queue_limit = AMPHI_PORT_QUEUE_LIMIT;
  // Signal bits raised and not yet received (signals.h); a receive takes
  // them before any queued message.
  uint32_t signals = 0;
  // Where signals go while the receiver runs (abi/message.h's mailbox
  // handshake), or null. Set and cleared by the kernel service that owns
  // the mailbox's page, under the IPC lock; that service keeps the page
  // until it clears this.
  amphi_signal_mailbox_t* mailbox = nullptr;
  // Set and cleared like the mailbox, by the service that owns it.
  ReceiveHook receive_hook;
  WaiterList receivers;
  WaiterList senders;

  uint32_t srights = 0;
  uint32_t sorights = 0;
  uint32_t mscount = 0;
  Port* no_senders_notify = nullptr;  // a send-once right (holds a reference)
  DeadNameRequestList dead_name_requests;

  PortSet* set = nullptr;
  rtl::IntrusiveListNode set_node;

  KernelObjectBinding kobject;
  // Set only on kernel ports (kernel_port.h); such a port has no receiver
  // space, never queues a message and never has waiters or a set.
  KernelReceiver kernel_receiver;
};

// Changes the queue limit (mach_port_set_attributes' qlimit). Raising it
// wakes blocked senders that now fit.
void set_queue_limit(Port& port, uint32_t limit);

}  // namespace microcore::ipc
