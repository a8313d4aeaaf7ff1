// Kernel-originated messages. They travel over a right the kernel holds and
// bypass the queue limit; on allocation failure the right is dropped without
// a further notification (which could fail the same way, endlessly).
#include "microcore/ipc/notify.h"

#include "microcore/ipc/mach_msg.h"
#include "microcore/ipc/rights.h"

namespace microcore::ipc {

namespace {

void drop_right(Port* port, uint8_t right_type) {
  if (right_type == MACH_MSG_TYPE_PORT_SEND_ONCE) consume_send_once(port);
  else release_send(port);
}

}  // namespace

mach_msg_return_t compose_kernel_message(Port* dest, uint8_t right_type, mach_msg_id_t id,
                                         const void* body, size_t body_size) {
  RTL_ASSERT(right_type == MACH_MSG_TYPE_PORT_SEND || right_type == MACH_MSG_TYPE_PORT_SEND_ONCE);
  if (!dest->active()) {
    drop_right(dest, right_type);
    return MACH_SEND_INVALID_DEST;
  }
  if (body_size % 4 != 0 || body_size > AMPHI_MSG_MAX_INLINE - sizeof(mach_msg_header_t)) {
    drop_right(dest, right_type);
    return MACH_SEND_TOO_LARGE;
  }
  auto size = mach_msg_size_t(sizeof(mach_msg_header_t) + body_size);
  KernelMessage* message = allocate_message(size, 0);
  if (!message) {
    drop_right(dest, right_type);
    return MACH_SEND_NO_BUFFER;
  }
  mach_msg_header_t header{};
  header.msgh_bits = MACH_MSGH_BITS(right_type, 0);
  header.msgh_size = size;
  header.msgh_id = id;
  __builtin_memcpy(message->bytes, &header, sizeof header);
  if (body_size) __builtin_memcpy(message->bytes + sizeof header, body, body_size);
  message->dest = CarriedRight{dest, right_type};
  return send(message, /*always=*/true).code;
}

mach_msg_return_t send_notification(Port* notify, mach_msg_id_t id, uint32_t payload,
                                    bool has_payload) {
  return compose_kernel_message(notify, MACH_MSG_TYPE_PORT_SEND_ONCE, id, &payload,
                                has_payload ? sizeof payload : 0);
}

}  // namespace microcore::ipc
