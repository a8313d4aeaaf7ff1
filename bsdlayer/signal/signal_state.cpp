#include "bsdlayer/signal/signal_state.h"

namespace bsdlayer {

using namespace linux_abi;

namespace {

constexpr SigSet kDefaultIgnore =
    sig_bit(kSIGCHLD) | sig_bit(kSIGURG) | sig_bit(kSIGWINCH) | sig_bit(kSIGCONT);

// Lowest set bit's signal number; `set` non-zero.
int lowest(SigSet set) { return __builtin_ctzll(set) + 1; }

SigInfo kernel_info(int signo) {
  SigInfo info{};
  info.signo = signo;
  info.code = kSI_KERNEL;
  return info;
}

}  // namespace

DefaultAction default_action(int signo) {
  switch (signo) {
    case kSIGQUIT: case kSIGILL: case kSIGTRAP: case kSIGABRT: case kSIGBUS:
    case kSIGFPE: case kSIGSEGV: case kSIGXCPU: case kSIGXFSZ: case kSIGSYS:
      return DefaultAction::core;
    case kSIGCHLD: case kSIGURG: case kSIGWINCH:
      return DefaultAction::ignore;
    case kSIGSTOP: case kSIGTSTP: case kSIGTTIN: case kSIGTTOU:
      return DefaultAction::stop;
    case kSIGCONT:
      return DefaultAction::continue_;
    default:  // the rest of 1..31 and every real-time signal
      return DefaultAction::terminate;
  }
}

SignalState::SignalState() {
  for (auto& action : actions_) action = KernelSigaction{};
}

bool SignalState::ignored(int signo) const {
  if (signo == kSIGKILL || signo == kSIGSTOP) return false;
  const KernelSigaction& a = actions_[signo - 1];
  if (a.handler == kSIG_IGN) return true;
  return a.handler == kSIG_DFL && (kDefaultIgnore & sig_bit(signo));
}

rtl::Result<void> SignalState::set_action(int signo, const KernelSigaction* new_action,
                                          KernelSigaction* old_action) {
  if (!valid_signal(signo)) return rtl::Error(rtl::Errc::invalid_argument, "no such signal");
  if (new_action && (kUnblockable & sig_bit(signo)))
    return rtl::Error(rtl::Errc::invalid_argument, "SIGKILL and SIGSTOP cannot be caught or ignored");
  if (old_action) *old_action = actions_[signo - 1];
  if (!new_action) return {};
  KernelSigaction& slot = actions_[signo - 1];
  slot = *new_action;
  slot.mask &= ~kUnblockable;
  // POSIX: setting a pending signal to be ignored discards it, blocked or not.
  if (ignored(signo)) pending_ &= ~sig_bit(signo);
  return {};
}

rtl::Result<void> SignalState::change_blocked(int how, const SigSet* set, SigSet* old_set) {
  const SigSet old = blocked_;
  if (set) {
    switch (how) {
      case kSIG_BLOCK: set_blocked(blocked_ | *set); break;
      case kSIG_UNBLOCK: set_blocked(blocked_ & ~*set); break;
      case kSIG_SETMASK: set_blocked(*set); break;
      default: return rtl::Error(rtl::Errc::invalid_argument, "bad sigprocmask how");
    }
  }
  if (old_set) *old_set = old;
  return {};
}

SendOutcome SignalState::send(int signo, const SigInfo* info) {
  SendOutcome outcome{false, false};
  if (!valid_signal(signo)) return outcome;
  const SigSet bit = sig_bit(signo);
  if (kStopSignals & bit) {
    pending_ &= ~sig_bit(kSIGCONT);
  } else if (signo == kSIGCONT) {
    pending_ &= ~kStopSignals;
    outcome.resume_if_stopped = true;
  }
  if (ignored(signo) && !(blocked_ & bit)) return outcome;
  if (!(pending_ & bit)) {  // a second instance coalesces, keeping the first siginfo
    infos_[signo - 1] = info ? *info : kernel_info(signo);
    infos_[signo - 1].signo = signo;
    pending_ |= bit;
  }
  outcome.queued = true;
  return outcome;
}

int SignalState::next_deliverable() const {
  const SigSet deliverable = pending_ & ~blocked_;
  if (!deliverable) return 0;
  if (deliverable & sig_bit(kSIGKILL)) return kSIGKILL;
  if (deliverable & kSynchronousSignals) return lowest(deliverable & kSynchronousSignals);
  return lowest(deliverable);
}

Disposition SignalState::dequeue() {
  for (;;) {
    const int signo = next_deliverable();
    if (signo == 0) return Disposition{Disposition::Kind::none, 0, {}, {}};
    pending_ &= ~sig_bit(signo);
    Disposition d{Disposition::Kind::none, signo, actions_[signo - 1], infos_[signo - 1]};
    if (d.action.handler == kSIG_IGN && signo != kSIGKILL && signo != kSIGSTOP) continue;
    if (d.action.handler != kSIG_DFL) {
      d.kind = Disposition::Kind::handler;
      return d;
    }
    switch (default_action(signo)) {
      case DefaultAction::ignore: continue;
      case DefaultAction::terminate: d.kind = Disposition::Kind::terminate; return d;
      case DefaultAction::core: d.kind = Disposition::Kind::core; return d;
      case DefaultAction::stop: d.kind = Disposition::Kind::stop; return d;
      // The resume already happened at send(); delivery itself does nothing.
      case DefaultAction::continue_: continue;
    }
  }
}

void SignalState::handler_entered(int signo, const KernelSigaction& action) {
  SigSet add = action.mask;
  if (!(action.flags & kSA_NODEFER)) add |= sig_bit(signo);
  set_blocked(blocked_ | add);
  // Linux resets only the handler; flags and mask stay.
  if (action.flags & kSA_RESETHAND) actions_[signo - 1].handler = kSIG_DFL;
}

void SignalState::force_sigsegv() {
  actions_[kSIGSEGV - 1] = KernelSigaction{};
  blocked_ &= ~sig_bit(kSIGSEGV);
  SigInfo info = kernel_info(kSIGSEGV);
  static_cast<void>(send(kSIGSEGV, &info));
}

bool SignalState::children_autoreap() const {
  const KernelSigaction& a = actions_[kSIGCHLD - 1];
  return a.handler == kSIG_IGN || (a.flags & kSA_NOCLDWAIT);
}

bool SignalState::notify_child_stop() const { return !(actions_[kSIGCHLD - 1].flags & kSA_NOCLDSTOP); }

void SignalState::reset_for_exec() {
  for (auto& a : actions_) {
    const bool ignore = a.handler == kSIG_IGN;
    a = KernelSigaction{};
    if (ignore) a.handler = kSIG_IGN;
  }
}

}  // namespace bsdlayer
