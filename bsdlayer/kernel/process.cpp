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

constexpr int kWnohang = 1, kWuntraced = 2, kWcontinued = 8;
constexpr int kSigkill = 9;
constexpr int kSigsegv = 11;

int allocate_pid_locked() {
  for (;;) {
    int pid = g_next_pid++;
    if (g_next_pid > 32767) g_next_pid = 2;
    if (!find_process(pid)) return pid;
  }
}

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
  process->state = ProcessState::zombie;
  process->task = nullptr;
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

int64_t wait_for_child(int pid, uint64_t user_status, int options) {
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
