// Port lifetime checks and the waiter helpers shared by every queue.
#include "microcore/ipc/port.h"

#include "microcore/ipc/port_set.h"

namespace microcore::ipc {

Port::~Port() {
  // The last reference goes only after the receive right was destroyed,
  // which empties the queue and wakes every waiter.
  RTL_ASSERT(!active_);
  RTL_ASSERT(messages.empty() && receivers.empty() && senders.empty());
  RTL_ASSERT(dead_name_requests.empty() && !no_senders_notify && !set);
}

void wake_waiter(IpcWaiter& waiter, mach_msg_return_t result, KernelMessage* message) {
  if (waiter.port) {
    if (waiter.port->receivers.contains(waiter)) waiter.port->receivers.remove(waiter);
    else if (waiter.port->senders.contains(waiter)) waiter.port->senders.remove(waiter);
  } else if (waiter.set) {
    waiter.set->receivers.remove(waiter);
  }
  waiter.port = nullptr;
  waiter.set = nullptr;
  waiter.result = result;
  waiter.message = message;
  if (waiter.wake) waiter.wake(&waiter);
}

void wake_all(WaiterList& list, mach_msg_return_t result) {
  while (IpcWaiter* waiter = list.front()) wake_waiter(*waiter, result);
}

void set_queue_limit(Port& port, uint32_t limit) {
  port.queue_limit = limit;
  while (!port.senders.empty() && port.messages.size() < port.queue_limit)
    wake_waiter(*port.senders.front(), MACH_MSG_SUCCESS);
}

}  // namespace microcore::ipc
