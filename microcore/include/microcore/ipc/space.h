// IpcSpace: a task's port name space, name -> right.
//
// Names are Mach style: entry index in the low 24 bits, an 8-bit generation
// in the high bits, bumped each time the index is freed, so a stale name is
// KERN_INVALID_NAME rather than someone else's right. Index 0 is never used,
// so no name is MACH_PORT_NULL, and the table cap (kMaxEntries) keeps names
// away from MACH_PORT_DEAD.
//
// Entry invariants:
//   - bits is a combination of the Right* flags; free entries have bits 0.
//   - RightSend and RightReceive may share one name (same port); send-once,
//     port-set and dead-name entries are alone.
//   - There is at most one send entry per port in a space (Mach's rule):
//     another send right to the same port adds a uref to that name.
//   - urefs counts send urefs (send entries) or dead-name urefs, 1..0xffff;
//     a send-once entry has urefs 1; a receive-only entry 0.
//   - A send or send-once entry holds one Port reference (and one srights /
//     sorights count); a receive right holds another. Dead names hold none.
//   - An entry naming a dead port is converted to a dead name lazily, when
//     the name is next looked up (as Mach's ipc_right_check does).
#pragma once

#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/abi/traps.h"
#include "microcore/ipc/port.h"
#include "microcore/ipc/port_set.h"
#include "rtl/own_array.h"

namespace microcore::ipc {

enum RightBits : uint32_t {
  RightSend = 1u << 0,
  RightReceive = 1u << 1,
  RightSendOnce = 1u << 2,
  RightPortSet = 1u << 3,
  RightDeadName = 1u << 4,
};

constexpr uint32_t kMaxUrefs = 0xffff;

struct SpaceEntry {
  Port* port = nullptr;             // send / send-once / receive entries
  PortSet* set = nullptr;           // port-set entries
  uint32_t bits = 0;
  uint32_t urefs = 0;
  DeadNameRequest* request = nullptr;  // a registered dead-name request
  uint8_t generation = 0;
  uint32_t next_free = 0;           // free-list link (index), 0 = end
};

// What a name holds, for the glue's diagnostics and for tests.
struct EntryInfo {
  uint32_t bits = 0;
  uint32_t urefs = 0;
  Port* port = nullptr;
};

class IpcSpace {
 public:
  static constexpr uint32_t kMaxEntries = 1u << 16;
  static constexpr uint32_t kInitialEntries = 16;

  IpcSpace() = default;
  ~IpcSpace();  // destroys whatever is left (see destroy())
  IpcSpace(const IpcSpace&) = delete;
  IpcSpace& operator=(const IpcSpace&) = delete;

  // mach_port_allocate: KERN_RESOURCE_SHORTAGE, KERN_NO_SPACE.
  kern_return_t allocate_receive(mach_port_name_t* name);
  kern_return_t allocate_port_set(mach_port_name_t* name);
  // mach_port_deallocate: one uref of a send, send-once or dead name.
  kern_return_t deallocate(mach_port_name_t name);
  // mach_port_mod_refs (right = MACH_PORT_RIGHT_*).
  kern_return_t mod_refs(mach_port_name_t name, uint32_t right, int32_t delta);
  // mach_port_insert_right on our own receive right. MAKE_SEND adds the send
  // right to `name` itself (*out = name); MAKE_SEND_ONCE needs a new name
  // (*out). KERN_INVALID_VALUE for other dispositions.
  kern_return_t insert_right(mach_port_name_t name, uint32_t disposition, mach_port_name_t* out);
  // mach_port_move_member; set_name MACH_PORT_NULL removes from any set.
  kern_return_t move_member(mach_port_name_t member, mach_port_name_t set_name);
  // mach_port_request_notification for MACH_NOTIFY_DEAD_NAME (name holds a
  // send, send-once or dead name; an already-dead name notifies at once) and
  // MACH_NOTIFY_NO_SENDERS (name holds the receive right; fires at once if
  // no send rights exist and mscount >= sync). `notify` names the right the
  // notification goes to: a receive right (a send-once right is made) or a
  // send-once right (moved). notify MACH_PORT_NULL cancels. A replaced
  // request's send-once right is destroyed (Mach would return it).
  kern_return_t request_notification(mach_port_name_t name, mach_msg_id_t id,
                                     mach_port_name_t notify, uint32_t sync = 0);
  // Task death: releases every right (see ipc.h). The space is empty after.
  void destroy();

  // Lookups (normalizing dead ports to dead names first).
  // KERN_INVALID_NAME if the name denotes nothing; otherwise fills *info.
  kern_return_t entry_info(mach_port_name_t name, EntryInfo* info);
  // The receive right's port, or null (KERN_INVALID_NAME/RIGHT in *kr).
  Port* receive_port(mach_port_name_t name, kern_return_t* kr = nullptr);
  PortSet* port_set(mach_port_name_t name, kern_return_t* kr = nullptr);
  uint32_t live_names() const { return live_; }

  // ---- for the IPC core (copyin/copyout/notifications) ----
  SpaceEntry* lookup(mach_port_name_t name);
  // Makes sure `count` more names can be created without allocating.
  kern_return_t reserve(uint32_t count);
  // A free name (reserve() first for an infallible call); 0 on failure.
  mach_port_name_t new_name();
  // Frees the name: cancels its dead-name request (MACH_NOTIFY_PORT_DELETED).
  void free_name(mach_port_name_t name);
  // The name holding a send and/or receive right to `port`, or 0.
  mach_port_name_t find_send_or_receive(const Port* port) const;
  // Gives the space a right it now holds (consuming the carried right);
  // returns its name. reserve() first. Dead or null rights give
  // MACH_PORT_DEAD / MACH_PORT_NULL.
  mach_port_name_t insert_carried(CarriedRight right);
  // Takes the right `name` + `disposition` (MACH_MSG_TYPE_MOVE_*, COPY_SEND,
  // MAKE_*) out of the space for a message. The caller (copyin) has already
  // checked that the space holds it; names NULL and DEAD are not passed.
  CarriedRight copyin_right(mach_port_name_t name, uint32_t disposition);
  // The port behind `name` died with a dead-name request registered: the
  // entry becomes a dead name now, with one extra uref for the notification.
  void dead_name_fired(mach_port_name_t name);

 private:
  kern_return_t grow();
  void drop_send_from_entry(mach_port_name_t name, SpaceEntry& entry);
  void destroy_receive_in_entry(mach_port_name_t name, SpaceEntry& entry);
  void cancel_request(SpaceEntry& entry, bool notify_deleted);

  rtl::OwnArray<SpaceEntry> table_;
  uint32_t free_head_ = 0;  // index of the first free entry, 0 = none
  uint32_t free_count_ = 0;
  uint32_t live_ = 0;
};

inline uint32_t name_index(mach_port_name_t name) { return name & 0x00ffffffu; }
inline uint8_t name_generation(mach_port_name_t name) { return uint8_t(name >> 24); }
inline mach_port_name_t make_name(uint32_t index, uint8_t generation) {
  return (uint32_t(generation) << 24) | index;
}

}  // namespace microcore::ipc
