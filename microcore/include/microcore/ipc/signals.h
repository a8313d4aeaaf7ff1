// Port signals: how the kernel tells a task "something happened" without a
// message. An interrupt handler cannot allocate, and a doorbell that says
// only "look at the shared ring" needs no body; both set bits on the port
// (Port::signals). Bits raised while nobody receives collect (OR): many
// interrupts before the driver looks are one signal, as with an edge-
// triggered line or seL4's notification words. A receive takes all of a
// port's bits at once, ahead of its queued messages, as an
// AMPHI_MSG_ID_SIGNALS message the glue writes (abi/message.h).
//
// Only the kernel raises signals; a task's send rights cannot. The IPC lock
// is held around every call, as for the rest of the core.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/ipc/port.h"

namespace microcore::ipc {

// ORs `bits` into the port's signals and, if a receiver waits on the port
// or its set, hands them over at once (waiter.signals). No allocation.
// A dead port ignores them. A port with a mailbox whose receiver is
// running gets them in the mailbox instead (abi/message.h).
void raise_signals(Port& port, uint32_t bits);

// Gives the port's raised signals to `waiter` (receiving on the port or its
// set) and wakes it; a waiter whose buffer cannot hold the signal message
// is woken with MACH_RCV_TOO_LARGE instead and the signals stay raised.
void hand_signals(Port& port, IpcWaiter& waiter);

// `waiter`, receiving on `port`, is about to be woken with signals or a
// message. A port with a mailbox then says "running" on the receiver's
// behalf (abi/message.h): bits raised before it runs wait in the mailbox,
// which it reads before it sleeps again, instead of on the port, where they
// would cost it one more receive to find.
void receiver_woken(Port& port, const IpcWaiter& waiter);

// Takes (clears) and returns the port's raised signals.
uint32_t take_signals(Port& port);

// The message a receiver sees for `bits` taken from its port `name`.
amphi_signal_message_t signal_message(uint32_t bits, mach_port_name_t name);

}  // namespace microcore::ipc
