// The scheduler: preemptive, priority-based (32 levels, higher runs first),
// round-robin with time slices within a level. "Program B, run for 0.1 s
// and step aside": a thread runs for its slice of ticks, then goes to the
// back of its level.
//
// Structure: one Processor per CPU holding its ready queues, current and
// idle threads, and the timeout list, so SMP adds processors rather than
// redesigning. Today there is one CPU and interrupts-off protects it; every
// function here may be called with interrupts on or off.
//
// Direct handoff: handoff_to() switches to a chosen thread without a run-
// queue walk and gives it the rest of the caller's slice — the IPC fast path
// (call/reply) uses it, as L4 and seL4 do.
#pragma once

#include <cstdint>

#include "microcore/thread.h"
#include "microcore/wait_queue.h"

namespace microcore {

inline constexpr uint32_t kSliceTicks = 10;  // 10 ms at the 1000 Hz tick

// Creates the idle and boot threads and starts accounting. The calling
// context becomes the boot thread of `kernel_task`.
void init_scheduler(Task& kernel_task);

// Makes a new or woken thread runnable.
void make_ready(Thread* thread);

// Gives up the CPU if anything else at the same or higher priority is ready.
void yield();
// Switches to the best ready thread (the current one keeps its place if it
// is still runnable and nothing better exists).
void schedule();
// Blocks the current thread on `queue` until woken or until the absolute
// deadline (nanoseconds since boot; 0 = none) passes.
WakeReason block_on(WaitQueue& queue, uint64_t deadline_ns);
// Sleeps the current thread until the deadline.
void sleep_until(uint64_t deadline_ns);
// Wakes one/all threads blocked on the queue. Returns how many woke.
uint32_t wake_one(WaitQueue& queue, WakeReason reason = WakeReason::signaled);
uint32_t wake_all(WaitQueue& queue, WakeReason reason = WakeReason::signaled);
// Wakes a specific blocked thread (used when a thread waits on something
// other than a WaitQueue, e.g. an IPC waiter).
void wake_thread(Thread* thread, WakeReason reason, WakePlacement placement = WakePlacement::back);
// Blocks the current thread without a queue (the waker knows it), then
// switches straight to `target` if given and ready-able, else schedules.
WakeReason block_current(uint64_t deadline_ns, Thread* handoff_target);

// Timer tick (interrupt context): accounting (the tick goes to the
// current thread's user or system ticks by the level it interrupted, or to
// idle), slice expiry, timeouts, and every five seconds a load sample.
void scheduler_tick(bool from_user);
// Preemption point on the way back to user mode.
void preempt_if_needed();

// Runs on every switch-in (also a new thread's first): reaps the thread
// that died on the way out. Internal to the microcore.
void scheduler_after_switch();

struct SchedulerStatistics {
  uint64_t context_switches;
  uint64_t handoffs;
  uint64_t idle_ns;
  // Ticks by what they interrupted (the whole CPU's /proc/stat line).
  uint64_t user_ticks;
  uint64_t system_ticks;
  uint64_t idle_ticks;
  uint32_t tick_hz;
  // Load: the decayed averages (LoadAverage fixed point), the threads
  // runnable now (the running one included) and all live threads but idle.
  // Every wait in the microcore can be interrupted or killed, so there is
  // no uninterruptible state to add to the runnable count.
  uint64_t load[3];
  uint32_t runnable;
  uint32_t threads;
};
SchedulerStatistics scheduler_statistics();

}  // namespace microcore
