// mach_msg copyout: give a message's rights and memory to the receiver and
// write the message as the receiver sees it.
//
// Mach's view on receipt: msgh_local_port names the destination (the
// receiver's receive right), msgh_remote_port the reply right, and the bits
// are swapped to match. The destination right the message travelled on is
// consumed here (a send right may trigger no-senders).
//
// Copyout never fails halfway: a right the receiver cannot be given (name
// table full, no memory) is released and reads MACH_PORT_NULL; an OOL region
// that cannot be mapped is discarded and reads address 0, size 0; the result
// is then MACH_RCV_INVALID_DATA. Nothing is leaked either way.
#include "microcore/ipc/mach_msg.h"
#include "microcore/ipc/rights.h"

namespace microcore::ipc {

namespace {

constexpr size_t kHeaderSize = sizeof(mach_msg_header_t);
constexpr size_t kBodySize = sizeof(mach_msg_body_t);

// Inserts `right` into the space; false if it carried a right that was lost.
bool give(IpcSpace& space, CarriedRight& right, mach_port_name_t* name) {
  bool had_right = right.disposition != 0 && right.port != nullptr;
  *name = space.insert_carried(right);
  right = CarriedRight{};
  return !(had_right && *name == MACH_PORT_NULL);
}

}  // namespace

mach_msg_return_t copyout(IpcSpace& receiver, KernelMessage* message, uint8_t* out, size_t cap,
                          const OolHooks& hooks) {
  if (cap < message->size) return MACH_RCV_TOO_LARGE;
  bool complete = true;

  // Reserve names up front so the common case never fails midway; if this
  // fails, insert_carried reports each right it cannot place.
  uint32_t rights = message->reply.port ? 1 : 0;
  for (uint32_t i = 0; i < message->descriptor_count; ++i)
    if (message->items[i].right.port) ++rights;
  (void)receiver.reserve(rights);

  mach_msg_header_t header = message->header();
  Port* dest = message->dest.port;
  uint8_t dest_type = message->dest.disposition;
  mach_port_name_t dest_name = MACH_PORT_DEAD;
  if (dest->active()) dest_name = dest->receiver_space == &receiver ? dest->receiver_name : MACH_PORT_NULL;
  message->dest = CarriedRight{};
  if (dest_type == MACH_MSG_TYPE_PORT_SEND) release_send(dest);
  else consume_send_once(dest);

  uint8_t reply_type = message->reply.disposition;
  mach_port_name_t reply_name = MACH_PORT_NULL;
  complete &= give(receiver, message->reply, &reply_name);

  __builtin_memcpy(out, message->bytes, message->size);
  header.msgh_bits = (header.msgh_bits & MACH_MSGH_BITS_COMPLEX) | MACH_MSGH_BITS(reply_type, dest_type);
  header.msgh_remote_port = reply_name;
  header.msgh_local_port = dest_name;
  header.msgh_voucher_port = MACH_PORT_NULL;
  __builtin_memcpy(out, &header, kHeaderSize);

  for (uint32_t i = 0; i < message->descriptor_count; ++i) {
    CarriedItem& item = message->items[i];
    uint8_t* slot = out + kHeaderSize + kBodySize + size_t(i) * AMPHI_MSG_DESCRIPTOR_SIZE;
    if (item.type == MACH_MSG_PORT_DESCRIPTOR) {
      mach_msg_port_descriptor_t d;
      __builtin_memcpy(&d, slot, sizeof d);
      complete &= give(receiver, item.right, &d.name);
      __builtin_memcpy(slot, &d, sizeof d);
      continue;
    }
    mach_msg_ool_descriptor_t d;
    __builtin_memcpy(&d, slot, sizeof d);
    d.address = 0;
    d.deallocate = 0;
    if (item.ool) {
      OolHandle handle = item.ool;
      item.ool = 0;
      rtl::Result<uint64_t> address =
          hooks.copyout ? hooks.copyout(hooks.context, handle, item.ool_size)
                        : rtl::Result<uint64_t>(rtl::Errc::not_supported);
      if (address.is_ok()) {
        d.address = address.value();
      } else {
        if (item.discard) item.discard(handle);
        d.size = 0;
        complete = false;
      }
    }
    __builtin_memcpy(slot, &d, sizeof d);
  }
  free_message_shell(message);
  return complete ? MACH_MSG_SUCCESS : MACH_RCV_INVALID_DATA;
}

}  // namespace microcore::ipc
