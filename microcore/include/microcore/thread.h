// A thread: the unit the scheduler runs. It owns a kernel stack (with a
// guard page), its saved kernel context, its lazily saved vector state, and
// belongs to a task (kernel threads belong to the kernel task).
//
// Lifetime: created by create_kernel_thread/create_user_thread, it runs
// until it calls thread_exit() (or its task is killed, which makes it exit at
// its next return towards user mode). A dead thread cannot free the stack it
// is running on, so the scheduler reaps it after switching away.
#pragma once

#include <cstdint>

#include "microcore/kernel_stack.h"
#include "rtl/intrusive_list.h"
#include "rtl/result.h"

namespace microcore {

class Task;

enum class ThreadState : uint8_t { ready, running, blocked, dead };

// Why a blocked thread woke up.
enum class WakeReason : uint8_t { none, signaled, timed_out, interrupted };

// Where a woken thread joins its level's ready queue. `front` lets it run
// as soon as the current thread gives up the CPU, without preempting it:
// for a wake that idle hardware waits on (a device interrupt for a driver
// server), where the back of the queue would leave the device idle behind
// every ready client. A thread that stays runnable still goes to the back
// when its slice ends, so front wakes cannot starve a level.
enum class WakePlacement : uint8_t { back, front };

inline constexpr uint8_t kPriorityLevels = 32;
inline constexpr uint8_t kDefaultPriority = 16;

struct Thread {
  uint64_t id;
  Task* task;
  ThreadState state;
  uint8_t priority;
  bool kill_pending;   // exit at the next return towards user mode
  // A personality signal is waiting for delivery (interrupt_thread): the
  // next wait returns `interrupted` at once. Cleared on return to user mode,
  // where the personality delivers it.
  bool interrupt_pending;
  bool need_resched;   // (on the current thread) switch at the next chance

  uint64_t saved_rsp;  // kernel context while not running
  uint64_t fs_base;    // user TLS pointer (arch_prctl ARCH_SET_FS)
  KernelStack stack;
  // The thread's x87/SSE state, saved lazily by the HAL (hal::fpu::State;
  // opaque here so layers above the microcore need no HAL headers).
  alignas(16) uint8_t fpu_state[528];

  // Run queue or wait queue membership (never both).
  rtl::IntrusiveListNode queue_node;
  // Position in its task's thread list.
  rtl::IntrusiveListNode task_node;
  // Timeout bookkeeping while blocked with a deadline.
  rtl::IntrusiveListNode timer_node;
  uint64_t wake_deadline_ns;
  WakeReason wake_reason;
  void* wait_channel;  // the WaitQueue it sleeps on, for cancellation

  uint32_t slice_ticks_left;
  uint64_t cpu_time_ns;
  uint64_t switched_in_ns;
  // Timer ticks that found this thread ready but not running: waiting for
  // the CPU. A watchdog subtracts that time, so a thread is not judged hung
  // for the CPU it was not given (a driver server behind many busy
  // threads). Sampled, like user_ticks below, so the wake and switch paths
  // pay nothing; a wait of many ticks, the only kind that matters to a
  // watchdog, is counted to within one.
  uint64_t cpu_wait_ticks;
  // Timer ticks that found this thread running, by the privilege level the
  // tick interrupted: the user/system split of cpu_time_ns (sampled, as
  // Linux's tick accounting; the exact total stays cpu_time_ns).
  uint64_t user_ticks;
  uint64_t system_ticks;

  void (*entry)(void*);
  void* argument;
  // User entry point, for threads that start in Ring 3.
  uint64_t user_rip, user_rsp, user_arg0, user_arg1;
  // The personality's per-thread state (bsdlayer's ThreadInfo), if any.
  void* personality_thread = nullptr;
};

rtl::Result<Thread*> create_kernel_thread(Task& task, void (*entry)(void*), void* argument,
                                          uint8_t priority = kDefaultPriority);
rtl::Result<Thread*> create_user_thread(Task& task, uint64_t rip, uint64_t rsp, uint64_t arg0,
                                        uint64_t arg1, uint8_t priority = kDefaultPriority);
[[noreturn]] void thread_exit();
// Frees a dead thread's resources; the scheduler calls it once the thread is
// off its stack for good.
void destroy_thread(Thread* thread);

Thread* current_thread();
uint64_t live_thread_count();

}  // namespace microcore
