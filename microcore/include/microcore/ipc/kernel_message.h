// KernelMessage: the kernel's copy of a message between copyin and copyout.
//
// One allocation holds this struct, the per-descriptor items, and the bytes
// exactly as the sender wrote them (header included, msgh_size bytes). The
// port names in those bytes are meaningless once copied in; the rights they
// named live in `dest`, `reply` and `items`, already converted to what the
// receiver will get (PORT_SEND, PORT_SEND_ONCE, PORT_RECEIVE).
//
// Invariants: every CarriedRight with a non-null port holds one reference on
// it and is counted in its srights/sorights (send kinds) or is its receive
// right (in transit). `dest` is always a send or send-once right to a port.
// Whoever owns a KernelMessage must eventually copy it out or destroy it.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/ipc/ool.h"
#include "rtl/intrusive_list.h"

namespace microcore::ipc {

struct Port;

// A right inside a message. disposition 0: no right (MACH_PORT_NULL).
// disposition set and port null: a dead name (MACH_PORT_DEAD).
struct CarriedRight {
  Port* port = nullptr;
  uint8_t disposition = 0;  // MACH_MSG_TYPE_PORT_SEND / _SEND_ONCE / _RECEIVE
};

struct CarriedItem {
  uint32_t type = MACH_MSG_PORT_DESCRIPTOR;  // or MACH_MSG_OOL_DESCRIPTOR
  CarriedRight right;                        // port descriptors
  OolHandle ool = 0;                         // OOL descriptors (0: empty region)
  uint64_t ool_size = 0;
  void (*discard)(OolHandle) = nullptr;      // how to drop `ool` if never received
};

struct KernelMessage {
  rtl::IntrusiveListNode queue_node;
  size_t allocation_bytes = 0;
  mach_msg_size_t size = 0;            // msgh_size: header + body + data
  uint32_t descriptor_count = 0;
  CarriedRight dest;
  CarriedRight reply;
  CarriedItem* items = nullptr;        // descriptor_count of them
  uint8_t* bytes = nullptr;            // size bytes, header first

  mach_msg_header_t header() const {
    mach_msg_header_t h;
    __builtin_memcpy(&h, bytes, sizeof h);
    return h;
  }
};

// Allocates an empty message for `size` bytes and `descriptors` items; null
// when the heap is exhausted. Rights and bytes are the caller's to fill.
KernelMessage* allocate_message(mach_msg_size_t size, uint32_t descriptors);

// Frees the allocation only; the message must carry nothing any more.
void free_message_shell(KernelMessage* message);

// Releases everything an undelivered message carries (rights with their
// notifications, OOL handles) and frees it. Null is ignored.
void destroy_message(KernelMessage* message);

}  // namespace microcore::ipc
