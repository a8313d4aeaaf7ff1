// Kernel ports: ports whose messages the kernel consumes as they are sent
// (Mach's kobject ports). A driver server answers the executive on one: the
// executive learns of a completion the moment the server sends it, without
// a kernel thread parked in receive.
//
// Delivery: send() on a kernel port calls receiver.deliver(context, msgh_id,
// body, size) with the inline bytes after the header, then destroys the
// message (so a reply right it carried gets its send-once notification).
// A complex message (port or OOL descriptors) is refused with
// MACH_SEND_INVALID_TYPE: nothing but plain bytes reaches a kernel handler.
// The queue limit never applies: nothing is queued.
//
// Concurrency: deliver runs inside send(), that is under the glue's IPC
// lock, in the sender's context. It must be a leaf: it may take locks that
// are never held around IPC calls, wake threads and record state, but must
// not call into the IPC core (no sends, no right changes) or block.
//
// Lifetime: the kernel holds the receive right (one reference) from
// create_kernel_port until destroy_kernel_port; send rights held by tasks
// then turn into dead names, like any port whose receiver died. After
// destroy_kernel_port returns, deliver is never called again.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/ipc/port.h"
#include "microcore/ipc/space.h"

namespace microcore::ipc {

// Null when the heap is exhausted; receiver.deliver must not be null.
Port* create_kernel_port(KernelReceiver receiver);
void destroy_kernel_port(Port* port);

inline bool is_kernel_port(const Port& port) { return port.kernel_receiver.deliver != nullptr; }

// The fast path for the commonest kernel-port message, a driver server's
// answer: plain bytes sent with COPY_SEND and no reply right. Its body goes
// to the handler straight from the sender's copied-in bytes; no kernel
// message is built and no right changes hands (COPY_SEND leaves the
// sender's right as it was), so the outcome is the one send() would have
// had, minus an allocation, a copy and the bookkeeping of a right.
// False, with nothing done, for any other message: the caller takes the
// general path, which validates it and reports what is wrong. Same
// concurrency rule as send(): under the glue's IPC lock.
bool deliver_plain_to_kernel(IpcSpace& sender, const uint8_t* bytes, size_t size);

}  // namespace microcore::ipc
