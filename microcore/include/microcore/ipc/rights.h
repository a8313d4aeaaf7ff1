// Making and dropping rights on a Port: the one place where srights,
// sorights, mscount and the port's reference count move, and where the
// notifications Mach ties to them are sent.
//
// Each function that "releases" consumes one right and the reference it held.
#pragma once

#include "microcore/ipc/kernel_message.h"
#include "microcore/ipc/port.h"

namespace microcore::ipc {

// New rights (each adds a reference).
void make_send(Port& port);       // from the receive right: mscount++
void copy_send(Port& port);       // from an existing send right
void make_send_once(Port& port);  // from the receive right

// Drops a send right; the last one sends the no-senders notification.
void release_send(Port* port);
// Destroys an unused send-once right: Mach sends MACH_NOTIFY_SEND_ONCE
// through it (nothing if the port is dead).
void release_send_once(Port* port);
// Drops a send-once right that was used (or whose notification could not be
// built): no message.
void consume_send_once(Port* port);
// Destroys the receive right: the port dies (see port.h) and every waiter,
// queued message, notification request goes with it.
void destroy_receive(Port* port);

// Releases whatever `right` holds and clears it.
void release_right(CarriedRight& right);

}  // namespace microcore::ipc
