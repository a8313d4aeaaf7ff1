// Kernel-originated messages: notifications and messages the kernel composes
// itself (e.g. an interrupt delivered to a driver's port).
//
// Kernel messages are never blocked by the queue limit (Mach's SEND_ALWAYS):
// the kernel cannot wait. If the message cannot be allocated it is lost, the
// right it was to travel on is dropped silently, and MACH_SEND_NO_BUFFER is
// returned; nothing leaks.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/ipc/port.h"

namespace microcore::ipc {

// Sends notification `id` through the send-once right `notify` (consumed).
// `payload` becomes the 4-byte body (not_port / not_count); has_payload
// false sends a bare header (MACH_NOTIFY_SEND_ONCE).
mach_msg_return_t send_notification(Port* notify, mach_msg_id_t id, uint32_t payload,
                                    bool has_payload = true);

// Sends a kernel-composed message to `dest` over a right the kernel holds:
// right_type MACH_MSG_TYPE_PORT_SEND or _PORT_SEND_ONCE, consumed either way.
// `body` (body_size bytes, a multiple of 4) follows the header. No rights or
// descriptors are carried.
mach_msg_return_t compose_kernel_message(Port* dest, uint8_t right_type, mach_msg_id_t id,
                                         const void* body, size_t body_size);

}  // namespace microcore::ipc
