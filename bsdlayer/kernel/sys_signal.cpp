// Signal system calls: actions and masks (SignalState per process), kill
// and its relatives, sigaltstack, rt_sigsuspend and rt_sigreturn. Delivery
// itself happens at the return to user mode (kernel/signal_delivery.cpp).
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "executive/power.h"
#include "rtl/platform.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
using namespace linux_abi;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr uint32_t kMxcsrMask = 0xffbf;  // every MXCSR bit but the reserved ones (DAZ excluded, conservatively)

int64_t sys_rt_sigaction(SyscallContext& c) {
  int signo = static_cast<int>(c.arg[0]);
  if (!valid_signal(signo) || c.arg[3] != kSigSetSize) return -LINUX_EINVAL;
  KernelSigaction updated{}, previous{};
  if (c.arg[1] && !microcore::copy_from_user(&updated, c.arg[1], sizeof updated)) return -LINUX_EFAULT;
  {
    BsdLock lock;
    auto result = current_process()->signals.set_action(signo, c.arg[1] ? &updated : nullptr, &previous);
    if (result.is_error()) return -LINUX_EINVAL;
  }
  if (c.arg[2] && !microcore::copy_to_user(c.arg[2], &previous, sizeof previous)) return -LINUX_EFAULT;
  return 0;
}

int64_t sys_rt_sigprocmask(SyscallContext& c) {
  if (c.arg[3] != kSigSetSize) return -LINUX_EINVAL;
  SigSet set = 0, previous = 0;
  if (c.arg[1] && !microcore::copy_from_user(&set, c.arg[1], sizeof set)) return -LINUX_EFAULT;
  {
    BsdLock lock;
    Process* process = current_process();
    if (process_is_threaded(*process)) {  // per-thread masks (process.h)
      SigSet* mine = current_thread_mask_locked();
      previous = *mine;
      if (c.arg[1]) {
        constexpr SigSet kUnblockable = (SigSet(1) << (kSIGKILL - 1)) | (SigSet(1) << (kSIGSTOP - 1));
        switch (c.arg[0]) {
          case kSIG_BLOCK: *mine |= set; break;
          case kSIG_UNBLOCK: *mine &= ~set; break;
          case kSIG_SETMASK: *mine = set; break;
          default: return -LINUX_EINVAL;
        }
        *mine &= ~kUnblockable;
        recompute_blocked_locked(*process);
      }
    } else {
      auto result = process->signals.change_blocked(static_cast<int>(c.arg[0]), c.arg[1] ? &set : nullptr,
                                                    &previous);
      if (result.is_error()) return -LINUX_EINVAL;
    }
  }
  if (c.arg[2] && !microcore::copy_to_user(c.arg[2], &previous, sizeof previous)) return -LINUX_EFAULT;
  return 0;
}

int64_t sys_rt_sigpending(SyscallContext& c) {
  if (c.arg[1] > kSigSetSize) return -LINUX_EINVAL;
  SigSet pending;
  {
    BsdLock lock;
    Process* process = current_process();
    pending = process->signals.pending() & process->signals.blocked();
  }
  return microcore::copy_to_user(c.arg[0], &pending, c.arg[1]) ? 0 : -LINUX_EFAULT;
}

// Sleeps with `mask` in force until a signal is deliverable; the return
// hook restores the previous mask (after the handler, via its frame).
int64_t suspend_with(SigSet mask) {
  Process* process = current_process();
  {
    BsdLock lock;
    process->suspend_mask = process->signals.blocked();
    process->suspend_mask_saved = true;
    process->signals.set_blocked(mask);
  }
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_bsd();
    bool deliverable = process->signals.has_deliverable();
    unlock_bsd();
    if (deliverable) {
      rtl::platform::irq_restore(interrupts);
      return -LINUX_EINTR;
    }
    microcore::WaitOutcome outcome = microcore::wait_on(*process->signal_events, 0);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted) return -LINUX_EINTR;
  }
}

int64_t sys_rt_sigsuspend(SyscallContext& c) {
  if (c.arg[1] != kSigSetSize) return -LINUX_EINVAL;
  SigSet mask;
  if (!microcore::copy_from_user(&mask, c.arg[0], sizeof mask)) return -LINUX_EFAULT;
  return suspend_with(mask);
}

int64_t sys_pause(SyscallContext&) {
  SigSet mask;
  {
    BsdLock lock;
    mask = current_process()->signals.blocked();
  }
  return suspend_with(mask);
}

bool on_alt_stack(const SignalStack& alt, uint64_t sp) {
  return alt.size && !(alt.flags & kSS_DISABLE) && sp > alt.sp && sp - alt.sp <= alt.size;
}

int64_t sys_sigaltstack(SyscallContext& c) {
  constexpr int32_t kSsAutodisarm = int32_t(1u << 31);
  Process* process = current_process();
  SignalStack updated{};
  if (c.arg[0] && !microcore::copy_from_user(&updated, c.arg[0], sizeof updated)) return -LINUX_EFAULT;
  SignalStack previous;
  {
    BsdLock lock;
    SignalStack& alt = process->alt_stack;
    bool on = on_alt_stack(alt, c.frame.rsp);
    previous = alt;
    if (alt.flags & kSS_DISABLE) previous = SignalStack{0, kSS_DISABLE, 0, 0};
    else previous.flags = on ? kSS_ONSTACK : 0;
    if (c.arg[0]) {
      if (on) return -LINUX_EPERM;
      int32_t mode = updated.flags & ~kSsAutodisarm;
      if (mode != 0 && mode != kSS_DISABLE && mode != kSS_ONSTACK) return -LINUX_EINVAL;
      if (mode == kSS_DISABLE) {
        alt = SignalStack{0, kSS_DISABLE, 0, 0};
      } else {
        if (updated.size < kMINSIGSTKSZ) return -LINUX_ENOMEM;
        alt = SignalStack{updated.sp, 0, 0, updated.size};
      }
    }
  }
  if (c.arg[1] && !microcore::copy_to_user(c.arg[1], &previous, sizeof previous)) return -LINUX_EFAULT;
  return 0;
}

// pid 1 is the system's init. As on Linux, it gets only the signals it
// handles; the three that busybox's halt, poweroff and reboot send to init
// (USR1, USR2, TERM) do what init would do with them.
int64_t signal_init(Process& init, int signo, const SigInfo& info) {
  if (signo == kSIGUSR1 || signo == kSIGUSR2 || signo == kSIGTERM) {
    unlock_bsd();  // the machine stops; nothing else will take the lock
    if (signo == kSIGUSR1 || signo == kSIGUSR2) executive::power::power_off(0);
    if (signo == kSIGTERM) executive::power::restart();
    lock_bsd();
    return 0;
  }
  uint64_t handler = init.signals.action(signo).handler;
  if (handler != kSIG_DFL && handler != kSIG_IGN) post_signal_locked(init, signo, &info);
  return 0;
}

SigInfo user_info(int signo, int32_t code) {
  SigInfo info{};
  info.signo = signo;
  info.code = code;
  info.fields.kill.pid = current_process()->pid;
  return info;
}

// One process target of kill/tgkill, under the lock.
int64_t signal_one(Process* target, int signo, const SigInfo& info) {
  if (!target || target->state == ProcessState::zombie) return -LINUX_ESRCH;
  if (signo == 0) return 0;
  if (target->pid == 1) return signal_init(*target, signo, info);
  post_signal_locked(*target, signo, &info);
  return 0;
}

int64_t sys_kill(SyscallContext& c) {
  int pid = static_cast<int>(c.arg[0]), signo = static_cast<int>(c.arg[1]);
  if (signo < 0 || signo > kNSIG) return -LINUX_EINVAL;
  SigInfo info = user_info(signo, kSI_USER);
  BsdLock lock;
  Process* self = current_process();
  if (pid > 0) return signal_one(find_process(pid), signo, info);
  if (pid == -1) {  // everyone but init and the caller
    struct Context {
      Process* self;
      int signo, count;
      const SigInfo* info;
    } context{self, signo, 0, &info};
    for_each_process(
        [](Process& process, void* raw) {
          auto& all = *static_cast<Context*>(raw);
          if (process.pid == 1 || &process == all.self || process.state == ProcessState::zombie) return;
          ++all.count;
          if (all.signo) post_signal_locked(process, all.signo, all.info);
        },
        &context);
    return context.count ? 0 : -LINUX_ESRCH;
  }
  int pgid = pid == 0 ? self->pgid : -pid;
  int count = post_group_signal_locked(pgid, signo, &info);
  return count ? 0 : -LINUX_ESRCH;
}

int64_t sys_tgkill(SyscallContext& c) {
  int tgid = static_cast<int>(c.arg[0]), tid = static_cast<int>(c.arg[1]), signo = static_cast<int>(c.arg[2]);
  if (tgid <= 0 || tid <= 0 || signo < 0 || signo > kNSIG) return -LINUX_EINVAL;
  // Signals are process-directed here: a signal for one thread goes to its
  // process (whichever thread returns to user mode first takes it).
  BsdLock lock;
  Process* process = find_process(tgid);
  if (!process || !process_has_thread_locked(*process, tid)) return -LINUX_ESRCH;
  return signal_one(process, signo, user_info(signo, kSI_TKILL));
}

int64_t sys_tkill(SyscallContext& c) {
  int tid = static_cast<int>(c.arg[0]), signo = static_cast<int>(c.arg[1]);
  if (tid <= 0 || signo < 0 || signo > kNSIG) return -LINUX_EINVAL;
  BsdLock lock;
  return signal_one(find_process(tid), signo, user_info(signo, kSI_TKILL));
}

// rt_sigreturn: the handler returned into its restorer, which made this
// call with rsp just past pretcode. Everything comes back from the frame:
// registers (the syscall returns the interrupted rax), mask, FPU state,
// sigaltstack. A frame that cannot be read or restored is fatal (SIGSEGV).
int64_t sys_rt_sigreturn(SyscallContext& c) {
  Process* process = current_process();
  RtSigframe frame{};
  uint64_t address = sigreturn_frame_address(c.frame.rsp);
  bool ok = microcore::copy_from_user(&frame, address, sizeof frame);
  auto restored = restore_from_frame(frame, c.frame.rflags);
  ok = ok && restored.is_ok();
  if (ok && restored.value().fpstate_address) {
    alignas(64) FxsaveArea fpu;
    ok = microcore::copy_from_user(&fpu, restored.value().fpstate_address, sizeof fpu);
    if (ok) {
      sanitize_fxsave(fpu, kMxcsrMask);
      microcore::load_user_fpu(&fpu);
    }
  }
  if (!ok) {
    BsdLock lock;
    process->signals.force_sigsegv();
    return static_cast<int64_t>(c.frame.rax);
  }
  const RestoredContext& context = restored.value();
  {
    BsdLock lock;
    process->signals.set_blocked(context.blocked);
    const SignalStack& alt = context.alt_stack;
    if (!on_alt_stack(process->alt_stack, context.registers.rsp) && !(alt.flags & kSS_DISABLE) &&
        alt.size >= kMINSIGSTKSZ)
      process->alt_stack = SignalStack{alt.sp, 0, 0, alt.size};
  }
  microcore::UserFrame& f = c.frame;
  const UserRegisters& r = context.registers;
  f.rbx = r.rbx, f.rcx = r.rcx, f.rdx = r.rdx, f.rsi = r.rsi, f.rdi = r.rdi, f.rbp = r.rbp, f.rsp = r.rsp;
  f.r8 = r.r8, f.r9 = r.r9, f.r10 = r.r10, f.r11 = r.r11, f.r12 = r.r12, f.r13 = r.r13, f.r14 = r.r14;
  f.r15 = r.r15, f.rip = r.rip, f.rflags = r.rflags;
  return static_cast<int64_t>(r.rax);  // the dispatcher stores it in rax
}

}  // namespace

void register_signal_syscalls() {
  register_syscall(nr(Syscall::rt_sigaction), sys_rt_sigaction);
  register_syscall(nr(Syscall::rt_sigprocmask), sys_rt_sigprocmask);
  register_syscall(nr(Syscall::rt_sigpending), sys_rt_sigpending);
  register_syscall(nr(Syscall::rt_sigsuspend), sys_rt_sigsuspend);
  register_syscall(nr(Syscall::pause), sys_pause);
  register_syscall(nr(Syscall::sigaltstack), sys_sigaltstack);
  register_syscall(nr(Syscall::kill), sys_kill);
  register_syscall(nr(Syscall::tgkill), sys_tgkill);
  register_syscall(nr(Syscall::tkill), sys_tkill);
  register_syscall(nr(Syscall::rt_sigreturn), sys_rt_sigreturn);
  install_signal_hooks();
}

}  // namespace bsdlayer
