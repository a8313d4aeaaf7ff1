// Moving messages through ports: send (queue or direct handoff), receive
// (dequeue), and parking/unparking waiters.
//
// Invariant kept here: receivers wait only on empty queues with no signals
// raised (signals.h), so a send with a
// waiter present hands the message over directly (the glue turns that into a
// direct switch to the receiver); a dequeue that frees a slot below the limit
// wakes the oldest blocked sender, which retries its send. A kernel port
// (kernel_port.h) never queues: its handler consumes the message in send().
#include "microcore/ipc/kernel_port.h"
#include "microcore/ipc/mach_msg.h"
#include "microcore/ipc/port_set.h"
#include "microcore/ipc/signals.h"

namespace microcore::ipc {

namespace {

void wake_one_sender(Port& port) {
  if (!port.senders.empty() && port.messages.size() < port.queue_limit)
    wake_waiter(*port.senders.front(), MACH_MSG_SUCCESS);
}

// Hands the inline body to the kernel port's handler and consumes the
// message; see kernel_port.h for what the handler may do.
SendResult deliver_to_kernel(Port& port, KernelMessage* message) {
  mach_msg_header_t header = message->header();
  if (header.msgh_bits & MACH_MSGH_BITS_COMPLEX) {
    destroy_message(message);
    return {SendOutcome::failed, MACH_SEND_INVALID_TYPE};
  }
  port.kernel_receiver.deliver(port.kernel_receiver.context, header.msgh_id, message->bytes + sizeof header,
                               message->size - sizeof header);
  destroy_message(message);
  return {SendOutcome::delivered, MACH_MSG_SUCCESS};
}

}  // namespace

SendResult send(KernelMessage* message, bool always) {
  Port* port = message->dest.port;
  RTL_ASSERT(port);
  if (!port->active()) {
    destroy_message(message);
    return {SendOutcome::failed, MACH_SEND_INVALID_DEST};
  }
  if (is_kernel_port(*port)) return deliver_to_kernel(*port, message);
  IpcWaiter* waiter = port->receivers.front();
  if (!waiter && port->set) waiter = port->set->receivers.front();
  if (waiter) {
    if (message->size <= waiter->rcv_size) {
      receiver_woken(*port, *waiter);
      wake_waiter(*waiter, MACH_MSG_SUCCESS, message);
    } else {
      port->messages.push_back(*message);
      wake_waiter(*waiter, MACH_RCV_TOO_LARGE);
    }
    return {SendOutcome::delivered, MACH_MSG_SUCCESS};
  }
  bool bypass = always || message->dest.disposition == MACH_MSG_TYPE_PORT_SEND_ONCE;
  if (!bypass && port->messages.size() >= port->queue_limit)
    return {SendOutcome::would_block, MACH_MSG_SUCCESS};
  port->messages.push_back(*message);
  return {SendOutcome::delivered, MACH_MSG_SUCCESS};
}

ReceiveResult receive(IpcSpace& receiver, mach_port_name_t name, mach_msg_size_t rcv_size) {
  SpaceEntry* entry = receiver.lookup(name);
  if (!entry) return {nullptr, MACH_RCV_INVALID_NAME, false};
  Port* port = nullptr;
  if (entry->bits & RightReceive) {
    port = entry->port;
    if (port->receive_hook.run) port->receive_hook.run(port->receive_hook.context);
  } else if (entry->bits & RightPortSet) {
    port = port_set_first_nonempty(*entry->set);
  } else {
    return {nullptr, MACH_RCV_INVALID_NAME, false};
  }
  if (port && port->signals) {
    if (rcv_size < sizeof(amphi_signal_message_t)) return {nullptr, MACH_RCV_TOO_LARGE, false};
    ReceiveResult result;
    result.signals = take_signals(*port);
    result.signal_port_name = port->receiver_name;
    return result;
  }
  if (!port || port->messages.empty()) return {nullptr, MACH_MSG_SUCCESS, true};
  KernelMessage* message = port->messages.front();
  if (message->size > rcv_size) return {nullptr, MACH_RCV_TOO_LARGE, false};
  port->messages.remove(*message);
  wake_one_sender(*port);
  return {message, MACH_MSG_SUCCESS, false};
}

void wait_for_message(Port& port, IpcWaiter& waiter) {
  RTL_ASSERT(port.active() && !waiter.node.is_linked());
  waiter.message = nullptr;
  waiter.result = MACH_MSG_SUCCESS;
  waiter.signals = 0;
  waiter.set = nullptr;
  waiter.port = &port;
  port.receivers.push_back(waiter);
}

void wait_for_message(PortSet& set, IpcWaiter& waiter) {
  RTL_ASSERT(!waiter.node.is_linked());
  waiter.message = nullptr;
  waiter.result = MACH_MSG_SUCCESS;
  waiter.signals = 0;
  waiter.port = nullptr;
  waiter.set = &set;
  set.receivers.push_back(waiter);
}

mach_msg_return_t wait_for_message(IpcSpace& receiver, mach_port_name_t name, IpcWaiter& waiter) {
  SpaceEntry* entry = receiver.lookup(name);
  if (entry && (entry->bits & RightReceive)) {
    wait_for_message(*entry->port, waiter);
    return MACH_MSG_SUCCESS;
  }
  if (entry && (entry->bits & RightPortSet)) {
    wait_for_message(*entry->set, waiter);
    return MACH_MSG_SUCCESS;
  }
  return MACH_RCV_INVALID_NAME;
}

void wait_for_space(Port& port, IpcWaiter& waiter) {
  RTL_ASSERT(port.active() && !waiter.node.is_linked());
  waiter.message = nullptr;
  waiter.result = MACH_MSG_SUCCESS;
  waiter.set = nullptr;
  waiter.port = &port;
  port.senders.push_back(waiter);
}

void cancel_wait(IpcWaiter& waiter) {
  if (waiter.port) {
    if (waiter.port->receivers.contains(waiter)) waiter.port->receivers.remove(waiter);
    else if (waiter.port->senders.contains(waiter)) waiter.port->senders.remove(waiter);
  } else if (waiter.set && waiter.set->receivers.contains(waiter)) {
    waiter.set->receivers.remove(waiter);
  }
  waiter.port = nullptr;
  waiter.set = nullptr;
}

}  // namespace microcore::ipc
