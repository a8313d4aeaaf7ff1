// Port set membership. A set's waiters exist only while all members are
// empty, so adding a member that already has messages serves them at once.
#include "microcore/ipc/port_set.h"

#include "microcore/ipc/mach_msg.h"
#include "microcore/ipc/signals.h"
#include "rtl/own_ptr.h"

namespace microcore::ipc {

void port_set_remove(Port& port) {
  if (!port.set) return;
  port.set->members.remove(port);
  port.set = nullptr;
}

void port_set_add(PortSet& set, Port& port) {
  port_set_remove(port);
  set.members.push_back(port);
  port.set = &set;
  if (port.signals && !set.receivers.empty()) hand_signals(port, *set.receivers.front());
  // Hand queued messages to set waiters that fit them, oldest first.
  while (!set.receivers.empty() && !port.messages.empty()) {
    KernelMessage* message = port.messages.front();
    IpcWaiter& waiter = *set.receivers.front();
    if (message->size > waiter.rcv_size) {
      wake_waiter(waiter, MACH_RCV_TOO_LARGE);
      continue;
    }
    port.messages.remove(*message);
    wake_waiter(waiter, MACH_MSG_SUCCESS, message);
    if (!port.senders.empty() && port.messages.size() < port.queue_limit)
      wake_waiter(*port.senders.front(), MACH_MSG_SUCCESS);
  }
}

Port* port_set_first_nonempty(PortSet& set) {
  for (Port& port : set.members)
    if (port.signals || !port.messages.empty()) return &port;
  return nullptr;
}

void destroy_port_set(PortSet* set) {
  while (Port* port = set->members.front()) port_set_remove(*port);
  wake_all(set->receivers, MACH_RCV_PORT_DIED);
  rtl::OwnPtr<PortSet>::adopt(set).reset();
}

}  // namespace microcore::ipc
