#include "microcore/task.h"

#include <cstring>

#include "hal/address_space.h"
#include "hal/timer.h"
#include "microcore/object_zones.h"
#include "microcore/scheduler.h"
#include "rtl/log.h"
#include "rtl/platform.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

struct TaskList {
  rtl::IntrusiveList<Task, &Task::list_node> tasks;
  uint64_t next_id = 1;
};
// Every live task except the kernel's, and the id counter.
rtl::SpinlockProtected<TaskList> g_tasks;
Task g_kernel_task;
TaskTeardown g_teardown = nullptr;  // set once at boot
// Written at boot before any task can die; read when one does.
TaskExitObserver g_exit_observers[kMaxExitObservers] = {};

}  // namespace

Task& kernel_task() {
  if (g_kernel_task.name_[0] == '\0') std::memcpy(g_kernel_task.name_, "kernel", 7);
  return g_kernel_task;
}

rtl::Result<Task*> create_task(const char* name) {
  Task* raw = TRY(task_zone().make());
  size_t length = std::strlen(name);
  std::memcpy(raw->name_, name, length < Task::kNameLength ? length : Task::kNameLength - 1);
  auto root = hal::address_space::create();
  if (root.is_error()) {
    task_zone().destroy(raw);
    return root.error();
  }
  raw->page_table_root_ = root.value();
  g_tasks.with([&](TaskList& list) {
    raw->id_ = list.next_id++;
    list.tasks.push_back(*raw);
  });
  return raw;
}

void destroy_task(Task* task) {
  RTL_ASSERT(!task->is_kernel() && task->threads_.empty());
  if (g_teardown) g_teardown(*task);
  g_tasks.with([&](TaskList& list) { list.tasks.remove(*task); });
  for (TaskExitObserver observer : g_exit_observers)
    if (observer) observer(*task);
  if (task->page_table_root_) hal::address_space::destroy(task->page_table_root_);
  task_zone().destroy(task);
}

void set_task_teardown(TaskTeardown teardown) { g_teardown = teardown; }

rtl::Result<void> add_task_exit_observer(TaskExitObserver observer) {
  for (TaskExitObserver& slot : g_exit_observers) {
    if (!slot) {
      slot = observer;
      return {};
    }
  }
  return rtl::Error(rtl::Errc::too_big, "no free task exit observer slot");
}

bool kill_task(uint64_t id, int status) {
  return g_tasks.with([&](TaskList& list) {
    for (Task& task : list.tasks) {
      if (task.id() != id) continue;
      task.kill(status);
      return true;
    }
    return false;
  });
}

uint64_t task_cpu_wait_ns(uint64_t id) {
  return g_tasks.with([&](TaskList& list) -> uint64_t {
    for (Task& task : list.tasks) {
      if (task.id() != id) continue;
      rtl::platform::InterruptsOff off;  // the scheduler's fields
      uint64_t ticks = 0;
      for (const Thread& thread : task.threads()) ticks += thread.cpu_wait_ticks;
      uint64_t hz = hal::timer::frequency_hz();
      return hz ? ticks * (1'000'000'000 / hz) : 0;
    }
    return 0;
  });
}

uint64_t Task::cpu_time_ns() const {
  uint64_t total = exited_cpu_ns_;
  for (const Thread& thread : threads_) total += thread.cpu_time_ns;
  return total;
}

Task::CpuUsage Task::cpu_usage() const {
  CpuUsage usage{exited_cpu_ns_, exited_user_ticks_, exited_system_ticks_};
  for (const Thread& thread : threads_) {
    usage.ns += thread.cpu_time_ns;
    usage.user_ticks += thread.user_ticks;
    usage.system_ticks += thread.system_ticks;
  }
  return usage;
}

void Task::account_exited_thread(const Thread& thread) {
  exited_cpu_ns_ += thread.cpu_time_ns;
  exited_user_ticks_ += thread.user_ticks;
  exited_system_ticks_ += thread.system_ticks;
}

void Task::kill(int status) {
  if (dying_) return;
  dying_ = true;
  exit_status_ = status;
  for (Thread& thread : threads_) {
    thread.kill_pending = true;
    // A thread blocked in the kernel must come back to notice the kill.
    if (thread.state == ThreadState::blocked) wake_thread(&thread, WakeReason::interrupted);
  }
}

void Task::add_thread(Thread& thread) { threads_.push_back(thread); }

void Task::remove_thread(Thread& thread) {
  account_exited_thread(thread);
  threads_.remove(thread);
}

void for_each_task(void (*visit)(Task&, void*), void* context) {
  g_tasks.with([&](TaskList& list) {
    for (Task& task : list.tasks) visit(task, context);
  });
}

uint64_t live_task_count() {
  return g_tasks.with([](TaskList& list) { return static_cast<uint64_t>(list.tasks.size()); });
}

}  // namespace microcore
