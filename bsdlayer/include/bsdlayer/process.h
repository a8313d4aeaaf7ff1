// A POSIX process: bsdlayer's view of a microcore task (XNU's proc over a
// Mach task). It adds what Unix needs and Mach does not have: a pid and a
// parent, file descriptors, a current directory, the program break, process
// groups and sessions, exit status for wait4.
//
// Lifetime: created with its task (fork, or the first process at boot);
// when the task ends the process becomes a zombie holding its exit status
// until the parent reaps it with wait4 (or, orphaned, init does).
//
// Locking: g_process_lock (kernel/process.cpp) guards the process table and
// every parent/child link; a process's own fields are touched only by its
// task's threads (one per process today) except `state` and `wait_status`,
// which change under the lock.
#pragma once

#include <cstdint>

#include "bsdlayer/accounting/cpu_times.h"
#include "bsdlayer/signal/signal_frame.h"
#include "bsdlayer/signal/signal_state.h"
#include "bsdlayer/vfs/fd_table.h"
#include "bsdlayer/vfs/vnode.h"
#include "microcore/personality.h"
#include "rtl/intrusive_list.h"
#include "rtl/own_ptr.h"
#include "rtl/ref_ptr.h"

namespace bsdlayer {

enum class ProcessState : uint8_t { running, zombie };

struct Process;

// A thread beyond the process's first (clone with CLONE_THREAD), hung off
// microcore::Thread::personality_thread. The first thread has none: its tid
// is the pid and its clear_child_tid lives in Process. tids come from the
// pid space (allocate_pid_locked skips live ones), as on Linux.
struct ThreadInfo {
  int tid = 0;
  Process* process = nullptr;
  uint64_t clear_child_tid = 0;  // CLONE_CHILD_CLEARTID / set_tid_address
  linux_abi::SigSet blocked = 0;  // this thread's rt_sigprocmask mask (see Process::main_blocked)
  rtl::IntrusiveListNode process_node;  // in Process::threads, under the lock
};

struct Process {
  int pid = 0;
  int pgid = 0;
  int sid = 0;
  Process* parent = nullptr;
  microcore::Task* task = nullptr;
  ProcessState state = ProcessState::running;
  bool exited_by_call = false;  // exit/exit_group, as opposed to a fatal signal
  int wait_status = 0;          // wait4's encoding, valid once a zombie

  rtl::OwnPtr<FdTable> files;
  rtl::RefPtr<Vnode> cwd;
  uint64_t brk_start = 0;
  uint64_t brk_end = 0;
  uint64_t mmap_hint = 0;
  uint32_t umask = 022;
  uint64_t clear_child_tid = 0;  // set_tid_address
  // Signals (kernel/signal_delivery.cpp), under the lock: actions and mask
  // inherited by fork, handlers reset by execve; delivered at the return to
  // user mode.
  SignalState signals;
  linux_abi::SignalStack alt_stack{0, linux_abi::kSS_DISABLE, 0, 0};  // sigaltstack
  FaultContext fault{};              // the last user fault, for a synchronous signal's sigcontext
  linux_abi::SigSet suspend_mask = 0;  // rt_sigsuspend: the mask to restore after the handler
  bool suspend_mask_saved = false;
  int64_t interrupted_syscall = -1;  // the call that just returned EINTR, for restarting
  void* interrupted_thread = nullptr;  // the microcore::Thread that made it
  // Job control: stopped by a stop signal until SIGCONT; wait4 reports a
  // stop (WUNTRACED) and a continue (WCONTINUED) once each.
  bool stopped = false;
  int stop_signal = 0;
  bool stop_unreported = false;
  bool continue_unreported = false;
  microcore::WaitQueue* signal_events = nullptr;  // the thread sleeps here while stopped or in sigsuspend
  char name[16] = {};            // comm: the program's basename
  char exe[256] = {};            // /proc/PID/exe
  // /proc/PID/cmdline: argv as execve got it, each NUL-terminated, cut at
  // the buffer's size (exec_current fills it; fork copies it).
  char cmdline[256] = {};
  uint16_t cmdline_length = 0;
  uint64_t start_ns = 0;  // since boot, for /proc/PID/stat's starttime
  // CPU time (kernel/sys_resource.cpp), under the lock: the last user/system
  // split reported (reports never go down; final once a zombie), and the
  // sum over the children reaped by wait4 (their own and their children's).
  CpuTimes cpu_times;
  CpuTimes children_cpu_times;

  rtl::IntrusiveListNode sibling_node;  // in the parent's children
  rtl::IntrusiveListNode table_node;    // in the process table
  rtl::IntrusiveList<Process, &Process::sibling_node> children;
  rtl::IntrusiveList<ThreadInfo, &ThreadInfo::process_node> threads;  // the extra threads' info
  // Signal masks once the process has threads: each thread's own mask (the
  // first thread's here, the others' in ThreadInfo) as rt_sigprocmask set
  // it, and signals.blocked() is their intersection (what no live thread
  // accepts); a single-threaded process uses signals.blocked() directly.
  linux_abi::SigSet main_blocked = 0;
  bool main_thread_alive = true;
  microcore::WaitQueue* child_events = nullptr;  // wait4 sleeps here
};

Process* current_process();
// Under BsdLock.
Process* find_process(int pid);
// Calls visit for every process (zombies too), under BsdLock: visit must not
// block or take the lock.
void for_each_process(void (*visit)(Process& process, void* context), void* context);
// The pid (or tid: one space) most recently handed out. Under BsdLock.
int last_allocated_pid();

// The first process (pid 1): runs `path` with `argv`.
rtl::Result<void> start_init(const char* path, const char* const* argv, size_t argc);

// Builds the child of fork/vfork/clone: shared open files, copied cwd,
// break and identity; the task's memory is a copy-on-write clone.
int64_t fork_current(microcore::UserFrame& frame);
// execve: replaces the current process image; on success rewrites `frame`.
int64_t exec_current(microcore::UserFrame& frame, const char* path, const char* const* argv, size_t argc,
                     const char* const* envp, size_t envc);
[[noreturn]] void exit_current(int status);
// Threads (kernel/process.cpp). clone(CLONE_THREAD): returns the new tid or
// -errno. exit_current_thread_only: exit(2) of one thread (CHILD_CLEARTID
// write and futex wake first); the last thread's exit is exit_current.
int64_t clone_thread_current(microcore::UserFrame& frame, uint64_t flags, uint64_t stack, uint64_t parent_tid,
                             uint64_t child_tid, uint64_t tls);
[[noreturn]] void exit_thread_current(int status);
int current_tid();
// execve's de_thread: ends every other thread of the process and waits for
// them; the caller keeps (or takes) the pid as its tid.
void become_single_threaded();
// Under BsdLock: the calling thread's mask record, and signals.blocked()
// recomputed from the records (a no-op for a single-threaded process).
bool process_is_threaded(const Process& process);
linux_abi::SigSet* current_thread_mask_locked();
void recompute_blocked_locked(Process& process);
uint64_t* current_clear_child_tid();
// Under BsdLock: does `process` have a live thread `tid` (its pid included)?
bool process_has_thread_locked(const Process& process, int tid);
// Futexes (kernel/sys_futex.cpp): wakes up to `count` waiters on the
// current task's `address`; returns how many.
int futex_wake(uint64_t address, int count);
void register_futex_syscalls();
// wait4: on reaping a zombie, adds its CPU times to the caller's children
// times and stores them in *reaped (if given) for the rusage argument.
int64_t wait_for_child(int pid, uint64_t user_status, int options, CpuTimes* reaped);
// Under BsdLock: the process's user/system times now (kernel/sys_resource.cpp).
CpuTimes process_cpu_times_locked(Process& process);
// Writes a Linux struct rusage with these times (other fields 0); 0 or -EFAULT.
int64_t copy_rusage_to_user(uint64_t user, const CpuTimes& times);

// Signals (kernel/signal_delivery.cpp). post_signal_locked generates
// `signo` for the process (SIGCONT resumes a stopped one, SIGKILL ends it
// at once) and interrupts its blocking call if the signal is deliverable;
// `info` may be null (SI_KERNEL). Under BsdLock.
void post_signal_locked(Process& target, int signo, const linux_abi::SigInfo* info);
// Every process of the group; returns how many there were.
int post_group_signal_locked(int pgid, int signo, const linux_abi::SigInfo* info);
// From interrupt context (the console's ^C, ^\, ^Z): posted to the
// console's foreground group soon after, outside the interrupt.
void post_tty_signal_from_interrupt(int signo);
void install_signal_hooks();

// The process layer's lock: the VFS, the process table and pipes. Not held
// while a thread blocks.
void lock_bsd();
void unlock_bsd();
class BsdLock {
 public:
  BsdLock() { lock_bsd(); }
  ~BsdLock() { unlock_bsd(); }
  BsdLock(const BsdLock&) = delete;
  BsdLock& operator=(const BsdLock&) = delete;
};

class Vfs;
Vfs& vfs();

}  // namespace bsdlayer
