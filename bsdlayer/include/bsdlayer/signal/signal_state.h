// Signal generation, masking and dequeueing for one process — POSIX
// semantics as Linux implements them (kernel/signal.c), without the
// delivery mechanics: the kernel glue turns a Disposition into a frame
// (signal_frame.h), a termination, a stop or a continue.
//
// Scope today: one SignalState per process (busybox is single-threaded).
// When CLONE_THREAD arrives, `actions` becomes shared per thread group and
// `blocked`/`pending` stay per thread; the operations keep their meaning.
//
// Limitations, documented rather than hidden: pending signals are a set, so
// a second instance of a pending real-time signal coalesces with the first
// (Linux queues up to RLIMIT_SIGPENDING); each pending signal keeps the
// siginfo of its first instance.
//
// Not thread-safe: the owner serialises calls (the process's signal lock).
#pragma once

#include <cstdint>

#include "bsdlayer/linux/signal.h"
#include "rtl/result.h"

namespace bsdlayer {

// What SIG_DFL does for a signal (signal(7)).
enum class DefaultAction : uint8_t {
  terminate,
  core,      // terminate and (one day) dump core; wait status has 0x80
  ignore,    // SIGCHLD, SIGURG, SIGWINCH
  stop,      // SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU
  continue_, // SIGCONT
};
DefaultAction default_action(int signo);

// Signals that are never caught, ignored or blocked.
inline constexpr linux_abi::SigSet kUnblockable =
    linux_abi::sig_bit(linux_abi::kSIGKILL) | linux_abi::sig_bit(linux_abi::kSIGSTOP);
inline constexpr linux_abi::SigSet kStopSignals =
    linux_abi::sig_bit(linux_abi::kSIGSTOP) | linux_abi::sig_bit(linux_abi::kSIGTSTP) |
    linux_abi::sig_bit(linux_abi::kSIGTTIN) | linux_abi::sig_bit(linux_abi::kSIGTTOU);
// Faults raised by the instruction stream (Linux's SYNCHRONOUS_MASK): they
// are dequeued before any other pending signal so the handler sees the
// fault that was just taken, not an unrelated asynchronous signal.
inline constexpr linux_abi::SigSet kSynchronousSignals =
    linux_abi::sig_bit(linux_abi::kSIGSEGV) | linux_abi::sig_bit(linux_abi::kSIGBUS) |
    linux_abi::sig_bit(linux_abi::kSIGILL) | linux_abi::sig_bit(linux_abi::kSIGTRAP) |
    linux_abi::sig_bit(linux_abi::kSIGFPE) | linux_abi::sig_bit(linux_abi::kSIGSYS);

// What send() did, for the glue.
struct SendOutcome {
  bool queued;            // now pending (false: discarded as ignored, or 0 probe)
  bool resume_if_stopped; // SIGCONT: continue a stopped process even if ignored/blocked
};

// What to do with a dequeued signal.
struct Disposition {
  enum class Kind : uint8_t { none, handler, terminate, core, stop, continue_ } kind;
  int signo;                          // 0 with Kind::none
  linux_abi::KernelSigaction action;  // snapshot, for Kind::handler
  linux_abi::SigInfo info;
};

class SignalState {
 public:
  SignalState();

  // rt_sigaction. `signo` must be 1..64; SIGKILL and SIGSTOP accept only a
  // query (new_action null) — else invalid_argument, as Linux. Setting
  // SIG_IGN, or SIG_DFL on a default-ignore signal, discards that signal if
  // pending (POSIX), even if blocked. SIGKILL/SIGSTOP bits in the mask are
  // dropped. Either pointer may be null.
  rtl::Result<void> set_action(int signo, const linux_abi::KernelSigaction* new_action,
                               linux_abi::KernelSigaction* old_action);
  const linux_abi::KernelSigaction& action(int signo) const { return actions_[signo - 1]; }

  // rt_sigprocmask. `how` is kSIG_BLOCK/UNBLOCK/SETMASK (else
  // invalid_argument, checked only when `set` is given, as Linux does).
  // SIGKILL and SIGSTOP are silently never blocked.
  rtl::Result<void> change_blocked(int how, const linux_abi::SigSet* set, linux_abi::SigSet* old_set);
  linux_abi::SigSet blocked() const { return blocked_; }
  // For rt_sigsuspend, rt_sigreturn and handler entry; drops SIGKILL/SIGSTOP.
  void set_blocked(linux_abi::SigSet mask) { blocked_ = mask & ~kUnblockable; }

  // Generation (kill, tgkill, faults, the tty, child exit). signo 0 is the
  // existence probe and does nothing. Applies Linux's prepare_signal rules:
  //  - a stop signal discards a pending SIGCONT; SIGCONT discards pending
  //    stop signals and asks the glue to resume the process (even if
  //    SIGCONT itself is ignored or blocked);
  //  - an ignored signal (SIG_IGN, or SIG_DFL whose default is ignore —
  //    SIGCHLD, SIGURG, SIGWINCH, SIGCONT) is discarded unless blocked: a
  //    blocked one stays pending because the handler may change before it
  //    is unblocked. SIGKILL is never ignored.
  // `info` may be null: a SI_KERNEL siginfo is made up.
  SendOutcome send(int signo, const linux_abi::SigInfo* info);

  // Everything pending, blocked or not; rt_sigpending reports
  // pending() & blocked() (what is waiting for an unblock).
  linux_abi::SigSet pending() const { return pending_; }
  bool has_deliverable() const { return (pending_ & ~blocked_) != 0; }

  // The signal the next return to user mode must act on, without removing
  // it: SIGKILL first, then the lowest synchronous fault, then the lowest
  // number (Linux's next_signal). 0 if nothing is deliverable.
  int next_deliverable() const;

  // Removes next_deliverable()'s signal and says what to do with it.
  // Ignored ones (action changed while blocked) are dropped and the search
  // continues; Kind::none when nothing is left. For Kind::handler the glue
  // builds the frame with the current blocked() as the saved mask, then
  // calls handler_entered() once the frame is written.
  Disposition dequeue();

  // After a successful frame write: blocks sa_mask plus the signal itself
  // (unless SA_NODEFER) and resets the action to SIG_DFL for SA_RESETHAND.
  void handler_entered(int signo, const linux_abi::KernelSigaction& action);

  // The frame could not be written (bad stack): Linux forces SIGSEGV —
  // unblocked, default action — so the process dies rather than loops.
  void force_sigsegv();

  // SIGCHLD semantics for the parent's wait machinery: SIG_IGN or
  // SA_NOCLDWAIT means children are reaped on exit (no zombie, wait4 gets
  // ECHILD); SIG_DFL only discards the signal. SA_NOCLDSTOP suppresses
  // SIGCHLD for a child's stop/continue.
  bool children_autoreap() const;
  bool notify_child_stop() const;

  // fork: the child inherits actions and mask but nothing pending.
  void clear_pending() { pending_ = 0; }

  // execve: caught signals revert to SIG_DFL, ignored stay ignored, flags
  // and masks of the rest cleared; blocked and pending survive.
  void reset_for_exec();

 private:
  bool ignored(int signo) const;

  linux_abi::KernelSigaction actions_[linux_abi::kNSIG];
  linux_abi::SigInfo infos_[linux_abi::kNSIG];  // valid where pending_ has the bit
  linux_abi::SigSet blocked_ = 0;
  linux_abi::SigSet pending_ = 0;
};

}  // namespace bsdlayer
