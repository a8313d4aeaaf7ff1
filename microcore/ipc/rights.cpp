// Right counting and the notifications tied to it (Mach semantics):
//   last send right gone        -> MACH_NOTIFY_NO_SENDERS to the request
//   unused send-once destroyed  -> MACH_NOTIFY_SEND_ONCE through that right
//   receive right destroyed     -> port dies: queue destroyed, waiters woken,
//                                  dead-name requests fire, no-senders
//                                  request destroyed (send-once notification)
// Destroying a receive right destroys the messages queued on it, which may
// carry further receive rights: the recursion depth is the nesting depth of
// receive rights inside queued messages.
#include "microcore/ipc/rights.h"

#include "microcore/ipc/notify.h"
#include "microcore/ipc/port_set.h"
#include "microcore/ipc/space.h"
#include "rtl/own_ptr.h"

namespace microcore::ipc {

void make_send(Port& port) {
  port.ref();
  ++port.srights;
  ++port.mscount;
}

void copy_send(Port& port) {
  port.ref();
  ++port.srights;
}

void make_send_once(Port& port) {
  port.ref();
  ++port.sorights;
}

void release_send(Port* port) {
  RTL_ASSERT(port->srights > 0);
  if (--port->srights == 0 && port->active() && port->no_senders_notify) {
    Port* notify = port->no_senders_notify;
    port->no_senders_notify = nullptr;
    (void)send_notification(notify, MACH_NOTIFY_NO_SENDERS, port->mscount);
  }
  port->unref();
}

void consume_send_once(Port* port) {
  RTL_ASSERT(port->sorights > 0);
  --port->sorights;
  port->unref();
}

void release_send_once(Port* port) {
  if (!port->active()) return consume_send_once(port);
  (void)send_notification(port, MACH_NOTIFY_SEND_ONCE, 0, false);
}

void destroy_receive(Port* port) {
  RTL_ASSERT(port->active());
  port->active_ = false;
  port->receiver_space = nullptr;
  port->receiver_name = MACH_PORT_NULL;
  port->in_transit = false;
  port->signals = 0;
  port_set_remove(*port);
  wake_all(port->receivers, MACH_RCV_PORT_DIED);
  wake_all(port->senders, MACH_SEND_INVALID_DEST);
  while (KernelMessage* message = port->messages.pop_front()) destroy_message(message);
  if (Port* notify = port->no_senders_notify) {
    port->no_senders_notify = nullptr;
    release_send_once(notify);
  }
  while (DeadNameRequest* request = port->dead_name_requests.pop_front()) {
    // The entry turns into a dead name now; the notification carries one
    // extra dead-name uref (Mach).
    request->space->dead_name_fired(request->name);
    (void)send_notification(request->notify, MACH_NOTIFY_DEAD_NAME, request->name);
    rtl::OwnPtr<DeadNameRequest>::adopt(request).reset();
  }
  port->unref();
}

void release_right(CarriedRight& right) {
  Port* port = right.port;
  uint8_t disposition = right.disposition;
  right = CarriedRight{};
  if (!port) return;
  switch (disposition) {
    case MACH_MSG_TYPE_PORT_SEND: release_send(port); break;
    case MACH_MSG_TYPE_PORT_SEND_ONCE: release_send_once(port); break;
    case MACH_MSG_TYPE_PORT_RECEIVE: destroy_receive(port); break;
    default: RTL_ASSERT(false);
  }
}

}  // namespace microcore::ipc
