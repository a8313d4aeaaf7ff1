// Process system calls: identity, fork/clone, execve, exit, wait4, groups.
#include <cstring>

#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "rtl/alloc.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr uint64_t kCloneVm = 0x100, kCloneSighand = 0x800, kCloneVfork = 0x4000, kCloneThread = 0x10000;
constexpr uint64_t kArchSetFs = 0x1002, kArchGetFs = 0x1003;
constexpr size_t kMaxArguments = 4096;
constexpr size_t kArgumentBytes = 128 * 1024;

int64_t sys_getpid(SyscallContext&) { return current_process()->pid; }
int64_t sys_gettid(SyscallContext&) { return current_tid(); }
int64_t sys_getppid(SyscallContext&) {
  BsdLock lock;
  Process* parent = current_process()->parent;
  return parent ? parent->pid : 0;
}
int64_t sys_zero(SyscallContext&) { return 0; }  // uid/gid family: everyone is root

int64_t sys_set_tid_address(SyscallContext& c) {
  *current_clear_child_tid() = c.arg[0];
  return current_tid();
}

int64_t sys_arch_prctl(SyscallContext& c) {
  switch (c.arg[0]) {
    case kArchSetFs:
      if (c.arg[1] >= 0x0000800000000000) return -LINUX_EPERM;
      microcore::set_thread_pointer(c.arg[1]);
      return 0;
    case kArchGetFs: {
      uint64_t value = microcore::thread_pointer();
      return microcore::copy_to_user(c.arg[1], &value, sizeof value) ? 0 : -LINUX_EFAULT;
    }
    default: return -LINUX_EINVAL;
  }
}

int64_t sys_fork(SyscallContext& c) { return fork_current(c.frame); }

int64_t sys_clone(SyscallContext& c) {
  uint64_t flags = c.arg[0];
  // x86-64 order: clone(flags, stack, parent_tid, child_tid, tls).
  // A thread (what pthread_create passes) shares the memory, files and
  // signal handlers of the process; nothing else is shared without it.
  if (flags & kCloneThread) {
    if ((flags & (kCloneVm | kCloneSighand)) != (kCloneVm | kCloneSighand)) return -LINUX_EINVAL;
    return clone_thread_current(c.frame, flags, c.arg[1], c.arg[2], c.arg[3], c.arg[4]);
  }
  // A vfork-style clone is served as a fork (same result for the caller,
  // just without sharing memory until exec).
  if ((flags & kCloneVm) && !(flags & kCloneVfork)) return -LINUX_ENOSYS;
  if (c.arg[1]) return -LINUX_EINVAL;  // a new stack only makes sense with CLONE_VM
  return fork_current(c.frame);
}

// Copies a NULL-terminated user array of strings into `storage`.
int64_t copy_string_array(uint64_t user_array, const char** out, size_t& count, char* storage, size_t& used) {
  count = 0;
  if (!user_array) return 0;
  for (;;) {
    if (count == kMaxArguments) return -LINUX_E2BIG;
    uint64_t pointer;
    if (!microcore::copy_from_user(&pointer, user_array + count * 8, 8)) return -LINUX_EFAULT;
    if (!pointer) return 0;
    auto length = microcore::copy_string_from_user(storage + used, pointer, kArgumentBytes - used);
    if (length.is_error()) return length.error().code() == rtl::Errc::too_big ? -LINUX_E2BIG : -LINUX_EFAULT;
    out[count++] = storage + used;
    used += length.value() + 1;
  }
}

int64_t sys_execve(SyscallContext& c) {
  char path[4096];
  auto length = microcore::copy_string_from_user(path, c.arg[0], sizeof path);
  if (length.is_error()) return length.error().code() == rtl::Errc::too_big ? -LINUX_ENAMETOOLONG : -LINUX_EFAULT;
  if (length.value() == 0) return -LINUX_ENOENT;
  // Staging: pointers and strings for argv and envp, bounded like ARG_MAX.
  size_t bytes = kArgumentBytes + 2 * kMaxArguments * sizeof(const char*);
  auto* staging = static_cast<char*>(rtl::allocate(bytes, 16));
  if (!staging) return -LINUX_ENOMEM;
  auto** argv = reinterpret_cast<const char**>(staging + kArgumentBytes);
  const char** envp = argv + kMaxArguments;
  size_t argc = 0, envc = 0, used = 0;
  int64_t result = copy_string_array(c.arg[1], argv, argc, staging, used);
  if (result == 0) result = copy_string_array(c.arg[2], envp, envc, staging, used);
  if (result == 0) result = exec_current(c.frame, path, argv, argc, envp, envc);
  rtl::deallocate(staging, bytes, 16);
  return result;
}

// exit ends the calling thread (the process with its last one); exit_group
// ends every thread.
int64_t sys_exit(SyscallContext& c) { exit_thread_current(static_cast<int>(c.arg[0])); }
int64_t sys_exit_group(SyscallContext& c) { exit_current(static_cast<int>(c.arg[0])); }

int64_t sys_wait4(SyscallContext& c) {
  if (c.arg[2] & ~uint64_t(0x3 | 0x8 | 0x40000000 | 0x20000000 | 0x80000000)) return -LINUX_EINVAL;
  // The rusage is the reaped child's (zeros for a stop or continue report).
  if (c.arg[3]) {
    if (int64_t rc = copy_rusage_to_user(c.arg[3], CpuTimes{}); rc < 0) return rc;
  }
  CpuTimes reaped;
  int64_t result = wait_for_child(static_cast<int>(c.arg[0]), c.arg[1], static_cast<int>(c.arg[2]), &reaped);
  if (result > 0 && c.arg[3]) {
    if (int64_t rc = copy_rusage_to_user(c.arg[3], reaped); rc < 0) return rc;
  }
  return result;
}

int64_t sys_getpgid(SyscallContext& c) {
  BsdLock lock;
  int pid = static_cast<int>(c.arg[0]);
  Process* process = pid ? find_process(pid) : current_process();
  return process ? process->pgid : -LINUX_ESRCH;
}

int64_t sys_getpgrp(SyscallContext&) { return current_process()->pgid; }

int64_t sys_setpgid(SyscallContext& c) {
  BsdLock lock;
  int pid = static_cast<int>(c.arg[0]), pgid = static_cast<int>(c.arg[1]);
  if (pgid < 0) return -LINUX_EINVAL;
  Process* self = current_process();
  Process* target = pid ? find_process(pid) : self;
  if (!target || (target != self && target->parent != self)) return -LINUX_ESRCH;
  if (target->sid != self->sid) return -LINUX_EPERM;
  target->pgid = pgid ? pgid : target->pid;
  return 0;
}

int64_t sys_setsid(SyscallContext&) {
  BsdLock lock;
  Process* self = current_process();
  if (self->pgid == self->pid) return -LINUX_EPERM;  // already a group leader
  self->sid = self->pgid = self->pid;
  return self->sid;
}

int64_t sys_getsid(SyscallContext& c) {
  BsdLock lock;
  int pid = static_cast<int>(c.arg[0]);
  Process* process = pid ? find_process(pid) : current_process();
  return process ? process->sid : -LINUX_ESRCH;
}

int64_t sys_prctl(SyscallContext& c) {
  constexpr uint64_t kSetName = 15, kGetName = 16;
  Process* process = current_process();
  if (c.arg[0] == kGetName)
    return microcore::copy_to_user(c.arg[1], process->name, sizeof process->name) ? 0 : -LINUX_EFAULT;
  if (c.arg[0] == kSetName) {
    char name[16] = {};
    auto length = microcore::copy_string_from_user(name, c.arg[1], sizeof name);
    if (length.is_error() && length.error().code() != rtl::Errc::too_big) return -LINUX_EFAULT;
    name[15] = '\0';
    std::memcpy(process->name, name, sizeof name);
    return 0;
  }
  return -LINUX_EINVAL;
}

int64_t sys_prlimit64(SyscallContext& c) {
  constexpr uint64_t kInfinity = ~uint64_t(0);
  if (c.arg[0] != 0 && static_cast<int>(c.arg[0]) != current_process()->pid) return -LINUX_ESRCH;
  if (c.arg[1] > 15) return -LINUX_EINVAL;
  if (c.arg[3]) {
    uint64_t limit[2] = {kInfinity, kInfinity};
    if (c.arg[1] == 3) limit[0] = 8ull << 20;  // RLIMIT_STACK: the 8 MiB we map
    if (c.arg[1] == 7) limit[0] = limit[1] = 1024;  // RLIMIT_NOFILE: the fd table size
    if (!microcore::copy_to_user(c.arg[3], limit, sizeof limit)) return -LINUX_EFAULT;
  }
  return 0;  // new limits are accepted and not enforced
}

int64_t sys_getrlimit(SyscallContext& c) {
  SyscallContext as_prlimit{c.frame, {0, c.arg[0], 0, c.arg[1], 0, 0}};
  return sys_prlimit64(as_prlimit);
}

}  // namespace

void register_process_syscalls() {
  register_syscall(nr(Syscall::getpid), sys_getpid);
  register_syscall(nr(Syscall::gettid), sys_gettid);
  register_syscall(nr(Syscall::getppid), sys_getppid);
  for (Syscall call : {Syscall::getuid, Syscall::geteuid, Syscall::getgid, Syscall::getegid, Syscall::setuid,
                       Syscall::setgid, Syscall::set_robust_list})
    register_syscall(nr(call), sys_zero);
  register_syscall(nr(Syscall::set_tid_address), sys_set_tid_address);
  register_syscall(nr(Syscall::arch_prctl), sys_arch_prctl);
  register_syscall(nr(Syscall::fork), sys_fork);
  register_syscall(nr(Syscall::vfork), sys_fork);
  register_syscall(nr(Syscall::clone), sys_clone);
  register_syscall(nr(Syscall::execve), sys_execve);
  register_syscall(nr(Syscall::exit), sys_exit);
  register_syscall(nr(Syscall::exit_group), sys_exit_group);
  register_futex_syscalls();
  register_syscall(nr(Syscall::wait4), sys_wait4);
  register_syscall(nr(Syscall::getpgid), sys_getpgid);
  register_syscall(nr(Syscall::getpgrp), sys_getpgrp);
  register_syscall(nr(Syscall::setpgid), sys_setpgid);
  register_syscall(nr(Syscall::setsid), sys_setsid);
  register_syscall(nr(Syscall::getsid), sys_getsid);
  register_syscall(nr(Syscall::prctl), sys_prctl);
  register_syscall(nr(Syscall::prlimit64), sys_prlimit64);
  register_syscall(nr(Syscall::getrlimit), sys_getrlimit);
}

}  // namespace bsdlayer
