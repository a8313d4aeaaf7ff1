// The portable Mach IPC core: ports, port sets, name spaces, messages and
// mach_msg's pieces (copyin, send, receive, copyout). Include this header to
// get all of it.
//
// Concurrency contract: the IPC core is NOT internally locked. The kernel
// glue serializes every call into microcore::ipc with one IPC lock (one CPU
// today), including the wake callbacks the core invokes while that lock is
// held (a wake callback must only mark a thread runnable; it must not call
// back into the IPC core).
//
// Nothing here blocks. Where Mach would block (a full queue on send, an
// empty queue on receive) a call returns a "would block" outcome and the glue
// parks the thread on an IpcWaiter (waiter.h); the core later fills in the
// waiter's result and calls its wake callback.
//
// Errors are Mach codes (abi/message.h, abi/traps.h); allocation failure is
// always an error code (MACH_SEND_NO_BUFFER, KERN_RESOURCE_SHORTAGE, ...),
// never a panic, and leaves nothing allocated.
//
// Ownership at a glance:
//   - A Port is reference counted; every right (receive, send, send-once) that
//     exists anywhere (space entry, message, notification request) holds one
//     reference. Waiters hold none: a port's death unlinks its waiters.
//   - A PortSet belongs to exactly one space entry.
//   - A KernelMessage belongs to whoever holds the pointer: copyin's caller,
//     a port's queue, a woken waiter, until copyout or destroy_message.
#pragma once

#include "microcore/ipc/kernel_message.h"
#include "microcore/ipc/kernel_port.h"
#include "microcore/ipc/mach_msg.h"
#include "microcore/ipc/notify.h"
#include "microcore/ipc/ool.h"
#include "microcore/ipc/port.h"
#include "microcore/ipc/port_set.h"
#include "microcore/ipc/rights.h"
#include "microcore/ipc/signals.h"
#include "microcore/ipc/space.h"
#include "microcore/ipc/waiter.h"
