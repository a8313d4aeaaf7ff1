// The Mach IPC traps (see microcore/ipc_glue.h).
//
// Locking: g_ipc_lock serializes the whole IPC core (every space, port,
// message and the bootstrap registry). A thread that must wait registers an
// IpcWaiter under the lock, then blocks with interrupts still off from
// before the lock was taken (do_receive's InterruptsOff: system calls
// otherwise run with them on, and interrupt handlers raise port signals),
// so on this single CPU no wakeup can slip in between registering and
// blocking. (SMP will mark
// the thread blocked under the lock instead.)
//
// Fast path: when a send wakes a receiver and the sender then waits for its
// reply (MACH_SEND_MSG | MACH_RCV_MSG, the call/reply pattern), the sender
// switches straight to the receiver: no run-queue walk, the receiver runs on
// the sender's remaining time slice.
#include "microcore/ipc_glue.h"

#include "hal/clock.h"
#include "hal/user_memory.h"
#include "microcore/abi/traps.h"
#include "microcore/address_map_glue.h"
#include "microcore/ipc/ipc.h"
#include "microcore/scheduler.h"
#include "microcore/vm/ool_hooks.h"
#include "rtl/alloc.h"
#include "rtl/own_ptr.h"
#include "rtl/platform.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr mach_msg_return_t kSendInterrupted = 0x10000007;  // MACH_SEND_INTERRUPTED

rtl::Spinlock g_ipc_lock;
Thread* g_woken = nullptr;  // the thread the last wake callback readied (under the lock)
// Where the wake callback queues the thread it readies: set by the raiser of
// an urgent signal for the length of one raise (under the lock).
WakePlacement g_wake_placement = WakePlacement::back;

struct BootstrapEntry {
  char name[32];
  size_t length;
  ipc::Port* port;  // a send right the registry holds
};
BootstrapEntry g_bootstrap[64];  // under g_ipc_lock

ipc::IpcSpace& space_of(Task& task) { return *static_cast<ipc::IpcSpace*>(task.ipc_space); }

void wake_waiting_thread(ipc::IpcWaiter* waiter) {
  auto* thread = static_cast<Thread*>(waiter->context);
  wake_thread(thread, WakeReason::signaled, g_wake_placement);
  g_woken = thread;
}

// A kernel copy of a user message: on the stack when small, else the heap.
class MessageBuffer {
 public:
  explicit MessageBuffer(size_t size) : size_(size) {
    data_ = size <= sizeof inline_ ? inline_ : static_cast<uint8_t*>(rtl::allocate(size, 16));
  }
  ~MessageBuffer() {
    if (data_ && data_ != inline_) rtl::deallocate(data_, size_, 16);
  }
  uint8_t* data() { return data_; }

 private:
  size_t size_;
  uint8_t* data_;
  alignas(16) uint8_t inline_[256];
};

uint64_t deadline_for(bool has_timeout, uint64_t timeout_ns) {
  if (!has_timeout) return 0;
  uint64_t deadline = hal::clock::now_ns() + timeout_ns;
  return deadline ? deadline : 1;
}

// Called with g_ipc_lock held; returns with it held.
mach_msg_return_t send_locked(ipc::KernelMessage* message, bool may_block, uint64_t deadline,
                              Thread** handoff) {
  for (;;) {
    g_woken = nullptr;
    ipc::SendResult sent = ipc::send(message);
    if (sent.outcome == ipc::SendOutcome::delivered) {
      *handoff = g_woken;
      return MACH_MSG_SUCCESS;
    }
    if (sent.outcome == ipc::SendOutcome::failed) return sent.code;
    if (!may_block || (deadline && hal::clock::now_ns() >= deadline)) {
      ipc::destroy_message(message);
      return MACH_SEND_TIMED_OUT;
    }
    ipc::IpcWaiter waiter;
    waiter.wake = wake_waiting_thread;
    waiter.context = current_thread();
    ipc::wait_for_space(*message->dest.port, waiter);
    g_ipc_lock.unlock();
    WakeReason reason = block_current(deadline, nullptr);
    g_ipc_lock.lock();
    if (waiter.node.is_linked()) ipc::cancel_wait(waiter);
    if (reason == WakeReason::interrupted || reason == WakeReason::timed_out) {
      ipc::destroy_message(message);
      return reason == WakeReason::timed_out ? MACH_SEND_TIMED_OUT : kSendInterrupted;
    }
    if (waiter.result != MACH_MSG_SUCCESS) {
      ipc::destroy_message(message);
      return waiter.result;
    }
  }
}

mach_msg_return_t do_send(Task& task, uint64_t user_message, uint32_t send_size, bool may_block,
                          uint64_t deadline, Thread** handoff) {
  if (send_size < sizeof(mach_msg_header_t)) return MACH_SEND_MSG_TOO_SMALL;
  if (send_size > AMPHI_MSG_MAX_INLINE) return MACH_SEND_TOO_LARGE;
  MessageBuffer buffer(send_size);
  if (!buffer.data()) return MACH_SEND_NO_BUFFER;
  if (!hal::copy_from_user(buffer.data(), user_message, send_size)) return MACH_SEND_INVALID_DATA;
  rtl::SpinlockGuard guard(g_ipc_lock);
  // A driver server's answer to the kernel: no kernel message needed.
  if (ipc::deliver_plain_to_kernel(space_of(task), buffer.data(), send_size)) return MACH_MSG_SUCCESS;
  ipc::OolHooks hooks = vm::make_ool_hooks(address_map(task));
  ipc::CopyinResult copied = ipc::copyin(space_of(task), buffer.data(), send_size, hooks);
  if (copied.code != MACH_MSG_SUCCESS) return copied.code;
  return send_locked(copied.message, may_block, deadline, handoff);
}

// Signals taken off a port are gone from it: a receiver whose buffer
// faults loses them, as it would lose a message it could not copy out.
mach_msg_return_t copyout_signals(uint64_t user_message, uint32_t bits, mach_port_name_t name) {
  amphi_signal_message_t message = ipc::signal_message(bits, name);
  return hal::copy_to_user(user_message, &message, sizeof message) ? MACH_MSG_SUCCESS : MACH_RCV_INVALID_DATA;
}

mach_msg_return_t do_receive(Task& task, uint64_t user_message, uint32_t rcv_size, uint32_t name,
                             bool may_block, uint64_t deadline, Thread* handoff) {
  if (rcv_size < sizeof(mach_msg_header_t)) return MACH_RCV_TOO_LARGE;
  ipc::IpcSpace& space = space_of(task);
  uint32_t capacity = rcv_size < AMPHI_MSG_MAX_INLINE ? rcv_size : AMPHI_MSG_MAX_INLINE;

  // Interrupts off from before the IPC lock until this thread has blocked
  // (or knows it need not). System calls run with them on, and an
  // interrupt handler raising a port signal (ipc_raise_signals) after the
  // waiter is registered but before the thread blocks would hand the signal
  // to a thread that is not blocked yet: the wakeup would be lost. They come
  // back on before user memory is touched.
  rtl::platform::InterruptsOff interrupts;
  g_ipc_lock.lock();
  ipc::KernelMessage* message = nullptr;
  ipc::ReceiveResult received = ipc::receive(space, name, capacity);
  if (received.would_block) {
    if (!may_block || (deadline && hal::clock::now_ns() >= deadline)) {
      g_ipc_lock.unlock();
      return MACH_RCV_TIMED_OUT;
    }
    ipc::IpcWaiter waiter;
    waiter.wake = wake_waiting_thread;
    waiter.context = current_thread();
    waiter.rcv_size = capacity;
    mach_msg_return_t code = ipc::wait_for_message(space, name, waiter);
    if (code != MACH_MSG_SUCCESS) {
      g_ipc_lock.unlock();
      return code;
    }
    g_ipc_lock.unlock();
    WakeReason reason = block_current(deadline, handoff);
    g_ipc_lock.lock();
    if (waiter.signals) {
      g_ipc_lock.unlock();
      interrupts.restore();
      return copyout_signals(user_message, waiter.signals, waiter.signal_port_name);
    }
    if (!waiter.message) {
      if (waiter.node.is_linked()) ipc::cancel_wait(waiter);
      g_ipc_lock.unlock();
      if (reason == WakeReason::timed_out) return MACH_RCV_TIMED_OUT;
      if (reason == WakeReason::interrupted) return MACH_RCV_INTERRUPTED;
      return waiter.result != MACH_MSG_SUCCESS ? waiter.result : MACH_RCV_INTERRUPTED;
    }
    message = waiter.message;
  } else if (received.code != MACH_MSG_SUCCESS) {
    g_ipc_lock.unlock();
    return received.code;
  } else if (received.signals) {
    g_ipc_lock.unlock();
    interrupts.restore();
    return copyout_signals(user_message, received.signals, received.signal_port_name);
  } else {
    message = received.message;
  }
  // Sized by the message, not the receiver's capacity: small messages stay
  // on the stack. copyout consumes the message even when it fails, except
  // for MACH_RCV_TOO_LARGE, which the capacity check below rules out.
  mach_msg_size_t size = message->size;
  MessageBuffer buffer(size);
  if (!buffer.data()) {
    ipc::destroy_message(message);
    g_ipc_lock.unlock();
    return MACH_RCV_INVALID_DATA;
  }
  mach_msg_return_t code =
      ipc::copyout(space, message, buffer.data(), size, vm::make_ool_hooks(address_map(task)));
  g_ipc_lock.unlock();
  interrupts.restore();
  if (code != MACH_MSG_SUCCESS) return code;
  if (!hal::copy_to_user(user_message, buffer.data(), size)) return MACH_RCV_INVALID_DATA;
  return MACH_MSG_SUCCESS;
}

// KERN_INVALID_ARGUMENT for a length outside 1..31, KERN_INVALID_ADDRESS
// for a pointer that is not readable user memory.
kern_return_t copy_service_name(uint64_t user_name, uint64_t length, char (&name)[32]) {
  if (length == 0 || length >= sizeof name) return KERN_INVALID_ARGUMENT;
  if (!hal::copy_from_user(name, user_name, length)) return KERN_INVALID_ADDRESS;
  name[length] = '\0';
  return KERN_SUCCESS;
}

// A registered service whose receive right died is forgotten, so a
// restarted server can register the name again (crash recovery) and the
// registry's send right does not keep the dead port alive. Under the lock.
void forget_dead_services() {
  for (BootstrapEntry& entry : g_bootstrap) {
    if (entry.port && !entry.port->active()) {
      ipc::release_send(entry.port);
      entry = {};
    }
  }
}

}  // namespace

rtl::Result<void> ipc_attach_space(Task& task) {
  auto space = TRY(rtl::try_make<ipc::IpcSpace>());
  task.ipc_space = space.leak();
  return {};
}

void ipc_detach_space(Task& task) {
  if (!task.ipc_space) return;
  {
    rtl::SpinlockGuard guard(g_ipc_lock);
    space_of(task).destroy();
  }
  rtl::OwnPtr<ipc::IpcSpace>::adopt(&space_of(task)).reset();
  task.ipc_space = nullptr;
}

rtl::Result<ipc::Port*> ipc_kernel_send_right(Task& task, uint32_t receive_right_name) {
  if (!task.ipc_space) return rtl::Error(rtl::Errc::not_supported, "task has no IPC space");
  rtl::SpinlockGuard guard(g_ipc_lock);
  ipc::Port* port = space_of(task).receive_port(receive_right_name);
  if (!port) return rtl::Error(rtl::Errc::not_found, "no receive right by that name");
  ipc::make_send(*port);
  return port;
}

void ipc_release_kernel_send_right(ipc::Port* port) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  ipc::release_send(port);
}

void ipc_send_kernel_message(ipc::Port* port, int32_t id, const void* body, size_t size) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  ipc::copy_send(*port);  // the message consumes a right; the kernel keeps its own
  (void)ipc::compose_kernel_message(port, MACH_MSG_TYPE_PORT_SEND, id, body, size);
}

void ipc_raise_signals(ipc::Port* port, uint32_t bits, WakePlacement placement) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  g_wake_placement = placement;
  ipc::raise_signals(*port, bits);
  g_wake_placement = WakePlacement::back;
}

void ipc_attach_signal_mailbox(ipc::Port* port, amphi_signal_mailbox_t* mailbox) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  port->mailbox = mailbox;
}

void ipc_attach_receive_hook(ipc::Port* port, void (*run)(void* context), void* context) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  port->receive_hook = {run, run ? context : nullptr};
}

rtl::Result<uint32_t> ipc_allocate_receive(Task& task) {
  if (!task.ipc_space) return rtl::Error(rtl::Errc::not_supported, "task has no IPC space");
  rtl::SpinlockGuard guard(g_ipc_lock);
  mach_port_name_t name = 0;
  if (space_of(task).allocate_receive(&name) != KERN_SUCCESS)
    return rtl::Error(rtl::Errc::no_memory, "cannot allocate a receive right");
  return uint32_t(name);
}

rtl::Result<ipc::Port*> ipc_create_kernel_port(KernelPortHandler deliver, void* context) {
  static_assert(sizeof(mach_msg_id_t) == sizeof(int32_t));
  ipc::Port* port = ipc::create_kernel_port({deliver, context});
  if (!port) return rtl::Error(rtl::Errc::no_memory, "no memory for a kernel port");
  return port;
}

rtl::Result<uint32_t> ipc_insert_kernel_port_send(Task& task, ipc::Port* port) {
  if (!task.ipc_space) return rtl::Error(rtl::Errc::not_supported, "task has no IPC space");
  rtl::SpinlockGuard guard(g_ipc_lock);
  if (!port->active()) return rtl::Error(rtl::Errc::invalid_argument, "kernel port already destroyed");
  if (space_of(task).reserve(1) != KERN_SUCCESS) return rtl::Error(rtl::Errc::no_memory, "name table full");
  ipc::make_send(*port);
  return uint32_t(space_of(task).insert_carried({port, MACH_MSG_TYPE_PORT_SEND}));
}

void ipc_destroy_kernel_port(ipc::Port* port) {
  rtl::SpinlockGuard guard(g_ipc_lock);
  ipc::destroy_kernel_port(port);
}

int64_t ipc_trap_mach_msg(uint64_t user_message, uint32_t options, uint32_t send_size, uint32_t rcv_size,
                          uint32_t rcv_name, uint64_t timeout_ns) {
  Task& task = *current_thread()->task;
  if (!task.ipc_space) return KERN_NOT_SUPPORTED;
  Thread* handoff = nullptr;
  if (options & MACH_SEND_MSG) {
    bool timed = options & MACH_SEND_TIMEOUT;
    mach_msg_return_t code =
        do_send(task, user_message, send_size, !timed || timeout_ns > 0, deadline_for(timed, timeout_ns), &handoff);
    if (code != MACH_MSG_SUCCESS) return code;
  }
  if (options & MACH_RCV_MSG) {
    bool timed = options & MACH_RCV_TIMEOUT;
    return do_receive(task, user_message, rcv_size, rcv_name, !timed || timeout_ns > 0,
                      deadline_for(timed, timeout_ns), handoff);
  }
  return MACH_MSG_SUCCESS;
}

#define WITH_SPACE(expression)                                  \
  do {                                                          \
    Task& task = *current_thread()->task;                       \
    if (!task.ipc_space) return KERN_NOT_SUPPORTED;             \
    rtl::SpinlockGuard guard(g_ipc_lock);                       \
    ipc::IpcSpace& space = space_of(task);                      \
    expression;                                                 \
  } while (0)

int64_t ipc_trap_port_allocate(uint32_t right) {
  WITH_SPACE({
    mach_port_name_t name = 0;
    kern_return_t kr = right == MACH_PORT_RIGHT_RECEIVE    ? space.allocate_receive(&name)
                       : right == MACH_PORT_RIGHT_PORT_SET ? space.allocate_port_set(&name)
                                                           : KERN_INVALID_VALUE;
    return kr == KERN_SUCCESS ? int64_t(name) : -int64_t(kr);
  });
}

int64_t ipc_trap_port_deallocate(uint32_t name) { WITH_SPACE(return space.deallocate(name)); }

int64_t ipc_trap_port_mod_refs(uint32_t name, uint32_t right, int32_t delta) {
  WITH_SPACE(return space.mod_refs(name, right, delta));
}

int64_t ipc_trap_port_insert_right(uint32_t name, uint32_t disposition) {
  WITH_SPACE({
    // MAKE_SEND lands on `name` itself (Mach's insert_right with the same
    // name); the new name a MAKE_SEND_ONCE would need is not reported, so
    // user code makes send-once rights in messages instead.
    mach_port_name_t out = 0;
    return space.insert_right(name, disposition, &out);
  });
}

int64_t ipc_trap_port_move_member(uint32_t member, uint32_t set) {
  WITH_SPACE(return space.move_member(member, set));
}

int64_t ipc_trap_request_notification(uint32_t name, int32_t id, uint32_t notify) {
  WITH_SPACE(return space.request_notification(name, id, notify));
}

int64_t ipc_trap_bootstrap_register(uint64_t user_name, uint64_t length, uint32_t send_right) {
  char name[32];
  if (kern_return_t kr = copy_service_name(user_name, length, name); kr != KERN_SUCCESS) return kr;
  WITH_SPACE({
    forget_dead_services();
    ipc::EntryInfo info{};
    if (space.entry_info(send_right, &info) != KERN_SUCCESS) return KERN_INVALID_NAME;
    if (!(info.bits & ipc::RightSend)) return KERN_INVALID_RIGHT;
    BootstrapEntry* slot = nullptr;
    for (BootstrapEntry& entry : g_bootstrap) {
      if (entry.port && entry.length == length && __builtin_memcmp(entry.name, name, length) == 0)
        return KERN_INVALID_VALUE;  // already registered
      if (!entry.port && !slot) slot = &entry;
    }
    if (!slot) return KERN_NO_SPACE;
    ipc::CarriedRight right = space.copyin_right(send_right, MACH_MSG_TYPE_COPY_SEND);
    __builtin_memcpy(slot->name, name, length + 1);
    slot->length = length;
    slot->port = right.port;
    return KERN_SUCCESS;
  });
}

int64_t ipc_trap_bootstrap_look_up(uint64_t user_name, uint64_t length) {
  char name[32];
  if (kern_return_t kr = copy_service_name(user_name, length, name); kr != KERN_SUCCESS) return -int64_t(kr);
  WITH_SPACE({
    forget_dead_services();
    for (BootstrapEntry& entry : g_bootstrap) {
      if (!entry.port || entry.length != length || __builtin_memcmp(entry.name, name, length) != 0) continue;
      if (space.reserve(1) != KERN_SUCCESS) return -int64_t(KERN_RESOURCE_SHORTAGE);
      ipc::copy_send(*entry.port);
      mach_port_name_t out = space.insert_carried({entry.port, MACH_MSG_TYPE_PORT_SEND});
      return int64_t(out);
    }
    return -int64_t(KERN_INVALID_NAME);
  });
}

}  // namespace microcore
