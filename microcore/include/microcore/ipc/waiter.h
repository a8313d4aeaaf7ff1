// IpcWaiter: one parked thread's stake in a port, a port set or a port's
// send queue. The glue owns the waiter (typically on the thread's kernel
// stack), links it with wait_for_message/wait_for_space, and the IPC core
// unlinks it, fills in `message`/`result` and calls `wake`.
//
// Invariants: a waiter is on at most one list; while linked, exactly one of
// `port`/`set` names what it waits on (the object stays alive while the
// waiter is linked, since its death unlinks and wakes every waiter). Once
// woken, the waiter is unlinked and owns `message` (if any).
#pragma once

#include <stdint.h>

#include "microcore/abi/message.h"
#include "rtl/intrusive_list.h"

namespace microcore::ipc {

struct KernelMessage;
struct Port;
struct PortSet;

struct IpcWaiter {
  rtl::IntrusiveListNode node;
  // Receive waits: a message handed over directly (fast path), or null with
  // a result (MACH_RCV_PORT_DIED, MACH_RCV_TOO_LARGE: retry receive to see).
  // Send waits: result MACH_MSG_SUCCESS means "space freed, retry send";
  // MACH_SEND_INVALID_DEST means the port died.
  KernelMessage* message = nullptr;
  mach_msg_return_t result = MACH_MSG_SUCCESS;
  void (*wake)(IpcWaiter* waiter) = nullptr;
  void* context = nullptr;            // the glue's (e.g. the Thread*)
  mach_msg_size_t rcv_size = 0;       // receive waits: the buffer's capacity
  // Receive waits: signal bits handed over instead of a message (nonzero
  // with message null), and the name of the port that had them.
  uint32_t signals = 0;
  mach_port_name_t signal_port_name = 0;
  Port* port = nullptr;               // set while linked on a port list
  PortSet* set = nullptr;             // set while linked on a port set list
};

using WaiterList = rtl::IntrusiveList<IpcWaiter, &IpcWaiter::node>;

// Unlinks `waiter` from whatever it waits on, sets `result` and calls wake.
void wake_waiter(IpcWaiter& waiter, mach_msg_return_t result, KernelMessage* message = nullptr);

// Wakes every waiter on `list` with `result`.
void wake_all(WaiterList& list, mach_msg_return_t result);

}  // namespace microcore::ipc
