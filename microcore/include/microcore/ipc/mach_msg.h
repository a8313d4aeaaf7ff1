// mach_msg in pieces, so the glue can park threads between them:
//
//   send:    copyin(sender space) -> send(message)        [would_block: park on
//            wait_for_space, retry send on wake; on timeout destroy_message
//            and return MACH_SEND_TIMED_OUT]
//   receive: receive(receiver space, name) -> copyout     [would_block: park
//            with wait_for_message; on wake, a handed-over waiter.message goes
//            straight to copyout, otherwise retry receive or return
//            waiter.result; on timeout cancel_wait and MACH_RCV_TIMED_OUT]
//
// Every function returns Mach's code for bad input; see each comment.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/ipc/kernel_message.h"
#include "microcore/ipc/ool.h"
#include "microcore/ipc/space.h"
#include "microcore/ipc/waiter.h"

namespace microcore::ipc {

struct CopyinResult {
  KernelMessage* message = nullptr;  // non-null iff code == MACH_MSG_SUCCESS
  mach_msg_return_t code = MACH_MSG_SUCCESS;
};

// Validates and copies in `send_size` bytes the sender wrote (already copied
// into kernel memory by the glue), taking the rights it names from `sender`.
// All-or-nothing: on error the sender's space and memory are unchanged.
//   MACH_SEND_MSG_TOO_SMALL  size < header, not a multiple of 4, descriptors
//                            beyond msgh_size
//   MACH_SEND_TOO_LARGE      size > AMPHI_MSG_MAX_INLINE, more than
//                            AMPHI_MSG_MAX_DESCRIPTORS, OOL > AMPHI_MSG_MAX_OOL
//   MACH_SEND_INVALID_HEADER msgh_size != send_size, unknown bits, voucher,
//                            a disposition that is not a send kind
//   MACH_SEND_INVALID_DEST   destination name not a live send/send-once right
//                            (or receive right with MAKE_*)
//   MACH_SEND_INVALID_REPLY  reply name the disposition cannot take
//   MACH_SEND_INVALID_TYPE   unknown descriptor type, disposition or copy mode
//   MACH_SEND_INVALID_RIGHT  a port descriptor's name/disposition mismatch,
//                            or moving the destination's own receive right
//   MACH_SEND_INVALID_MEMORY OOL copyin hook failed
//   MACH_SEND_NO_BUFFER      kernel heap exhausted
CopyinResult copyin(IpcSpace& sender, const uint8_t* bytes, size_t send_size, const OolHooks& hooks);

enum class SendOutcome {
  delivered,    // queued or handed to a waiting receiver; code MACH_MSG_SUCCESS
  would_block,  // queue full: the caller still owns the message
  failed,       // code says why; the message was destroyed
};

struct SendResult {
  SendOutcome outcome = SendOutcome::delivered;
  mach_msg_return_t code = MACH_MSG_SUCCESS;
};

// Sends a copied-in message to its destination (see port.h for the limit).
// Direct handoff: if a receiver waits on the port (or its set), the message
// goes to the first waiter (waiter.message) and wake runs. A waiter whose
// buffer is too small is woken with MACH_RCV_TOO_LARGE and the message
// queued instead. `always` bypasses the queue limit (kernel senders).
SendResult send(KernelMessage* message, bool always = false);

struct ReceiveResult {
  KernelMessage* message = nullptr;  // when code == MACH_MSG_SUCCESS (or signals)
  mach_msg_return_t code = MACH_MSG_SUCCESS;
  bool would_block = false;          // nothing queued: park and wait
  uint32_t signals = 0;              // nonzero: these signals instead of a message
  mach_port_name_t signal_port_name = 0;
};

// Takes the signals of the receive right or port set `name` if it has any
// (see signals.h), else dequeues its oldest message.
//   MACH_RCV_INVALID_NAME  name is neither
//   MACH_RCV_TOO_LARGE     the next message exceeds rcv_size (left queued;
//                          signals are left raised)
ReceiveResult receive(IpcSpace& receiver, mach_port_name_t name, mach_msg_size_t rcv_size);

// Writes `message` into `out` as the receiver sees it and consumes it:
// msgh_local_port = the destination's name in the receiver's space (its
// receive right), msgh_remote_port = the reply right, bits swapped
// accordingly, port descriptors carry the new names, OOL descriptors new
// addresses. Returns
//   MACH_RCV_TOO_LARGE    cap < message size (message NOT consumed)
//   MACH_RCV_INVALID_DATA a right or region could not be given to the
//                         receiver (name table full / no memory / OOL copyout
//                         failed): it was released instead, its name reads
//                         MACH_PORT_NULL, an OOL descriptor reads address 0
//                         and size 0; everything else is delivered.
mach_msg_return_t copyout(IpcSpace& receiver, KernelMessage* message, uint8_t* out, size_t cap,
                          const OolHooks& hooks);

// Parks `waiter` on the receive right or port set `name` (waiter.rcv_size
// and wake must be set). MACH_RCV_INVALID_NAME if neither.
mach_msg_return_t wait_for_message(IpcSpace& receiver, mach_port_name_t name, IpcWaiter& waiter);
void wait_for_message(Port& port, IpcWaiter& waiter);
void wait_for_message(PortSet& set, IpcWaiter& waiter);
// Parks a sender whose send() returned would_block on the destination.
void wait_for_space(Port& port, IpcWaiter& waiter);
// Timeout or interruption: unlinks the waiter if still linked (no wake).
void cancel_wait(IpcWaiter& waiter);

}  // namespace microcore::ipc
