// IpcSpace: the name table and the port-level operations of a task
// (mach_port_allocate, deallocate, mod_refs, insert_right, move_member,
// request_notification, and task death).
//
// Rule for every mutation: bring the table to its final, consistent state
// first, then release rights. Releasing can destroy ports, which fires
// dead-name requests back into spaces (maybe this one), so the table must
// not be mid-change then. Pointers to entries die when the table grows.
#include "microcore/ipc/space.h"

#include "microcore/ipc/notify.h"
#include "microcore/ipc/rights.h"
#include "rtl/own_ptr.h"
#include "rtl/ref_ptr.h"

namespace microcore::ipc {

IpcSpace::~IpcSpace() { destroy(); }

kern_return_t IpcSpace::grow() {
  uint32_t old_size = uint32_t(table_.size());
  if (old_size >= kMaxEntries) return KERN_NO_SPACE;
  uint32_t new_size = old_size ? old_size * 2 : kInitialEntries;
  if (new_size > kMaxEntries) new_size = kMaxEntries;
  auto grown = rtl::try_allocate_array<SpaceEntry>(new_size);
  if (grown.is_error()) return KERN_RESOURCE_SHORTAGE;
  rtl::OwnArray<SpaceEntry> table = grown.release_value();
  for (uint32_t i = 0; i < old_size; ++i) table[i] = table_[i];
  // Push the new indices so the lowest comes out first; index 0 is never used.
  for (uint32_t i = new_size; i-- > (old_size ? old_size : 1);) {
    table[i].next_free = free_head_;
    free_head_ = i;
    ++free_count_;
  }
  table_ = static_cast<rtl::OwnArray<SpaceEntry>&&>(table);
  return KERN_SUCCESS;
}

kern_return_t IpcSpace::reserve(uint32_t count) {
  while (free_count_ < count) {
    kern_return_t kr = grow();
    if (kr != KERN_SUCCESS) return kr;
  }
  return KERN_SUCCESS;
}

mach_port_name_t IpcSpace::new_name() {
  if (reserve(1) != KERN_SUCCESS) return MACH_PORT_NULL;
  uint32_t index = free_head_;
  SpaceEntry& entry = table_[index];
  free_head_ = entry.next_free;
  --free_count_;
  ++live_;
  uint8_t generation = entry.generation;
  entry = SpaceEntry{};
  entry.generation = generation;
  return make_name(index, generation);
}

SpaceEntry* IpcSpace::lookup(mach_port_name_t name) {
  uint32_t index = name_index(name);
  if (index == 0 || index >= table_.size()) return nullptr;
  SpaceEntry& entry = table_[index];
  if (entry.bits == 0 || entry.generation != name_generation(name)) return nullptr;
  // Lazy dead-name conversion (Mach's ipc_right_check).
  if ((entry.bits & (RightSend | RightSendOnce)) && !entry.port->active()) {
    RTL_ASSERT(!(entry.bits & RightReceive) && !entry.request);
    Port* port = entry.port;
    bool send = entry.bits & RightSend;
    entry.bits = RightDeadName;
    entry.port = nullptr;
    if (!send) entry.urefs = 1;
    if (send) release_send(port);
    else consume_send_once(port);
  }
  return &entry;
}

void IpcSpace::cancel_request(SpaceEntry& entry, bool notify_deleted) {
  DeadNameRequest* request = entry.request;
  if (!request) return;
  entry.request = nullptr;
  request->port->dead_name_requests.remove(*request);
  Port* notify = request->notify;
  mach_port_name_t name = request->name;
  rtl::OwnPtr<DeadNameRequest>::adopt(request).reset();
  if (notify_deleted) (void)send_notification(notify, MACH_NOTIFY_PORT_DELETED, name);
  else release_send_once(notify);
}

void IpcSpace::free_name(mach_port_name_t name) {
  uint32_t index = name_index(name);
  SpaceEntry& entry = table_[index];
  RTL_ASSERT(entry.generation == name_generation(name));
  DeadNameRequest* request = entry.request;
  uint8_t generation = uint8_t(entry.generation + 1);
  entry = SpaceEntry{};
  entry.generation = generation;
  entry.next_free = free_head_;
  free_head_ = index;
  ++free_count_;
  --live_;
  if (request) {
    SpaceEntry holder;
    holder.request = request;
    cancel_request(holder, /*notify_deleted=*/true);
  }
}

mach_port_name_t IpcSpace::find_send_or_receive(const Port* port) const {
  if (port->receiver_space == this) return port->receiver_name;
  for (uint32_t i = 1; i < table_.size(); ++i) {
    const SpaceEntry& entry = table_[i];
    if (entry.port == port && (entry.bits & RightSend)) return make_name(i, entry.generation);
  }
  return MACH_PORT_NULL;
}

mach_port_name_t IpcSpace::insert_carried(CarriedRight right) {
  if (right.disposition == 0) return MACH_PORT_NULL;
  Port* port = right.port;
  if (!port) return MACH_PORT_DEAD;
  if (!port->active()) {
    release_right(right);
    return MACH_PORT_DEAD;
  }
  if (right.disposition != MACH_MSG_TYPE_PORT_SEND_ONCE) {
    mach_port_name_t name = find_send_or_receive(port);
    if (name != MACH_PORT_NULL) {
      SpaceEntry& entry = table_[name_index(name)];
      if (right.disposition == MACH_MSG_TYPE_PORT_SEND) {
        if (entry.bits & RightSend) {
          // Merge into the existing send right; urefs saturate at the max.
          if (entry.urefs < kMaxUrefs) ++entry.urefs;
          release_send(port);
        } else {
          entry.bits |= RightSend;
          entry.urefs = 1;
        }
      } else {
        entry.bits |= RightReceive;
        port->receiver_space = this;
        port->receiver_name = name;
        port->in_transit = false;
      }
      return name;
    }
  }
  mach_port_name_t name = new_name();
  if (name == MACH_PORT_NULL) {
    release_right(right);
    return MACH_PORT_NULL;
  }
  SpaceEntry& entry = table_[name_index(name)];
  entry.port = port;
  switch (right.disposition) {
    case MACH_MSG_TYPE_PORT_SEND: entry.bits = RightSend; entry.urefs = 1; break;
    case MACH_MSG_TYPE_PORT_SEND_ONCE: entry.bits = RightSendOnce; entry.urefs = 1; break;
    default:
      entry.bits = RightReceive;
      port->receiver_space = this;
      port->receiver_name = name;
      port->in_transit = false;
  }
  return name;
}

void IpcSpace::dead_name_fired(mach_port_name_t name) {
  SpaceEntry& entry = table_[name_index(name)];
  RTL_ASSERT(entry.generation == name_generation(name) && entry.request);
  RTL_ASSERT(!(entry.bits & RightReceive));
  entry.request = nullptr;
  Port* port = entry.port;
  bool send = entry.bits & RightSend;
  uint32_t urefs = (send ? entry.urefs : 1) + 1;
  entry.bits = RightDeadName;
  entry.port = nullptr;
  entry.urefs = urefs > kMaxUrefs ? kMaxUrefs : urefs;
  if (send) release_send(port);
  else consume_send_once(port);
}

CarriedRight IpcSpace::copyin_right(mach_port_name_t name, uint32_t disposition) {
  SpaceEntry* entry = lookup(name);
  RTL_ASSERT(entry);
  Port* port = entry->port;
  auto consume_dead_uref = [&](uint8_t type) {
    if (--entry->urefs == 0) free_name(name);
    return CarriedRight{nullptr, type};
  };
  switch (disposition) {
    case MACH_MSG_TYPE_MAKE_SEND:
      make_send(*port);
      return {port, MACH_MSG_TYPE_PORT_SEND};
    case MACH_MSG_TYPE_MAKE_SEND_ONCE:
      make_send_once(*port);
      return {port, MACH_MSG_TYPE_PORT_SEND_ONCE};
    case MACH_MSG_TYPE_COPY_SEND:
      if (entry->bits & RightDeadName) return {nullptr, MACH_MSG_TYPE_PORT_SEND};
      copy_send(*port);
      return {port, MACH_MSG_TYPE_PORT_SEND};
    case MACH_MSG_TYPE_MOVE_SEND:
      if (entry->bits & RightDeadName) return consume_dead_uref(MACH_MSG_TYPE_PORT_SEND);
      if (--entry->urefs > 0) {
        copy_send(*port);  // the entry keeps its right; the message gets another
      } else {
        // The entry's reference and srights count travel with the message.
        entry->bits &= ~RightSend;
        if (entry->bits == 0) free_name(name);
        else cancel_request(*entry, /*notify_deleted=*/true);
      }
      return {port, MACH_MSG_TYPE_PORT_SEND};
    case MACH_MSG_TYPE_MOVE_SEND_ONCE:
      if (entry->bits & RightDeadName) return consume_dead_uref(MACH_MSG_TYPE_PORT_SEND_ONCE);
      free_name(name);
      return {port, MACH_MSG_TYPE_PORT_SEND_ONCE};
    default:  // MACH_MSG_TYPE_MOVE_RECEIVE
      RTL_ASSERT(disposition == MACH_MSG_TYPE_MOVE_RECEIVE);
      entry->bits &= ~RightReceive;
      if (entry->bits == 0) free_name(name);
      port->receiver_space = nullptr;
      port->receiver_name = MACH_PORT_NULL;
      port->in_transit = true;
      port_set_remove(*port);
      // Threads of this task waiting on it lost it (Mach: port changed).
      wake_all(port->receivers, MACH_RCV_PORT_DIED);
      return {port, MACH_MSG_TYPE_PORT_RECEIVE};
  }
}

kern_return_t IpcSpace::allocate_receive(mach_port_name_t* out) {
  kern_return_t kr = reserve(1);
  if (kr != KERN_SUCCESS) return kr;
  auto made = rtl::try_make_ref_counted<Port>();
  if (made.is_error()) return KERN_RESOURCE_SHORTAGE;
  mach_port_name_t name = new_name();
  SpaceEntry& entry = table_[name_index(name)];
  entry.bits = RightReceive;
  entry.port = made.value().leak_ref();
  entry.port->receiver_space = this;
  entry.port->receiver_name = name;
  *out = name;
  return KERN_SUCCESS;
}

kern_return_t IpcSpace::allocate_port_set(mach_port_name_t* out) {
  kern_return_t kr = reserve(1);
  if (kr != KERN_SUCCESS) return kr;
  auto made = rtl::try_make<PortSet>();
  if (made.is_error()) return KERN_RESOURCE_SHORTAGE;
  mach_port_name_t name = new_name();
  SpaceEntry& entry = table_[name_index(name)];
  entry.bits = RightPortSet;
  entry.set = made.value().leak();
  *out = name;
  return KERN_SUCCESS;
}

void IpcSpace::drop_send_from_entry(mach_port_name_t name, SpaceEntry& entry) {
  Port* port = entry.port;
  entry.bits &= ~RightSend;
  entry.urefs = 0;
  if (entry.bits == 0) free_name(name);  // also cancels a dead-name request
  else if (!(entry.bits & RightSend) && entry.request) cancel_request(entry, true);
  release_send(port);
}

void IpcSpace::destroy_receive_in_entry(mach_port_name_t name, SpaceEntry& entry) {
  Port* port = entry.port;
  entry.bits &= ~RightReceive;
  if (entry.bits == 0) free_name(name);
  // A send right left behind keeps `port`; it becomes a dead name when the
  // port dies just below (at once if a dead-name request is registered).
  destroy_receive(port);
}

kern_return_t IpcSpace::deallocate(mach_port_name_t name) {
  SpaceEntry* entry = lookup(name);
  if (!entry) return KERN_INVALID_NAME;
  if (entry->bits & RightSend) {
    if (--entry->urefs == 0) drop_send_from_entry(name, *entry);
  } else if (entry->bits & RightSendOnce) {
    Port* port = entry->port;
    free_name(name);
    release_send_once(port);
  } else if (entry->bits & RightDeadName) {
    if (--entry->urefs == 0) free_name(name);
  } else {
    return KERN_INVALID_RIGHT;
  }
  return KERN_SUCCESS;
}

kern_return_t IpcSpace::mod_refs(mach_port_name_t name, uint32_t right, int32_t delta) {
  if (right > MACH_PORT_RIGHT_DEAD_NAME) return KERN_INVALID_VALUE;
  SpaceEntry* entry = lookup(name);
  if (!entry) return KERN_INVALID_NAME;
  switch (right) {
    case MACH_PORT_RIGHT_SEND:
    case MACH_PORT_RIGHT_DEAD_NAME: {
      uint32_t bit = right == MACH_PORT_RIGHT_SEND ? RightSend : RightDeadName;
      // Mach accepts releasing "send" urefs of a name whose port died.
      if (right == MACH_PORT_RIGHT_SEND && (entry->bits & RightDeadName) && delta <= 0)
        bit = RightDeadName;
      if (!(entry->bits & bit)) return KERN_INVALID_RIGHT;
      int64_t urefs = int64_t(entry->urefs) + delta;
      if (urefs < 0) return KERN_INVALID_VALUE;
      if (urefs > kMaxUrefs) return KERN_UREFS_OVERFLOW;
      if (urefs > 0) entry->urefs = uint32_t(urefs);
      else if (bit == RightSend) drop_send_from_entry(name, *entry);
      else free_name(name);
      return KERN_SUCCESS;
    }
    case MACH_PORT_RIGHT_RECEIVE:
      if (!(entry->bits & RightReceive)) return KERN_INVALID_RIGHT;
      if (delta == 0) return KERN_SUCCESS;
      if (delta != -1) return KERN_INVALID_VALUE;
      destroy_receive_in_entry(name, *entry);
      return KERN_SUCCESS;
    case MACH_PORT_RIGHT_SEND_ONCE:
      if (!(entry->bits & RightSendOnce)) return KERN_INVALID_RIGHT;
      if (delta == 0) return KERN_SUCCESS;
      if (delta != -1) return KERN_INVALID_VALUE;
      return deallocate(name);
    default: {  // MACH_PORT_RIGHT_PORT_SET
      if (!(entry->bits & RightPortSet)) return KERN_INVALID_RIGHT;
      if (delta == 0) return KERN_SUCCESS;
      if (delta != -1) return KERN_INVALID_VALUE;
      PortSet* set = entry->set;
      free_name(name);
      destroy_port_set(set);
      return KERN_SUCCESS;
    }
  }
}

kern_return_t IpcSpace::insert_right(mach_port_name_t name, uint32_t disposition,
                                     mach_port_name_t* out) {
  SpaceEntry* entry = lookup(name);
  if (!entry) return KERN_INVALID_NAME;
  if (!(entry->bits & RightReceive)) return KERN_INVALID_RIGHT;
  Port* port = entry->port;
  if (disposition == MACH_MSG_TYPE_MAKE_SEND) {
    if (entry->bits & RightSend) {
      if (entry->urefs >= kMaxUrefs) return KERN_UREFS_OVERFLOW;
      ++entry->urefs;
      ++port->mscount;  // made, then merged into the existing right
    } else {
      make_send(*port);
      entry->bits |= RightSend;
      entry->urefs = 1;
    }
    *out = name;
    return KERN_SUCCESS;
  }
  if (disposition != MACH_MSG_TYPE_MAKE_SEND_ONCE) return KERN_INVALID_VALUE;
  kern_return_t kr = reserve(1);  // may move the table: `entry` is stale now
  if (kr != KERN_SUCCESS) return kr;
  make_send_once(*port);
  *out = insert_carried(CarriedRight{port, MACH_MSG_TYPE_PORT_SEND_ONCE});
  return KERN_SUCCESS;
}

kern_return_t IpcSpace::move_member(mach_port_name_t member, mach_port_name_t set_name) {
  SpaceEntry* entry = lookup(member);
  if (!entry) return KERN_INVALID_NAME;
  if (!(entry->bits & RightReceive)) return KERN_INVALID_RIGHT;
  Port* port = entry->port;
  if (set_name == MACH_PORT_NULL) {
    port_set_remove(*port);
    return KERN_SUCCESS;
  }
  SpaceEntry* set_entry = lookup(set_name);
  if (!set_entry) return KERN_INVALID_NAME;
  if (!(set_entry->bits & RightPortSet)) return KERN_INVALID_RIGHT;
  port_set_add(*set_entry->set, *port);
  return KERN_SUCCESS;
}

kern_return_t IpcSpace::request_notification(mach_port_name_t name, mach_msg_id_t id,
                                             mach_port_name_t notify, uint32_t sync) {
  if (id != MACH_NOTIFY_DEAD_NAME && id != MACH_NOTIFY_NO_SENDERS) return KERN_INVALID_VALUE;
  SpaceEntry* entry = lookup(name);
  if (!entry) return KERN_INVALID_NAME;
  SpaceEntry* notify_entry = nullptr;
  if (notify != MACH_PORT_NULL) {
    if (notify == name) return KERN_INVALID_CAPABILITY;
    notify_entry = lookup(notify);
    if (!notify_entry || !(notify_entry->bits & (RightReceive | RightSendOnce)))
      return KERN_INVALID_CAPABILITY;
  }
  bool dead_name = id == MACH_NOTIFY_DEAD_NAME;
  if (dead_name && !(entry->bits & (RightSend | RightSendOnce | RightDeadName)))
    return KERN_INVALID_RIGHT;
  if (!dead_name && !(entry->bits & RightReceive)) return KERN_INVALID_RIGHT;
  if (dead_name && (entry->bits & RightDeadName) && notify_entry && entry->urefs >= kMaxUrefs)
    return KERN_UREFS_OVERFLOW;
  DeadNameRequest* fresh = nullptr;
  if (dead_name && notify_entry && !(entry->bits & RightDeadName) && !entry->request) {
    auto made = rtl::try_make<DeadNameRequest>();
    if (made.is_error()) return KERN_RESOURCE_SHORTAGE;
    fresh = made.value().leak();
  }

  // Validation done: take the notify right (infallible from here on).
  Port* port = entry->port;
  Port* so = nullptr;
  if (notify_entry) {
    so = notify_entry->port;
    if (notify_entry->bits & RightReceive) {
      make_send_once(*so);
    } else {
      free_name(notify);  // moves the send-once right out of the entry
    }
    entry = lookup(name);  // still valid (no growth), re-read for clarity
  }

  if (!dead_name) {
    Port* old = port->no_senders_notify;
    port->no_senders_notify = so;
    if (so && port->srights == 0 && port->mscount >= sync) {
      port->no_senders_notify = nullptr;
      (void)send_notification(so, MACH_NOTIFY_NO_SENDERS, port->mscount);
    }
    if (old) release_send_once(old);
    return KERN_SUCCESS;
  }
  if (entry->bits & RightDeadName) {
    if (so) {
      ++entry->urefs;
      (void)send_notification(so, MACH_NOTIFY_DEAD_NAME, name);
    }
    return KERN_SUCCESS;
  }
  if (!so) {
    cancel_request(*entry, /*notify_deleted=*/false);
    return KERN_SUCCESS;
  }
  if (DeadNameRequest* existing = entry->request) {
    Port* old = existing->notify;
    existing->notify = so;
    release_send_once(old);
    return KERN_SUCCESS;
  }
  fresh->port = port;
  fresh->space = this;
  fresh->name = name;
  fresh->notify = so;
  port->dead_name_requests.push_back(*fresh);
  entry->request = fresh;
  return KERN_SUCCESS;
}

void IpcSpace::destroy() {
  for (uint32_t index = 1; index < table_.size(); ++index) {
    SpaceEntry& entry = table_[index];
    if (entry.bits == 0) continue;
    mach_port_name_t name = make_name(index, entry.generation);
    SpaceEntry snapshot = entry;
    free_name(name);  // cancels a dead-name request (port-deleted)
    if (snapshot.bits & RightPortSet) destroy_port_set(snapshot.set);
    if (snapshot.bits & RightSend) release_send(snapshot.port);
    if (snapshot.bits & RightSendOnce) release_send_once(snapshot.port);
    if (snapshot.bits & RightReceive) destroy_receive(snapshot.port);
  }
  RTL_ASSERT(live_ == 0);
  table_ = rtl::OwnArray<SpaceEntry>();
  free_head_ = 0;
  free_count_ = 0;
}

kern_return_t IpcSpace::entry_info(mach_port_name_t name, EntryInfo* info) {
  SpaceEntry* entry = lookup(name);
  if (!entry) return KERN_INVALID_NAME;
  *info = EntryInfo{entry->bits, entry->urefs, entry->port};
  return KERN_SUCCESS;
}

Port* IpcSpace::receive_port(mach_port_name_t name, kern_return_t* kr) {
  SpaceEntry* entry = lookup(name);
  kern_return_t code = !entry ? KERN_INVALID_NAME
                       : (entry->bits & RightReceive) ? KERN_SUCCESS : KERN_INVALID_RIGHT;
  if (kr) *kr = code;
  return code == KERN_SUCCESS ? entry->port : nullptr;
}

PortSet* IpcSpace::port_set(mach_port_name_t name, kern_return_t* kr) {
  SpaceEntry* entry = lookup(name);
  kern_return_t code = !entry ? KERN_INVALID_NAME
                       : (entry->bits & RightPortSet) ? KERN_SUCCESS : KERN_INVALID_RIGHT;
  if (kr) *kr = code;
  return code == KERN_SUCCESS ? entry->set : nullptr;
}

}  // namespace microcore::ipc
