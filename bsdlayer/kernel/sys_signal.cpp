// Signals, first stage: the calls programs make at start-up (rt_sigaction,
// rt_sigprocmask, sigaltstack) keep their state per process so later calls
// see it, and kill() with a fatal default ends the target. Delivery to user
// handlers (rt_sigreturn frames) comes with the signal stage of the
// personality; until then a caught signal is reported, not delivered.
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "executive/power.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr int kSignals = 64;
constexpr int kSigkill = 9, kSigstop = 19;

int64_t sys_rt_sigaction(SyscallContext& c) {
  int signal = static_cast<int>(c.arg[0]);
  if (signal < 1 || signal > kSignals || c.arg[3] != 8) return -LINUX_EINVAL;
  SignalAction updated{};
  if (c.arg[1]) {
    if (signal == kSigkill || signal == kSigstop) return -LINUX_EINVAL;
    if (!microcore::copy_from_user(&updated, c.arg[1], sizeof updated)) return -LINUX_EFAULT;
  }
  SignalAction previous;
  {
    BsdLock lock;
    Process* process = current_process();
    previous = process->signal_actions[signal - 1];
    if (c.arg[1]) process->signal_actions[signal - 1] = updated;
  }
  if (c.arg[2] && !microcore::copy_to_user(c.arg[2], &previous, sizeof previous)) return -LINUX_EFAULT;
  return 0;
}

int64_t sys_rt_sigprocmask(SyscallContext& c) {
  constexpr int kBlock = 0, kUnblock = 1, kSetMask = 2;
  if (c.arg[3] != 8) return -LINUX_EINVAL;
  uint64_t set = 0;
  if (c.arg[1] && !microcore::copy_from_user(&set, c.arg[1], 8)) return -LINUX_EFAULT;
  uint64_t previous;
  {
    BsdLock lock;
    Process* process = current_process();
    uint64_t& blocked = process->signal_blocked;
    previous = blocked;
    if (c.arg[1]) {
      switch (static_cast<int>(c.arg[0])) {
        case kBlock: blocked |= set; break;
        case kUnblock: blocked &= ~set; break;
        case kSetMask: blocked = set; break;
        default: return -LINUX_EINVAL;
      }
      blocked &= ~((1ull << (kSigkill - 1)) | (1ull << (kSigstop - 1)));
    }
  }
  if (c.arg[2] && !microcore::copy_to_user(c.arg[2], &previous, 8)) return -LINUX_EFAULT;
  return 0;
}

int64_t sys_sigaltstack(SyscallContext& c) {
  if (c.arg[1]) {
    uint8_t none[24] = {};
    none[8] = 2;  // SS_DISABLE
    if (!microcore::copy_to_user(c.arg[1], none, sizeof none)) return -LINUX_EFAULT;
  }
  return 0;
}

// kill: signal 0 probes; a signal whose action is default-terminate ends
// the target (the ones a shell sends: INT, TERM, KILL, HUP, QUIT).
// pid 1 is the system's init. As on Linux, it cannot be killed by a signal
// it does not handle; the three that busybox's halt, poweroff and reboot
// send to init (USR1, USR2, TERM) do what init would do with them.
int64_t signal_init(int signal) {
  constexpr int kSigusr1 = 10, kSigusr2 = 12, kSigterm = 15;
  unlock_bsd();  // the machine stops; nothing else will take the lock
  if (signal == kSigusr1 || signal == kSigusr2) executive::power::power_off(0);
  if (signal == kSigterm) executive::power::restart();
  lock_bsd();
  return 0;
}

int64_t sys_kill(SyscallContext& c) {
  int pid = static_cast<int>(c.arg[0]), signal = static_cast<int>(c.arg[1]);
  if (signal < 0 || signal > kSignals) return -LINUX_EINVAL;
  BsdLock lock;
  Process* target = pid > 0 ? find_process(pid) : nullptr;
  if (pid <= 0) return -LINUX_ENOSYS;  // process-group kill arrives with job control
  if (!target || target->state == ProcessState::zombie) return -LINUX_ESRCH;
  if (signal == 0) return 0;
  if (target->pid == 1) return signal_init(signal);
  bool ignored = target->signal_actions[signal - 1].handler == 1;  // SIG_IGN
  bool default_action = target->signal_actions[signal - 1].handler == 0;
  if (signal == 17 || signal == 28 || signal == 23 || ignored) return 0;  // CHLD, WINCH, URG: ignore
  if (default_action || signal == kSigkill) {
    target->wait_status = signal;
    target->task->kill(128 + signal);
    return 0;
  }
  return 0;  // a caught signal: delivery comes with the signal stage
}

}  // namespace

void register_signal_syscalls() {
  register_syscall(nr(Syscall::rt_sigaction), sys_rt_sigaction);
  register_syscall(nr(Syscall::rt_sigprocmask), sys_rt_sigprocmask);
  register_syscall(nr(Syscall::sigaltstack), sys_sigaltstack);
  register_syscall(nr(Syscall::kill), sys_kill);
}

}  // namespace bsdlayer
