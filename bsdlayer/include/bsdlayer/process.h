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

#include "bsdlayer/vfs/fd_table.h"
#include "bsdlayer/vfs/vnode.h"
#include "microcore/personality.h"
#include "rtl/intrusive_list.h"
#include "rtl/own_ptr.h"
#include "rtl/ref_ptr.h"

namespace bsdlayer {

enum class ProcessState : uint8_t { running, zombie };

// rt_sigaction's kernel layout (x86-64).
struct SignalAction {
  uint64_t handler;  // 0 = SIG_DFL, 1 = SIG_IGN
  uint64_t flags;
  uint64_t restorer;
  uint64_t mask;
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
  SignalAction signal_actions[64] = {};  // inherited by fork; reset (handlers) by execve
  uint64_t signal_blocked = 0;
  char name[16] = {};            // comm: the program's basename
  char exe[256] = {};            // /proc/PID/exe

  rtl::IntrusiveListNode sibling_node;  // in the parent's children
  rtl::IntrusiveListNode table_node;    // in the process table
  rtl::IntrusiveList<Process, &Process::sibling_node> children;
  microcore::WaitQueue* child_events = nullptr;  // wait4 sleeps here
};

Process* current_process();
// Under BsdLock.
Process* find_process(int pid);
// Calls visit for every process (zombies too), under BsdLock: visit must not
// block or take the lock.
void for_each_process(void (*visit)(Process& process, void* context), void* context);

// The first process (pid 1): runs `path` with `argv`.
rtl::Result<void> start_init(const char* path, const char* const* argv, size_t argc);

// Builds the child of fork/vfork/clone: shared open files, copied cwd,
// break and identity; the task's memory is a copy-on-write clone.
int64_t fork_current(microcore::UserFrame& frame);
// execve: replaces the current process image; on success rewrites `frame`.
int64_t exec_current(microcore::UserFrame& frame, const char* path, const char* const* argv, size_t argc,
                     const char* const* envp, size_t envc);
[[noreturn]] void exit_current(int status);
int64_t wait_for_child(int pid, uint64_t user_status, int options);

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
