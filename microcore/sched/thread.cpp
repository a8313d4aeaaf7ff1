#include "microcore/thread.h"

#include "hal/address_space.h"
#include "hal/context.h"
#include "hal/fpu.h"
#include "hal/cpu_local.h"
#include "microcore/object_zones.h"
#include "microcore/scheduler.h"
#include "microcore/task.h"
#include "rtl/platform.h"

namespace microcore {

static_assert(sizeof(Thread::fpu_state) >= sizeof(hal::fpu::State) && alignof(hal::fpu::State) <= 16,
              "Thread::fpu_state must hold a hal::fpu::State");

namespace {

// Thread ids and the live count; touched with interrupts off.
uint64_t g_next_thread_id = 1;
uint64_t g_live_threads = 0;

void finish_switch_and_run(void* argument);

rtl::Result<Thread*> create_thread(Task& task, void (*entry)(void*), void* argument, uint8_t priority) {
  if (priority >= kPriorityLevels) return rtl::Error(rtl::Errc::invalid_argument, "priority out of range");
  Thread* raw = TRY(thread_zone().make());
  auto stack = allocate_kernel_stack();
  if (stack.is_error()) {
    thread_zone().destroy(raw);
    return stack.error();
  }
  raw->stack = stack.value();
  raw->task = &task;
  raw->priority = priority;
  raw->state = ThreadState::ready;
  raw->entry = entry;
  raw->argument = argument;
  raw->saved_rsp = hal::prepare_thread_stack(raw->stack.top(), finish_switch_and_run, raw);
  auto flags = rtl::platform::irq_save();
  raw->id = g_next_thread_id++;
  ++g_live_threads;
  task.add_thread(*raw);
  rtl::platform::irq_restore(flags);
  return raw;
}

void enter_user_mode(void* argument) {
  auto* thread = static_cast<Thread*>(argument);
  // Killed before it ever ran (a spawn whose setup failed): end here.
  if (thread->kill_pending) thread_exit();
  hal_enter_user(thread->user_rip, thread->user_rsp, thread->user_arg0, thread->user_arg1);
}

// Every new thread starts here, right after its first switch-in.
void finish_switch_and_run(void* argument) {
  auto* thread = static_cast<Thread*>(argument);
  scheduler_after_switch();
  thread->entry(thread->argument);
  thread_exit();
}

}  // namespace

rtl::Result<Thread*> create_kernel_thread(Task& task, void (*entry)(void*), void* argument, uint8_t priority) {
  return create_thread(task, entry, argument, priority);
}

rtl::Result<Thread*> create_user_thread(Task& task, uint64_t rip, uint64_t rsp, uint64_t arg0, uint64_t arg1,
                                        uint8_t priority) {
  Thread* thread = TRY(create_thread(task, enter_user_mode, nullptr, priority));
  thread->argument = thread;
  thread->user_rip = rip;
  thread->user_rsp = rsp;
  thread->user_arg0 = arg0;
  thread->user_arg1 = arg1;
  return thread;
}

void destroy_thread(Thread* thread) {
  hal::fpu::release(reinterpret_cast<hal::fpu::State*>(thread->fpu_state));
  free_kernel_stack(thread->stack);
  Task* task = thread->task;
  auto flags = rtl::platform::irq_save();
  task->remove_thread(*thread);
  --g_live_threads;
  bool last = task->thread_count() == 0 && !task->is_kernel();
  rtl::platform::irq_restore(flags);
  thread_zone().destroy(thread);
  if (last) destroy_task(task);
}

Thread* current_thread() { return static_cast<Thread*>(hal::cpu_local().current_thread); }

uint64_t live_thread_count() { return g_live_threads; }

}  // namespace microcore
