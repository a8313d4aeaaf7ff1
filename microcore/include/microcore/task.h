// A task: Mach's unit of resource ownership. It owns an address space and
// a port name space, and holds threads. The kernel itself is task 0, the
// home of kernel threads.
//
// Termination: kill() marks every thread; each exits at its next return
// towards user mode. The last thread to exit tears the task down (address
// space, port rights) and frees it.
#pragma once

#include <cstdint>

#include "microcore/thread.h"
#include "rtl/intrusive_list.h"
#include "rtl/result.h"

namespace microcore {

class Task {
 public:
  static constexpr size_t kNameLength = 32;

  uint64_t id() const { return id_; }
  const char* name() const { return name_; }
  bool is_kernel() const { return id_ == 0; }
  uint64_t page_table_root() const { return page_table_root_; }

  // Accounting, summed over the task's threads (including exited ones).
  uint64_t cpu_time_ns() const;
  struct CpuUsage {
    uint64_t ns;            // exact time on the CPU
    uint64_t user_ticks;    // ticks that interrupted it in Ring 3
    uint64_t system_ticks;  // ticks that interrupted it in the kernel
  };
  // Read with interrupts off: the current thread's ticks change in the tick.
  CpuUsage cpu_usage() const;
  uint32_t thread_count() const { return static_cast<uint32_t>(threads_.size()); }
  bool dying() const { return dying_; }
  Thread* first_thread() const { return threads_.front(); }
  // The live threads; walk with interrupts off (threads come and go).
  rtl::IntrusiveList<Thread, &Thread::task_node>& threads() { return threads_; }
  int exit_status() const { return exit_status_; }

  // Marks the task for termination with `status`; its threads stop at their
  // next return towards user mode.
  void kill(int status);

  // Internal to the microcore (thread and task lifecycle).
  void add_thread(Thread& thread);
  void remove_thread(Thread& thread);  // last one out destroys the task
  void account_exited_thread(const Thread& thread);

  rtl::IntrusiveListNode list_node;  // in the global task list

 private:
  friend rtl::Result<Task*> create_task(const char* name);
  friend Task& kernel_task();
  friend void destroy_task(Task* task);

  uint64_t id_ = 0;
  char name_[kNameLength] = {};
  uint64_t page_table_root_ = 0;  // 0 for the kernel task
  rtl::IntrusiveList<Thread, &Thread::task_node> threads_;
  uint64_t exited_cpu_ns_ = 0;
  uint64_t exited_user_ticks_ = 0;
  uint64_t exited_system_ticks_ = 0;
  bool dying_ = false;
  int exit_status_ = 0;

 public:
  // Per-personality and per-subsystem state hangs off these; the layers
  // that own them (IPC space, address map) install and tear them down.
  void* ipc_space = nullptr;
  void* address_map = nullptr;
  void* devices = nullptr;  // device grants (microcore/device_services.h)
  void* personality = nullptr;  // the personality's process (bsdlayer), if any
};

rtl::Result<Task*> create_task(const char* name);
Task& kernel_task();
// Calls visit(task, context) for every live task (for /proc and reports),
// with the task list locked: visit must not create or destroy tasks.
void for_each_task(void (*visit)(Task& task, void* context), void* context);
uint64_t live_task_count();

// Called by the last exiting thread (and by create paths on failure).
void destroy_task(Task* task);

// Kills the live task with this id (Task::kill); false if it is already
// gone. Safe where a Task pointer might be stale (a supervisor that keeps
// ids, not pointers, across the task's death).
bool kill_task(uint64_t id, int status);
// How long the live task with this id has waited for the CPU (its threads'
// Thread::cpu_wait_ticks, to within a tick); 0 once it is gone. For
// watchdogs that judge a task by the time it was given.
uint64_t task_cpu_wait_ns(uint64_t id);

// Exit observers: called for every task destroyed, after its teardown (IPC
// rights, address map, device grants are released) and before the Task is
// freed, so an observer can tell "this task is gone" by its id. They run in
// the reaping thread's context with no microcore lock held and must not
// block. At most kMaxExitObservers, registered once at boot.
inline constexpr int kMaxExitObservers = 4;
using TaskExitObserver = void (*)(Task& task);
rtl::Result<void> add_task_exit_observer(TaskExitObserver observer);

// Hooks for subsystems that attach per-task state (IPC space, VM map):
// teardown runs when the task is destroyed.
using TaskTeardown = void (*)(Task& task);
void set_task_teardown(TaskTeardown teardown);

}  // namespace microcore
