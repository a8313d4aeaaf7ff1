// mach_msg copyin: validate a user message and take its rights and memory.
//
// All-or-nothing in three passes:
//   1. check the header and descriptors and *simulate* taking every right on
//      a shadow of the names involved (so using one name several times in a
//      message behaves as Mach's sequential copyin: MOVE_SEND twice needs two
//      urefs, MAKE_SEND after MOVE_RECEIVE of the same name fails);
//   2. allocate the message and copy in OOL regions (fallible; undone by
//      discarding the handles taken so far);
//   3. take the rights from the space for real (cannot fail).
#include "microcore/ipc/mach_msg.h"

namespace microcore::ipc {

namespace {

constexpr size_t kHeaderSize = sizeof(mach_msg_header_t);
constexpr size_t kBodySize = sizeof(mach_msg_body_t);
constexpr uint32_t kMaxRights = 2 + AMPHI_MSG_MAX_DESCRIPTORS;

bool is_send_disposition(uint32_t d) {
  return d == MACH_MSG_TYPE_MOVE_SEND || d == MACH_MSG_TYPE_COPY_SEND ||
         d == MACH_MSG_TYPE_MAKE_SEND || d == MACH_MSG_TYPE_MOVE_SEND_ONCE ||
         d == MACH_MSG_TYPE_MAKE_SEND_ONCE;
}

// The type the receiver will see for a sender's disposition.
uint8_t received_type(uint32_t d) {
  switch (d) {
    case MACH_MSG_TYPE_MOVE_RECEIVE: return MACH_MSG_TYPE_PORT_RECEIVE;
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
    case MACH_MSG_TYPE_MAKE_SEND_ONCE: return MACH_MSG_TYPE_PORT_SEND_ONCE;
    default: return MACH_MSG_TYPE_PORT_SEND;
  }
}

struct Shadow {
  mach_port_name_t name;
  uint32_t bits;
  uint32_t urefs;
  Port* port;
};

// What the space would hold after the rights simulated so far.
class ShadowSpace {
 public:
  explicit ShadowSpace(IpcSpace& space) : space_(space) {}

  // Simulates taking (name, disposition); false if the space cannot give it.
  // *port is the port the right is for (null: a dead name).
  bool take(mach_port_name_t name, uint32_t disposition, Port** port) {
    Shadow* s = find(name);
    if (!s) return false;
    *port = s->port;
    bool dead = s->bits & RightDeadName;
    switch (disposition) {
      case MACH_MSG_TYPE_MAKE_SEND:
      case MACH_MSG_TYPE_MAKE_SEND_ONCE: return s->bits & RightReceive;
      case MACH_MSG_TYPE_COPY_SEND:
        if (dead) *port = nullptr;
        return (s->bits & RightSend) || dead;
      case MACH_MSG_TYPE_MOVE_SEND:
        if (dead) *port = nullptr;
        if (!(s->bits & RightSend) && !dead) return false;
        if (--s->urefs == 0) s->bits &= ~(RightSend | RightDeadName);
        return true;
      case MACH_MSG_TYPE_MOVE_SEND_ONCE:
        if (dead) {
          *port = nullptr;
          if (--s->urefs == 0) s->bits = 0;
          return true;
        }
        if (!(s->bits & RightSendOnce)) return false;
        s->bits = 0;
        return true;
      case MACH_MSG_TYPE_MOVE_RECEIVE:
        if (!(s->bits & RightReceive)) return false;
        s->bits &= ~RightReceive;
        return true;
      default: return false;
    }
  }

 private:
  Shadow* find(mach_port_name_t name) {
    for (uint32_t i = 0; i < count_; ++i)
      if (shadows_[i].name == name) return &shadows_[i];
    SpaceEntry* entry = space_.lookup(name);
    if (!entry) return nullptr;
    RTL_ASSERT(count_ < kMaxRights);
    shadows_[count_] = Shadow{name, entry->bits, entry->urefs, entry->port};
    return &shadows_[count_++];
  }

  IpcSpace& space_;
  Shadow shadows_[kMaxRights];
  uint32_t count_ = 0;
};

bool is_real_name(mach_port_name_t name) { return name != MACH_PORT_NULL && name != MACH_PORT_DEAD; }

CopyinResult fail(mach_msg_return_t code) { return {nullptr, code}; }

}  // namespace

CopyinResult copyin(IpcSpace& sender, const uint8_t* bytes, size_t send_size, const OolHooks& hooks) {
  // ---- pass 1: validate and simulate ----
  if (send_size < kHeaderSize || send_size % 4 != 0) return fail(MACH_SEND_MSG_TOO_SMALL);
  if (send_size > AMPHI_MSG_MAX_INLINE) return fail(MACH_SEND_TOO_LARGE);
  mach_msg_header_t header;
  __builtin_memcpy(&header, bytes, kHeaderSize);
  if (header.msgh_size != send_size) return fail(MACH_SEND_INVALID_HEADER);
  if (header.msgh_bits & ~MACH_MSGH_BITS_USED) return fail(MACH_SEND_INVALID_HEADER);
  if (header.msgh_voucher_port != MACH_PORT_NULL) return fail(MACH_SEND_INVALID_HEADER);
  uint32_t dest_type = MACH_MSGH_BITS_REMOTE(header.msgh_bits);
  uint32_t reply_type = MACH_MSGH_BITS_LOCAL(header.msgh_bits);
  if (!is_send_disposition(dest_type)) return fail(MACH_SEND_INVALID_HEADER);
  if (reply_type == 0 ? header.msgh_local_port != MACH_PORT_NULL : !is_send_disposition(reply_type))
    return fail(MACH_SEND_INVALID_HEADER);

  uint32_t count = 0;
  bool complex = header.msgh_bits & MACH_MSGH_BITS_COMPLEX;
  if (complex) {
    if (send_size < kHeaderSize + kBodySize) return fail(MACH_SEND_MSG_TOO_SMALL);
    mach_msg_body_t body;
    __builtin_memcpy(&body, bytes + kHeaderSize, kBodySize);
    count = body.msgh_descriptor_count;
    if (count > AMPHI_MSG_MAX_DESCRIPTORS) return fail(MACH_SEND_TOO_LARGE);
    if (kHeaderSize + kBodySize + size_t(count) * AMPHI_MSG_DESCRIPTOR_SIZE > send_size)
      return fail(MACH_SEND_MSG_TOO_SMALL);
  }
  auto descriptor_at = [&](uint32_t i) {
    return bytes + kHeaderSize + kBodySize + size_t(i) * AMPHI_MSG_DESCRIPTOR_SIZE;
  };

  ShadowSpace shadow(sender);
  Port* dest = nullptr;
  if (!is_real_name(header.msgh_remote_port) || !shadow.take(header.msgh_remote_port, dest_type, &dest) ||
      !dest)
    return fail(MACH_SEND_INVALID_DEST);
  Port* reply = nullptr;
  if (is_real_name(header.msgh_local_port) && !shadow.take(header.msgh_local_port, reply_type, &reply))
    return fail(MACH_SEND_INVALID_REPLY);

  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* slot = descriptor_at(i);
    uint8_t type = slot[11];
    if (type == MACH_MSG_PORT_DESCRIPTOR) {
      mach_msg_port_descriptor_t d;
      __builtin_memcpy(&d, slot, sizeof d);
      uint32_t disposition = d.disposition;
      if (!is_send_disposition(disposition) && disposition != MACH_MSG_TYPE_MOVE_RECEIVE)
        return fail(MACH_SEND_INVALID_TYPE);
      if (!is_real_name(d.name)) continue;
      Port* port = nullptr;
      if (!shadow.take(d.name, disposition, &port)) return fail(MACH_SEND_INVALID_RIGHT);
      // A port's receive right may not travel to the port itself.
      if (disposition == MACH_MSG_TYPE_MOVE_RECEIVE && port == dest) return fail(MACH_SEND_INVALID_RIGHT);
    } else if (type == MACH_MSG_OOL_DESCRIPTOR) {
      mach_msg_ool_descriptor_t d;
      __builtin_memcpy(&d, slot, sizeof d);
      if (d.copy != MACH_MSG_PHYSICAL_COPY && d.copy != MACH_MSG_VIRTUAL_COPY)
        return fail(MACH_SEND_INVALID_TYPE);
      if (d.size > AMPHI_MSG_MAX_OOL) return fail(MACH_SEND_TOO_LARGE);
    } else {
      return fail(MACH_SEND_INVALID_TYPE);
    }
  }

  // ---- pass 2: allocate, copy in memory ----
  KernelMessage* message = allocate_message(mach_msg_size_t(send_size), count);
  if (!message) return fail(MACH_SEND_NO_BUFFER);
  for (uint32_t i = 0; i < count; ++i) {
    const uint8_t* slot = descriptor_at(i);
    CarriedItem& item = message->items[i];
    item.type = slot[11];
    if (item.type != MACH_MSG_OOL_DESCRIPTOR) continue;
    mach_msg_ool_descriptor_t d;
    __builtin_memcpy(&d, slot, sizeof d);
    if (d.size == 0) continue;
    rtl::Result<OolHandle> handle = hooks.copyin ? hooks.copyin(hooks.context, d.address, d.size, d.deallocate != 0)
                                                 : rtl::Result<OolHandle>(rtl::Errc::not_supported);
    if (handle.is_error() || handle.value() == 0) {
      destroy_message(message);  // discards the regions taken so far
      return fail(MACH_SEND_INVALID_MEMORY);
    }
    item.ool = handle.value();
    item.ool_size = d.size;
    item.discard = hooks.discard;
  }

  // ---- pass 3: commit (cannot fail) ----
  for (uint32_t i = 0; i < count; ++i) {
    mach_msg_ool_descriptor_t d;
    __builtin_memcpy(&d, descriptor_at(i), sizeof d);
    if (message->items[i].type == MACH_MSG_OOL_DESCRIPTOR && d.deallocate && d.size &&
        hooks.deallocate_source)
      hooks.deallocate_source(hooks.context, d.address, d.size);
  }
  __builtin_memcpy(message->bytes, bytes, send_size);
  message->dest = sender.copyin_right(header.msgh_remote_port, dest_type);
  if (is_real_name(header.msgh_local_port))
    message->reply = sender.copyin_right(header.msgh_local_port, reply_type);
  else if (header.msgh_local_port == MACH_PORT_DEAD)
    message->reply = CarriedRight{nullptr, received_type(reply_type)};
  for (uint32_t i = 0; i < count; ++i) {
    CarriedItem& item = message->items[i];
    if (item.type != MACH_MSG_PORT_DESCRIPTOR) continue;
    uint8_t* slot = message->bytes + kHeaderSize + kBodySize + size_t(i) * AMPHI_MSG_DESCRIPTOR_SIZE;
    mach_msg_port_descriptor_t d;
    __builtin_memcpy(&d, slot, sizeof d);
    if (is_real_name(d.name)) item.right = sender.copyin_right(d.name, d.disposition);
    else if (d.name == MACH_PORT_DEAD) item.right = CarriedRight{nullptr, received_type(d.disposition)};
    // The receiver sees the received type, whatever the sender asked.
    d.disposition = received_type(d.disposition) & 0xff;
    __builtin_memcpy(slot, &d, sizeof d);
  }
  return {message, MACH_MSG_SUCCESS};
}

}  // namespace microcore::ipc
