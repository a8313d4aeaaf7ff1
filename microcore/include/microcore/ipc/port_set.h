// PortSet: receive from many ports at once. Owned by the one space entry
// that names it (port sets never travel in messages).
//
// Invariants: every member's `set` points here and each port is in at most
// one set; waiters on `receivers` wait for a message on any member, and
// exist only while every member's queue is empty.
#pragma once

#include "microcore/ipc/port.h"
#include "microcore/ipc/waiter.h"
#include "rtl/intrusive_list.h"

namespace microcore::ipc {

using PortList = rtl::IntrusiveList<Port, &Port::set_node>;

struct PortSet {
  PortList members;
  WaiterList receivers;
};

// Puts `port` in `set` (leaving any previous set). If the port has queued
// messages and the set has waiters, they are served now.
void port_set_add(PortSet& set, Port& port);
void port_set_remove(Port& port);  // no-op when not in a set

// The first member with signals raised or a message queued, in membership
// order.
Port* port_set_first_nonempty(PortSet& set);

// Removes every member and wakes waiters with MACH_RCV_PORT_DIED; frees it.
void destroy_port_set(PortSet* set);

}  // namespace microcore::ipc
