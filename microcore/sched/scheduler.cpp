// The scheduler (see microcore/scheduler.h).
//
// Locking: one CPU today, so "interrupts off" is the lock: every function
// that touches the Processor disables interrupts first (irq_save) and the
// context switch itself runs with them off. SMP turns this into a per-
// processor spinlock plus IPIs; the data is already per-processor.
#include "microcore/scheduler.h"

#include "hal/address_space.h"
#include "hal/clock.h"
#include "hal/context.h"
#include "hal/fpu.h"
#include "hal/cpu.h"
#include "hal/cpu_local.h"
#include "hal/timer.h"
#include "microcore/load_average.h"
#include "microcore/object_zones.h"
#include "microcore/device_services.h"
#include "microcore/task.h"
#include "rtl/platform.h"

namespace microcore {
namespace {

struct Processor {
  rtl::IntrusiveList<Thread, &Thread::queue_node> ready[kPriorityLevels];
  uint32_t ready_mask = 0;  // bit p set <=> ready[p] not empty
  uint32_t ready_count = 0;  // threads in ready[], for the load
  Thread* current = nullptr;
  Thread* idle = nullptr;
  rtl::IntrusiveList<Thread, &Thread::timer_node> timers;  // sorted by deadline
  Thread* dead = nullptr;  // exited; reaped after the next switch
  SchedulerStatistics statistics{};
  LoadAverage load;
  uint64_t ticks_to_load_sample = 0;
};

Processor g_cpu;
hal::CpuLocal g_cpu_local;

using rtl::platform::InterruptsOff;

void enqueue(Thread* thread, WakePlacement placement = WakePlacement::back) {
  if (placement == WakePlacement::front)
    g_cpu.ready[thread->priority].push_front(*thread);
  else
    g_cpu.ready[thread->priority].push_back(*thread);
  g_cpu.ready_mask |= 1u << thread->priority;
  ++g_cpu.ready_count;
}

void dequeue(Thread* thread) {
  g_cpu.ready[thread->priority].remove(*thread);
  if (g_cpu.ready[thread->priority].empty()) g_cpu.ready_mask &= ~(1u << thread->priority);
  --g_cpu.ready_count;
}

// Runnable threads: the ready queues plus the running one (unless idle).
uint32_t runnable_threads() { return g_cpu.ready_count + (g_cpu.current != g_cpu.idle ? 1 : 0); }

// Interrupt context. The tick goes to whoever it interrupted.
void account_tick(Thread* current, bool from_user) {
  if (current == g_cpu.idle) {
    ++g_cpu.statistics.idle_ticks;
  } else if (from_user) {
    ++current->user_ticks;
    ++g_cpu.statistics.user_ticks;
  } else {
    ++current->system_ticks;
    ++g_cpu.statistics.system_ticks;
  }
  // Everyone still waiting for the CPU waited this tick (Thread::cpu_wait_ticks).
  for (uint32_t levels = g_cpu.ready_mask; levels; levels &= levels - 1)
    for (Thread& waiting : g_cpu.ready[__builtin_ctz(levels)]) ++waiting.cpu_wait_ticks;
  if (g_cpu.ticks_to_load_sample == 0) g_cpu.ticks_to_load_sample = load_sample_ticks(hal::timer::frequency_hz());
  if (--g_cpu.ticks_to_load_sample == 0) g_cpu.load.sample(runnable_threads());
}

Thread* pick_next() {
  if (!g_cpu.ready_mask) return g_cpu.idle;
  int priority = 31 - __builtin_clz(g_cpu.ready_mask);
  Thread* next = g_cpu.ready[priority].front();
  dequeue(next);
  return next;
}

void add_timer(Thread* thread, uint64_t deadline_ns) {
  thread->wake_deadline_ns = deadline_ns;
  for (Thread& other : g_cpu.timers) {
    if (other.wake_deadline_ns > deadline_ns) {
      g_cpu.timers.insert_before(other, *thread);
      return;
    }
  }
  g_cpu.timers.push_back(*thread);
}

// Interrupts off. Switches from the current thread to `next`.
void switch_to(Thread* next) {
  Thread* previous = g_cpu.current;
  if (next == previous) {
    next->state = ThreadState::running;
    return;
  }
  uint64_t now = hal::clock::now_ns();
  uint64_t ran = now - previous->switched_in_ns;
  previous->cpu_time_ns += ran;
  if (previous == g_cpu.idle) g_cpu.statistics.idle_ns += ran;
  next->switched_in_ns = now;
  if (next->slice_ticks_left == 0) next->slice_ticks_left = kSliceTicks;
  next->state = ThreadState::running;
  g_cpu.current = next;
  g_cpu_local.current_thread = next;
  ++g_cpu.statistics.context_switches;

  hal::set_entry_stack(next->stack.top());
  if (next->task->page_table_root() != previous->task->page_table_root())
    hal::address_space::activate(next->task->page_table_root());
  if (next->task != previous->task) load_io_permissions(*next->task);
  if (next->fs_base != previous->fs_base) hal::set_user_fs_base(next->fs_base);
  hal::fpu::switch_to(next->task->is_kernel() ? nullptr : reinterpret_cast<hal::fpu::State*>(next->fpu_state));
  hal_switch_context(&previous->saved_rsp, next->saved_rsp);
  scheduler_after_switch();
}

void reschedule_locked() {
  Thread* current = g_cpu.current;
  current->need_resched = false;
  if (current->state == ThreadState::running && current != g_cpu.idle) {
    current->state = ThreadState::ready;
    if (current->slice_ticks_left == 0) current->slice_ticks_left = kSliceTicks;
    enqueue(current);
  }
  switch_to(pick_next());
}

[[noreturn]] void idle_loop(void*) {
  for (;;) {
    // Interrupts off while deciding: work that became ready while we were
    // switched away (a thread reaped at our switch-in can wake its parent)
    // is seen here, before halting, rather than at the next timer tick.
    rtl::platform::irq_save();
    if (g_cpu.ready_mask) {
      reschedule_locked();
      continue;  // back on the idle thread, still with interrupts off
    }
    // STI takes effect after the next instruction, so no wakeup is lost
    // between the check above and the halt.
    asm volatile("sti; hlt" ::: "memory");
  }
}

void ready_thread(Thread* thread, WakePlacement placement) {
  InterruptsOff off;
  thread->state = ThreadState::ready;
  enqueue(thread, placement);
  if (g_cpu.current && thread->priority > g_cpu.current->priority) g_cpu.current->need_resched = true;
  if (g_cpu.current == g_cpu.idle) g_cpu.current->need_resched = true;
}

}  // namespace

void init_scheduler(Task& kernel) {
  hal::init_cpu_local(g_cpu_local, 0);
  // The boot context becomes a thread so it can block and be switched away
  // from like any other. It keeps the boot stack (slot ~0u: never freed).
  auto boot = thread_zone().make();
  RTL_ASSERT(boot.is_ok());
  Thread* thread = boot.value();
  thread->id = 0;
  thread->task = &kernel;
  thread->priority = kDefaultPriority;
  thread->state = ThreadState::running;
  thread->stack.slot = ~0u;
  thread->switched_in_ns = hal::clock::now_ns();
  thread->slice_ticks_left = kSliceTicks;
  kernel.add_thread(*thread);
  g_cpu.current = thread;
  g_cpu_local.current_thread = thread;

  auto idle = create_kernel_thread(kernel, idle_loop, nullptr, 0);
  RTL_ASSERT(idle.is_ok());
  g_cpu.idle = idle.value();
}

void scheduler_after_switch() {
  Thread* dead = g_cpu.dead;
  if (dead && dead != g_cpu.current) {
    g_cpu.dead = nullptr;
    destroy_thread(dead);
  }
}

void make_ready(Thread* thread) { ready_thread(thread, WakePlacement::back); }

void schedule() {
  InterruptsOff off;
  reschedule_locked();
}

void yield() {
  InterruptsOff off;
  g_cpu.current->slice_ticks_left = 0;  // to the back of its level
  reschedule_locked();
}

WakeReason block_on(WaitQueue& queue, uint64_t deadline_ns) {
  InterruptsOff off;
  Thread* current = g_cpu.current;
  if (current->kill_pending || current->interrupt_pending) return WakeReason::interrupted;
  current->state = ThreadState::blocked;
  current->wake_reason = WakeReason::none;
  current->wait_channel = &queue;
  queue.waiters.push_back(*current);
  if (deadline_ns) add_timer(current, deadline_ns);
  switch_to(pick_next());
  return current->wake_reason;
}

WakeReason block_current(uint64_t deadline_ns, Thread* handoff_target) {
  InterruptsOff off;
  Thread* current = g_cpu.current;
  if (current->kill_pending) return WakeReason::interrupted;
  current->state = ThreadState::blocked;
  current->wake_reason = WakeReason::none;
  current->wait_channel = nullptr;
  if (deadline_ns) add_timer(current, deadline_ns);
  Thread* next;
  if (handoff_target && handoff_target->state == ThreadState::ready) {
    // The fast path: no queue walk; the target inherits our slice.
    dequeue(handoff_target);
    handoff_target->slice_ticks_left = current->slice_ticks_left;
    next = handoff_target;
    ++g_cpu.statistics.handoffs;
  } else {
    next = pick_next();
  }
  switch_to(next);
  return current->wake_reason;
}

void sleep_until(uint64_t deadline_ns) {
  WaitQueue never_signaled;
  while (hal::clock::now_ns() < deadline_ns)
    if (block_on(never_signaled, deadline_ns) == WakeReason::interrupted) return;
}

void wake_thread(Thread* thread, WakeReason reason, WakePlacement placement) {
  InterruptsOff off;
  if (thread->state != ThreadState::blocked) return;
  if (thread->wait_channel) {
    static_cast<WaitQueue*>(thread->wait_channel)->waiters.remove(*thread);
    thread->wait_channel = nullptr;
  }
  if (thread->timer_node.is_linked()) g_cpu.timers.remove(*thread);
  thread->wake_reason = reason;
  ready_thread(thread, placement);
}

uint32_t wake_one(WaitQueue& queue, WakeReason reason) {
  InterruptsOff off;
  Thread* thread = queue.waiters.front();
  if (!thread) return 0;
  wake_thread(thread, reason);
  return 1;
}

uint32_t wake_all(WaitQueue& queue, WakeReason reason) {
  InterruptsOff off;
  uint32_t count = 0;
  while (Thread* thread = queue.waiters.front()) {
    wake_thread(thread, reason);
    ++count;
  }
  return count;
}

[[noreturn]] void thread_exit() {
  rtl::platform::irq_save();
  Thread* current = g_cpu.current;
  RTL_ASSERT(!g_cpu.dead);
  current->state = ThreadState::dead;
  g_cpu.dead = current;
  switch_to(pick_next());
  __builtin_unreachable();
}

void scheduler_tick(bool from_user) {
  Thread* current = g_cpu.current;
  if (!current) return;
  account_tick(current, from_user);
  if (current != g_cpu.idle && current->slice_ticks_left > 0 && --current->slice_ticks_left == 0)
    current->need_resched = true;
  uint64_t now = hal::clock::now_ns();
  while (Thread* first = g_cpu.timers.front()) {
    if (first->wake_deadline_ns > now) break;
    wake_thread(first, WakeReason::timed_out);
  }
}

void preempt_if_needed() {
  // Read without the interrupt bracket first: this runs on every return to
  // user mode, and the flag is only ever set, by this CPU, to ask for a switch.
  if (!g_cpu.current->need_resched) return;
  InterruptsOff off;
  if (g_cpu.current->need_resched) reschedule_locked();
}

SchedulerStatistics scheduler_statistics() {
  InterruptsOff off;
  SchedulerStatistics statistics = g_cpu.statistics;
  statistics.tick_hz = hal::timer::frequency_hz();
  for (int i = 0; i < 3; ++i) statistics.load[i] = g_cpu.load.fixed(i);
  statistics.runnable = runnable_threads();
  const uint64_t live = live_thread_count();
  statistics.threads = static_cast<uint32_t>(live > 0 ? live - 1 : 0);  // not the idle thread
  return statistics;
}

}  // namespace microcore
