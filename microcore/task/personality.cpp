// The personality interface (see microcore/personality.h).
#include "microcore/personality.h"

#include <cstddef>

#include "hal/address_space.h"
#include "hal/clock.h"
#include "hal/context.h"
#include "hal/cpu_local.h"
#include "hal/fpu.h"
#include "hal/trap.h"
#include "hal/user_memory.h"
#include "microcore/address_map_glue.h"
#include "microcore/ipc_glue.h"
#include "microcore/scheduler.h"
#include "rtl/own_ptr.h"
#include "rtl/platform.h"

namespace microcore {

static_assert(sizeof(UserFrame) == sizeof(hal::TrapFrame));
static_assert(offsetof(UserFrame, rax) == offsetof(hal::TrapFrame, rax));
static_assert(offsetof(UserFrame, rip) == offsetof(hal::TrapFrame, rip));
static_assert(offsetof(UserFrame, ss) == offsetof(hal::TrapFrame, ss));

namespace {

// Set once at boot by the personality.
UserFaultHook g_fault_hook = nullptr;
TaskExitHook g_exit_hook = nullptr;
UserReturnHook g_return_hook = nullptr;

vm::Protection protection_from(uint32_t bits) {
  return {(bits & 1) != 0 || (bits & 4) != 0, (bits & 2) != 0, (bits & 4) != 0, true};
}

// A fork child's (or init's) first run: its frame sits at the bottom of
// its own kernel stack, copied there by fork_task.
void resume_saved_frame(void* argument) {
  auto* frame = static_cast<UserFrame*>(argument);
  UserFrame copy = *frame;
  rtl::deallocate(frame, sizeof(UserFrame), alignof(UserFrame));
  resume_user_frame(copy);
}

}  // namespace

void set_user_fault_hook(UserFaultHook hook) { g_fault_hook = hook; }
void set_task_exit_hook(TaskExitHook hook) { g_exit_hook = hook; }
void set_personality_return_hook(UserReturnHook hook) { g_return_hook = hook; }

// For trap/exceptions.cpp, task teardown and init.cpp.
bool run_user_fault_hook(Task& task, hal::TrapFrame& frame, const UserFault& fault) {
  return g_fault_hook && task.personality && g_fault_hook(task, reinterpret_cast<UserFrame&>(frame), fault);
}
void run_task_exit_hook(Task& task) {
  if (g_exit_hook && task.personality) g_exit_hook(task);
}
void run_personality_return_hook(Task& task, hal::TrapFrame& frame) {
  if (g_return_hook && task.personality) g_return_hook(task, reinterpret_cast<UserFrame&>(frame));
}

bool copy_from_user(void* destination, uint64_t user_source, size_t length) {
  return hal::copy_from_user(destination, user_source, length);
}
bool copy_to_user(uint64_t user_destination, const void* source, size_t length) {
  return hal::copy_to_user(user_destination, source, length);
}

rtl::Result<size_t> copy_string_from_user(char* destination, uint64_t user_source, size_t capacity) {
  // Byte at a time is simple and bounded; strings here are paths and argv.
  for (size_t i = 0; i < capacity; ++i) {
    if (!hal::copy_from_user(destination + i, user_source + i, 1))
      return rtl::Error(rtl::Errc::out_of_range, "bad user string address");
    if (destination[i] == '\0') return i;
  }
  return rtl::Error(rtl::Errc::too_big, "user string too long");
}

rtl::Result<Task*> fork_task(Task& parent, const UserFrame& frame, uint64_t child_rax, const char* name) {
  Task* child = TRY(create_task(name));
  auto built = [&]() -> rtl::Result<void> {
    TRY(attach_address_map(*child));
    TRY(ipc_attach_space(*child));
    TRY(address_map(parent).copy_on_write_clone(address_map(*child)));
    auto* saved = static_cast<UserFrame*>(rtl::allocate(sizeof(UserFrame), alignof(UserFrame)));
    if (!saved) return rtl::Error(rtl::Errc::no_memory, "no memory for the child's frame");
    *saved = frame;
    saved->rax = child_rax;
    auto thread = create_kernel_thread(*child, resume_saved_frame, saved);
    if (thread.is_error()) {
      rtl::deallocate(saved, sizeof(UserFrame), alignof(UserFrame));
      return thread.error();
    }
    thread.value()->fs_base = current_thread()->fs_base;
    return {};
  }();
  if (built.is_error()) {
    destroy_task(child);
    return built.error();
  }
  return child;
}

rtl::Result<Thread*> create_thread_in(Task& task, const UserFrame& frame, uint64_t rax, uint64_t fs_base) {
  auto* saved = static_cast<UserFrame*>(rtl::allocate(sizeof(UserFrame), alignof(UserFrame)));
  if (!saved) return rtl::Error(rtl::Errc::no_memory, "no memory for the thread's frame");
  *saved = frame;
  saved->rax = rax;
  auto thread = create_kernel_thread(task, resume_saved_frame, saved);
  if (thread.is_error()) {
    rtl::deallocate(saved, sizeof(UserFrame), alignof(UserFrame));
    return thread.error();
  }
  thread.value()->fs_base = fs_base;
  return thread.value();
}

void start_thread(Thread* thread) {
  if (thread->state == ThreadState::ready) make_ready(thread);
}

Thread* current_thread_handle() { return current_thread(); }

void end_other_threads() {
  Thread* self = current_thread();
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  for (Thread& thread : self->task->threads()) {
    if (&thread == self || thread.state == ThreadState::dead) continue;
    thread.kill_pending = true;
    if (thread.state == ThreadState::blocked) wake_thread(&thread, WakeReason::interrupted);
  }
  rtl::platform::irq_restore(interrupts);
}

uint32_t live_thread_count_of(Task& task) {
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  uint32_t count = 0;
  for (Thread& thread : task.threads())
    if (thread.state != ThreadState::dead) ++count;
  rtl::platform::irq_restore(interrupts);
  return count;
}

void resume_task(Task& task) {
  if (Thread* first = task.first_thread(); first && first->state == ThreadState::ready) make_ready(first);
}

rtl::Result<void> reset_address_space(Task& task) {
  detach_address_map(task);
  hal::address_space::activate(task.page_table_root());
  return attach_address_map(task);
}

rtl::Result<uint64_t> map_anonymous(Task& task, uint64_t address, uint64_t size, uint32_t bits, bool fixed) {
  return address_map(task).map_anonymous(size, protection_from(bits), address, fixed);
}

rtl::Result<void> unmap(Task& task, uint64_t address, uint64_t size) { return address_map(task).unmap(address, size); }

rtl::Result<void> protect(Task& task, uint64_t address, uint64_t size, uint32_t bits) {
  return address_map(task).protect(address, size, protection_from(bits));
}

void set_thread_pointer(uint64_t fs_base) {
  current_thread()->fs_base = fs_base;
  hal::set_user_fs_base(fs_base);
}
uint64_t thread_pointer() { return current_thread()->fs_base; }

rtl::Result<Task*> create_personality_task(const char* name, void (*entry)(void*), void* argument) {
  Task* task = TRY(create_task(name));
  auto built = [&]() -> rtl::Result<void> {
    TRY(attach_address_map(*task));
    TRY(ipc_attach_space(*task));
    TRY(create_kernel_thread(*task, entry, argument));
    return {};
  }();
  if (built.is_error()) {
    destroy_task(task);
    return built.error();
  }
  return task;
}

rtl::Result<WaitQueue*> create_wait_queue() {
  auto queue = TRY(rtl::try_make<WaitQueue>());
  return queue.leak();
}

void destroy_wait_queue(WaitQueue* queue) { rtl::OwnPtr<WaitQueue>::adopt(queue).reset(); }

WaitOutcome wait_on(WaitQueue& queue, uint64_t deadline_ns) {
  switch (block_on(queue, deadline_ns)) {
    case WakeReason::timed_out: return WaitOutcome::timed_out;
    case WakeReason::interrupted: return WaitOutcome::interrupted;
    default: return WaitOutcome::woken;
  }
}

void wake_waiters(WaitQueue& queue) { wake_all(queue); }

void interrupt_thread(Task& task) {
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  // Every thread: any of them may take the signal at its return to user
  // mode (signals are process-directed; see bsdlayer's signal_delivery).
  for (Thread& thread : task.threads()) {
    thread.interrupt_pending = true;
    if (thread.state == ThreadState::blocked) wake_thread(&thread, WakeReason::interrupted);
  }
  rtl::platform::irq_restore(interrupts);
}

void clear_thread_interrupt() { current_thread()->interrupt_pending = false; }

void save_user_fpu(void* image) {
  hal::fpu::save_current(reinterpret_cast<hal::fpu::State*>(current_thread()->fpu_state), image);
}
void load_user_fpu(const void* image) {
  hal::fpu::load_current(reinterpret_cast<hal::fpu::State*>(current_thread()->fpu_state), image);
}

rtl::Result<void> start_kernel_thread(void (*entry)(void*), void* argument, bool above_user) {
  Thread* thread = TRY(create_kernel_thread(kernel_task(), entry, argument,
                                            above_user ? kDefaultPriority + 4 : kDefaultPriority));
  if (thread->state == ThreadState::ready) make_ready(thread);
  return {};
}
uint64_t now_ns() { return hal::clock::now_ns(); }
void yield_cpu() { yield(); }
Task& current_task() { return *current_thread()->task; }
void exit_current_thread() { thread_exit(); }

void resume_user_frame(const UserFrame& frame) {
  // The caller's frame usually lives on this very kernel stack, right where
  // hal_resume_user_frame builds the return frame: stage it elsewhere first.
  // Interrupts stay off from here to the IRETQ, so one staging area per CPU
  // suffices (one CPU today).
  static UserFrame staging;
  rtl::platform::irq_save();
  staging = frame;
  hal_resume_user_frame(reinterpret_cast<const hal::TrapFrame*>(&staging));
}

}  // namespace microcore
