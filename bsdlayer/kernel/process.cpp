// The process table, fork, exit and wait4 (see bsdlayer/process.h).
#include "bsdlayer/process.h"

#include "bsdlayer/linux/errno.h"
#include "rtl/log.h"
#include "rtl/platform.h"
#include "rtl/spinlock.h"

namespace bsdlayer {
namespace {

rtl::Spinlock g_lock;  // the process table, parent/child links, the VFS
rtl::IntrusiveList<Process, &Process::table_node> g_processes;
int g_next_pid = 1;
int g_last_pid = 0;  // the last pid or tid handed out (/proc/loadavg)

constexpr int kWnohang = 1, kWuntraced = 2, kWcontinued = 8;
constexpr int kSigkill = 9;
constexpr int kSigsegv = 11;

bool tid_in_use_locked(int id) {
  for (Process& process : g_processes)
    for (ThreadInfo& thread : process.threads)
      if (thread.tid == id) return true;
  return false;
}

// pids and the tids of extra threads share one space, as on Linux.
int allocate_pid_locked() {
  for (;;) {
    int pid = g_next_pid++;
    if (g_next_pid > 32767) g_next_pid = 2;
    if (!find_process(pid) && !tid_in_use_locked(pid)) return g_last_pid = pid;
  }
}

ThreadInfo* current_thread_info() {
  return static_cast<ThreadInfo*>(microcore::current_thread_handle()->personality_thread);
}

// Threads of the task that have not exited yet (a dead thread stays on the
// task's list until the scheduler reaps it). Interrupts off.
uint32_t live_threads(microcore::Task& task) { return microcore::live_thread_count_of(task); }

// The wait4 status of a task that ended without exit(): the microcore ends
// a faulting task with 128 + signal, as a shell reports it.
int status_from_task(const microcore::Task& task) {
  int status = task.exit_status();
  if (status > 128 && status < 128 + 64) return status - 128;  // killed by that signal
  return kSigkill;
}

void destroy_process_locked(Process* process);

void on_task_exit(microcore::Task& task) {
  auto* process = static_cast<Process*>(task.personality);
  if (!process) return;
  BsdLock lock;
  process->files.reset();  // closes every descriptor (pipes see their end go away)
  process->cwd = nullptr;
  if (!process->exited_by_call) process->wait_status = status_from_task(task) & 0x7f;
  process->cpu_times = process_cpu_times_locked(*process);  // final: the task goes next
  process->state = ProcessState::zombie;
  process->task = nullptr;
  // Every thread is gone; their tids go back to the pid space.
  while (ThreadInfo* thread = process->threads.pop_front()) rtl::OwnPtr<ThreadInfo>::adopt(thread).reset();
  task.personality = nullptr;
  Process* init = find_process(1);
  while (Process* child = process->children.pop_front()) {
    child->parent = init != process ? init : nullptr;
    if (child->parent) child->parent->children.push_back(*child);
  }
  if (process->pid == 1) rtl::pr_emerg("bsdlayer: init exited with status {:#x}", process->wait_status);
  Process* parent = process->parent;
  if (!parent) return;
  linux_abi::SigInfo info{};
  info.signo = linux_abi::kSIGCHLD;
  info.code = process->exited_by_call ? linux_abi::kCLD_EXITED : linux_abi::kCLD_KILLED;
  info.fields.child.pid = process->pid;
  info.fields.child.status = process->exited_by_call ? (process->wait_status >> 8) & 0xff : process->wait_status & 0x7f;
  bool autoreap = parent->signals.children_autoreap();  // SIG_IGN or SA_NOCLDWAIT: no zombie
  post_signal_locked(*parent, linux_abi::kSIGCHLD, &info);
  microcore::wake_waiters(*parent->child_events);
  if (autoreap) {
    parent->children.remove(*process);
    destroy_process_locked(process);
  }
}

void destroy_process_locked(Process* process) {
  g_processes.remove(*process);
  if (process->child_events) microcore::destroy_wait_queue(process->child_events);
  if (process->signal_events) microcore::destroy_wait_queue(process->signal_events);
  rtl::OwnPtr<Process>::adopt(process).reset();
}

bool matches(const Process& child, int pid, int caller_pgid) {
  if (pid > 0) return child.pid == pid;
  if (pid == -1) return true;
  if (pid == 0) return child.pgid == caller_pgid;
  return child.pgid == -pid;
}

}  // namespace

int last_allocated_pid() { return g_last_pid; }

void lock_bsd() { g_lock.lock(); }
void unlock_bsd() { g_lock.unlock(); }

Process* current_process() { return static_cast<Process*>(microcore::current_task().personality); }

void for_each_process(void (*visit)(Process&, void*), void* context) {
  for (Process& process : g_processes) visit(process, context);
}

Process* find_process(int pid) {
  for (Process& process : g_processes)
    if (process.pid == pid) return &process;
  return nullptr;
}

// Creates an empty process in the table (pid assigned); the caller links it
// to a task and a parent.
rtl::Result<Process*> create_process(Process* parent) {
  auto process = TRY(rtl::try_make<Process>());
  process->child_events = TRY(microcore::create_wait_queue());
  process->signal_events = TRY(microcore::create_wait_queue());
  BsdLock lock;
  process->pid = allocate_pid_locked();
  process->start_ns = microcore::now_ns();  // /proc/PID/stat
  process->parent = parent;
  if (parent) {
    process->pgid = parent->pgid;
    process->sid = parent->sid;
    process->umask = parent->umask;
    parent->children.push_back(*process);
  } else {
    process->pgid = process->sid = process->pid;
  }
  Process* raw = process.leak();
  g_processes.push_back(*raw);
  return raw;
}

void discard_unstarted_process(Process* process) {
  BsdLock lock;
  if (process->parent) process->parent->children.remove(*process);
  destroy_process_locked(process);
}

int64_t fork_current(microcore::UserFrame& frame) {
  Process* parent = current_process();
  auto created = create_process(parent);
  if (created.is_error()) return -LINUX_ENOMEM;
  Process* child = created.value();
  {
    BsdLock lock;
    auto files = parent->files->clone();
    if (files.is_error()) {
      unlock_bsd();
      discard_unstarted_process(child);
      lock_bsd();
      return files.error();
    }
    child->files = files.release_value();
    child->cwd = parent->cwd;
    child->brk_start = parent->brk_start;
    child->brk_end = parent->brk_end;
    child->mmap_hint = parent->mmap_hint;
    child->signals = parent->signals;
    child->signals.clear_pending();  // fork: the child starts with none pending
    if (process_is_threaded(*parent)) child->signals.set_blocked(*current_thread_mask_locked());  // the forker's
    child->alt_stack = parent->alt_stack;
    __builtin_memcpy(child->name, parent->name, sizeof child->name);
    __builtin_memcpy(child->exe, parent->exe, sizeof child->exe);
    __builtin_memcpy(child->cmdline, parent->cmdline, sizeof child->cmdline);  // /proc
    child->cmdline_length = parent->cmdline_length;
  }
  auto task = microcore::fork_task(*parent->task, frame, 0, parent->name);
  if (task.is_error()) {
    discard_unstarted_process(child);
    return -LINUX_ENOMEM;
  }
  child->task = task.value();
  task.value()->personality = child;
  microcore::resume_task(*task.value());
  return child->pid;
}

void exit_current(int status) {
  Process* process = current_process();
  {
    BsdLock lock;
    process->exited_by_call = true;
    process->wait_status = (status & 0xff) << 8;
  }
  microcore::current_task().kill(status & 0xff);
  microcore::exit_current_thread();
}

bool process_is_threaded(const Process& process) { return !process.threads.empty() || !process.main_thread_alive; }

linux_abi::SigSet* current_thread_mask_locked() {
  ThreadInfo* thread = current_thread_info();
  return thread ? &thread->blocked : &current_process()->main_blocked;
}

void recompute_blocked_locked(Process& process) {
  if (!process_is_threaded(process)) {
    process.signals.set_blocked(process.main_blocked);
  } else {
    linux_abi::SigSet mask = ~linux_abi::SigSet(0);
    if (process.main_thread_alive) mask &= process.main_blocked;
    for (ThreadInfo& thread : process.threads) mask &= thread.blocked;
    process.signals.set_blocked(mask);
  }
  if (process.task && process.signals.has_deliverable()) microcore::interrupt_thread(*process.task);
}

int current_tid() {
  ThreadInfo* thread = current_thread_info();
  return thread ? thread->tid : current_process()->pid;
}

uint64_t* current_clear_child_tid() {
  ThreadInfo* thread = current_thread_info();
  return thread ? &thread->clear_child_tid : &current_process()->clear_child_tid;
}

bool process_has_thread_locked(const Process& process, int tid) {
  if (process.state == ProcessState::zombie) return false;
  if (tid == process.pid) return true;
  for (ThreadInfo& thread : process.threads)
    if (thread.tid == tid) return true;
  return false;
}

int64_t clone_thread_current(microcore::UserFrame& frame, uint64_t flags, uint64_t stack, uint64_t parent_tid,
                             uint64_t child_tid, uint64_t tls) {
  constexpr uint64_t kSettls = 0x80000, kParentSettid = 0x100000, kChildCleartid = 0x200000,
                     kChildSettid = 0x1000000;
  if ((flags & kSettls) && tls >= 0x0000800000000000) return -LINUX_EPERM;
  Process* process = current_process();
  auto made = rtl::try_make<ThreadInfo>();
  if (made.is_error()) return -LINUX_ENOMEM;
  ThreadInfo* info = made.value().leak();
  info->process = process;
  if (flags & kChildCleartid) info->clear_child_tid = child_tid;
  {
    BsdLock lock;
    info->tid = allocate_pid_locked();
    // The first extra thread: the process mask becomes the first thread's own.
    if (!process_is_threaded(*process)) process->main_blocked = process->signals.blocked();
    info->blocked = *current_thread_mask_locked();  // the creator's mask, as Linux
    process->threads.push_back(*info);
  }
  microcore::UserFrame child = frame;
  if (stack) child.rsp = stack;
  uint64_t fs_base = (flags & kSettls) ? tls : microcore::thread_pointer();
  auto thread = microcore::create_thread_in(*process->task, child, 0, fs_base);
  if (thread.is_error()) {
    {
      BsdLock lock;
      process->threads.remove(*info);
      recompute_blocked_locked(*process);
    }
    rtl::OwnPtr<ThreadInfo>::adopt(info).reset();
    return -LINUX_ENOMEM;
  }
  thread.value()->personality_thread = info;
  int tid = info->tid;
  // One address space: the parent writes both (before the child runs).
  if (flags & kParentSettid) (void)microcore::copy_to_user(parent_tid, &tid, sizeof tid);
  if (flags & kChildSettid) (void)microcore::copy_to_user(child_tid, &tid, sizeof tid);
  microcore::start_thread(thread.value());
  return tid;
}

void exit_thread_current(int status) {
  Process* process = current_process();
  microcore::Task& task = microcore::current_task();
  {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    bool last = live_threads(task) <= 1;
    rtl::platform::irq_restore(interrupts);
    if (last) exit_current(status);
  }
  // CLONE_CHILD_CLEARTID: zero the word and wake a joiner (pthread_join).
  uint64_t* clear = current_clear_child_tid();
  if (*clear) {
    uint32_t zero = 0;
    if (microcore::copy_to_user(*clear, &zero, sizeof zero)) (void)futex_wake(*clear, 1);
    *clear = 0;
  }
  if (ThreadInfo* info = current_thread_info()) {
    {
      BsdLock lock;
      process->threads.remove(*info);
      recompute_blocked_locked(*process);  // its mask (glibc blocks all at exit) no longer counts
    }
    microcore::current_thread_handle()->personality_thread = nullptr;
    rtl::OwnPtr<ThreadInfo>::adopt(info).reset();
  } else {
    BsdLock lock;
    process->main_thread_alive = false;
    recompute_blocked_locked(*process);
  }
  // Interrupts stay off from the count to the end, so two threads exiting
  // at once cannot both think another one remains.
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  if (live_threads(task) <= 1) {
    rtl::platform::irq_restore(interrupts);
    exit_current(status);
  }
  microcore::exit_current_thread();
}

void become_single_threaded() {
  Process* process = current_process();
  microcore::Task& task = microcore::current_task();
  if (live_threads(task) <= 1) return;
  microcore::end_other_threads();
  while (live_threads(task) > 1) microcore::yield_cpu();
  // Like Linux's de_thread, the survivor takes the pid as its tid.
  BsdLock lock;
  process->main_blocked = *current_thread_mask_locked();
  process->main_thread_alive = true;
  microcore::current_thread_handle()->personality_thread = nullptr;
  while (ThreadInfo* thread = process->threads.pop_front()) rtl::OwnPtr<ThreadInfo>::adopt(thread).reset();
  recompute_blocked_locked(*process);
}

int64_t wait_for_child(int pid, uint64_t user_status, int options, CpuTimes* reaped) {
  Process* self = current_process();
  for (;;) {
    // Interrupts stay off from the scan to the sleep, so a child's exit in
    // between (which runs at a context switch) cannot be missed.
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_bsd();
    bool any = false;
    Process* zombie = nullptr;
    int reported_pid = 0, reported_status = 0;  // a stop or a continue: the child stays
    for (Process& child : self->children) {
      if (!matches(child, pid, self->pgid)) continue;
      any = true;
      if (child.state == ProcessState::zombie) {
        zombie = &child;
        break;
      }
      if ((options & kWuntraced) && child.stopped && child.stop_unreported) {
        child.stop_unreported = false;
        reported_pid = child.pid;
        reported_status = 0x7f | (child.stop_signal << 8);
        break;
      }
      if ((options & kWcontinued) && child.continue_unreported) {
        child.continue_unreported = false;
        reported_pid = child.pid;
        reported_status = 0xffff;
        break;
      }
    }
    if (!any) {
      unlock_bsd();
      rtl::platform::irq_restore(interrupts);
      return -LINUX_ECHILD;
    }
    if (reported_pid) {
      unlock_bsd();
      rtl::platform::irq_restore(interrupts);
      if (user_status && !microcore::copy_to_user(user_status, &reported_status, sizeof reported_status))
        return -LINUX_EFAULT;
      return reported_pid;
    }
    if (zombie) {
      int child_pid = zombie->pid, status = zombie->wait_status;
      CpuTimes times = zombie->cpu_times;
      times += zombie->children_cpu_times;
      self->children_cpu_times += times;
      if (reaped) *reaped = times;
      self->children.remove(*zombie);
      destroy_process_locked(zombie);
      unlock_bsd();
      rtl::platform::irq_restore(interrupts);
      if (user_status && !microcore::copy_to_user(user_status, &status, sizeof status)) return -LINUX_EFAULT;
      return child_pid;
    }
    unlock_bsd();
    if (options & kWnohang) {
      rtl::platform::irq_restore(interrupts);
      return 0;
    }
    microcore::WaitOutcome outcome = microcore::wait_on(*self->child_events, 0);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted) return -LINUX_EINTR;
  }
}

void install_process_hooks() { microcore::set_task_exit_hook(on_task_exit); }

}  // namespace bsdlayer
