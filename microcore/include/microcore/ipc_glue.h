// The Mach IPC traps: the portable IPC core (microcore/ipc/) bound to
// threads, user memory and the scheduler. One IPC lock serializes the core;
// threads park on IpcWaiters and are woken — or switched to directly, on
// the call/reply fast path — by the scheduler.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/abi/message.h"
#include "microcore/task.h"
#include "rtl/result.h"

namespace microcore {

rtl::Result<void> ipc_attach_space(Task& task);
void ipc_detach_space(Task& task);

namespace ipc {
struct Port;
}

// Kernel-held send rights (interrupt delivery): made from a receive right
// the task holds, used to send kernel-composed messages, released at unbind.
rtl::Result<ipc::Port*> ipc_kernel_send_right(Task& task, uint32_t receive_right_name);
void ipc_release_kernel_send_right(ipc::Port* port);
// Sends a message with `body` and id from the kernel over a copy of the send
// right `port` (which the kernel keeps).
void ipc_send_kernel_message(ipc::Port* port, int32_t id, const void* body, size_t size);

// Raises port signals (ipc/signals.h) on the port a kernel-held send right
// names. Allocates nothing and may be called from an interrupt handler (the
// IPC lock keeps interrupts off wherever it is held). `placement` says where
// a receiver woken by it queues (scheduler.h).
void ipc_raise_signals(ipc::Port* port, uint32_t bits, WakePlacement placement = WakePlacement::back);
// Attaches a signal mailbox (abi/message.h) to the port a kernel-held send
// right names, or detaches it (null). `mailbox` is a kernel address in a
// page the caller shares with the receiving task and keeps until it
// detaches the mailbox or the port is dead.
void ipc_attach_signal_mailbox(ipc::Port* port, amphi_signal_mailbox_t* mailbox);
// Attaches a receive hook (ipc/port.h's ReceiveHook) to the port a
// kernel-held send right names, or detaches it (null `run`): run(context)
// is called, under the IPC lock, each time the port's receiver starts a
// receive on it. Same rules as a kernel port's deliver: a leaf. After a
// detach returns, run is never called again.
void ipc_attach_receive_hook(ipc::Port* port, void (*run)(void* context), void* context);

// A new receive right in `task`'s space, made by the kernel on its behalf
// (before the task runs: the port a driver server receives requests on);
// returns its name there. ipc_kernel_send_right then gives the kernel a
// send right to it.
rtl::Result<uint32_t> ipc_allocate_receive(Task& task);

// Kernel ports (ipc/kernel_port.h): the kernel receives every message sent
// to the port by calling deliver(context, msgh_id, body, size) at once, in
// the sender's context, under the IPC lock: deliver must be a leaf (no IPC
// calls, no blocking; locks it takes are never held around IPC calls).
using KernelPortHandler = void (*)(void* context, int32_t id, const void* body, size_t size);
rtl::Result<ipc::Port*> ipc_create_kernel_port(KernelPortHandler deliver, void* context);
// Gives `task` a send right to the kernel port; returns its name there.
rtl::Result<uint32_t> ipc_insert_kernel_port_send(Task& task, ipc::Port* port);
// Ends the port: the tasks' send rights become dead names; deliver is never
// called again once this returns.
void ipc_destroy_kernel_port(ipc::Port* port);

int64_t ipc_trap_mach_msg(uint64_t user_message, uint32_t options, uint32_t send_size, uint32_t rcv_size,
                          uint32_t rcv_name, uint64_t timeout_ns);
int64_t ipc_trap_port_allocate(uint32_t right);
int64_t ipc_trap_port_deallocate(uint32_t name);
int64_t ipc_trap_port_mod_refs(uint32_t name, uint32_t right, int32_t delta);
int64_t ipc_trap_port_insert_right(uint32_t name, uint32_t disposition);
int64_t ipc_trap_port_move_member(uint32_t member, uint32_t set);
int64_t ipc_trap_request_notification(uint32_t name, int32_t id, uint32_t notify);
int64_t ipc_trap_bootstrap_register(uint64_t user_name, uint64_t length, uint32_t send_right);
int64_t ipc_trap_bootstrap_look_up(uint64_t user_name, uint64_t length);

}  // namespace microcore
