// bsdlayer signals: the ABI structures against glibc's view of the same
// kernel structures, SignalState's POSIX rules, and the signal frame.
#include <signal.h>
#include <sys/ucontext.h>

#include <gtest/gtest.h>

#include <cstring>

#include "bsdlayer/linux/sigframe.h"
#include "bsdlayer/signal/signal_frame.h"
#include "bsdlayer/signal/signal_state.h"

namespace {

using namespace bsdlayer::linux_abi;
using bsdlayer::DefaultAction;
using bsdlayer::Disposition;
using bsdlayer::SignalState;

TEST(BsdSignalAbi, NumbersAndFlagsMatchTheHost) {
  EXPECT_EQ(kSIGINT, SIGINT);
  EXPECT_EQ(kSIGKILL, SIGKILL);
  EXPECT_EQ(kSIGSEGV, SIGSEGV);
  EXPECT_EQ(kSIGCHLD, SIGCHLD);
  EXPECT_EQ(kSIGCONT, SIGCONT);
  EXPECT_EQ(kSIGSTOP, SIGSTOP);
  EXPECT_EQ(kSIGTSTP, SIGTSTP);
  EXPECT_EQ(kSIGTTOU, SIGTTOU);
  EXPECT_EQ(kSIGWINCH, SIGWINCH);
  EXPECT_EQ(kSIGSYS, SIGSYS);
  EXPECT_EQ(kSA_SIGINFO, static_cast<uint64_t>(SA_SIGINFO));
  EXPECT_EQ(kSA_ONSTACK, static_cast<uint64_t>(SA_ONSTACK));
  EXPECT_EQ(kSA_RESTART, static_cast<uint64_t>(SA_RESTART));
  EXPECT_EQ(kSA_NODEFER, static_cast<uint64_t>(SA_NODEFER));
  EXPECT_EQ(kSA_RESETHAND, static_cast<uint64_t>(static_cast<uint32_t>(SA_RESETHAND)));
  EXPECT_EQ(kSA_NOCLDSTOP, static_cast<uint64_t>(SA_NOCLDSTOP));
  EXPECT_EQ(kSA_NOCLDWAIT, static_cast<uint64_t>(SA_NOCLDWAIT));
  EXPECT_EQ(kSIG_BLOCK, SIG_BLOCK);
  EXPECT_EQ(kSIG_UNBLOCK, SIG_UNBLOCK);
  EXPECT_EQ(kSIG_SETMASK, SIG_SETMASK);
  EXPECT_EQ(kSS_ONSTACK, SS_ONSTACK);
  EXPECT_EQ(kSS_DISABLE, SS_DISABLE);
  EXPECT_EQ(kSI_USER, SI_USER);
  EXPECT_EQ(kSI_KERNEL, SI_KERNEL);
  EXPECT_EQ(kSI_TKILL, SI_TKILL);
  EXPECT_EQ(kCLD_EXITED, CLD_EXITED);
  EXPECT_EQ(kCLD_CONTINUED, CLD_CONTINUED);
}

TEST(BsdSignalAbi, FrameStructuresMatchGlibc) {
  EXPECT_EQ(sizeof(SigInfo), sizeof(siginfo_t));
  EXPECT_EQ(offsetof(SigInfo, code), offsetof(siginfo_t, si_code));
  EXPECT_EQ(offsetof(SigInfo, fields.kill.pid), offsetof(siginfo_t, si_pid));
  EXPECT_EQ(offsetof(SigInfo, fields.kill.uid), offsetof(siginfo_t, si_uid));
  EXPECT_EQ(offsetof(SigInfo, fields.child.status), offsetof(siginfo_t, si_status));
  EXPECT_EQ(offsetof(SigInfo, fields.child.utime), offsetof(siginfo_t, si_utime));
  EXPECT_EQ(offsetof(SigInfo, fields.fault.addr), offsetof(siginfo_t, si_addr));

  EXPECT_EQ(sizeof(SignalStack), sizeof(stack_t));
  EXPECT_EQ(offsetof(SignalStack, flags), offsetof(stack_t, ss_flags));
  EXPECT_EQ(offsetof(SignalStack, size), offsetof(stack_t, ss_size));

  // glibc's struct sigcontext is the kernel's.
  EXPECT_EQ(sizeof(SigContext), sizeof(struct sigcontext));
  EXPECT_EQ(offsetof(SigContext, r8), offsetof(struct sigcontext, r8));
  EXPECT_EQ(offsetof(SigContext, rdi), offsetof(struct sigcontext, rdi));
  EXPECT_EQ(offsetof(SigContext, rsp), offsetof(struct sigcontext, rsp));
  EXPECT_EQ(offsetof(SigContext, rip), offsetof(struct sigcontext, rip));
  EXPECT_EQ(offsetof(SigContext, eflags), offsetof(struct sigcontext, eflags));
  EXPECT_EQ(offsetof(SigContext, cs), offsetof(struct sigcontext, cs));
  EXPECT_EQ(offsetof(SigContext, err), offsetof(struct sigcontext, err));
  EXPECT_EQ(offsetof(SigContext, trapno), offsetof(struct sigcontext, trapno));
  EXPECT_EQ(offsetof(SigContext, oldmask), offsetof(struct sigcontext, oldmask));
  EXPECT_EQ(offsetof(SigContext, cr2), offsetof(struct sigcontext, cr2));
  EXPECT_EQ(offsetof(SigContext, fpstate), offsetof(struct sigcontext, fpstate));

  // glibc's ucontext_t shares the kernel's prefix, and its gregs index the
  // same sigcontext words.
  EXPECT_EQ(offsetof(UContext, uc_flags), offsetof(ucontext_t, uc_flags));
  EXPECT_EQ(offsetof(UContext, uc_link), offsetof(ucontext_t, uc_link));
  EXPECT_EQ(offsetof(UContext, uc_stack), offsetof(ucontext_t, uc_stack));
  EXPECT_EQ(offsetof(UContext, uc_mcontext), offsetof(ucontext_t, uc_mcontext));
  EXPECT_EQ(offsetof(UContext, uc_sigmask), offsetof(ucontext_t, uc_sigmask));
  EXPECT_EQ(offsetof(SigContext, rip), REG_RIP * sizeof(greg_t));
  EXPECT_EQ(offsetof(SigContext, rsp), REG_RSP * sizeof(greg_t));
  EXPECT_EQ(offsetof(SigContext, eflags), REG_EFL * sizeof(greg_t));
  EXPECT_EQ(offsetof(SigContext, cr2), REG_CR2 * sizeof(greg_t));
  EXPECT_EQ(offsetof(SigContext, fpstate), offsetof(mcontext_t, fpregs));

  EXPECT_EQ(sizeof(FxsaveArea), sizeof(struct _libc_fpstate));
  EXPECT_EQ(offsetof(FxsaveArea, mxcsr), offsetof(struct _libc_fpstate, mxcsr));
  EXPECT_EQ(offsetof(FxsaveArea, xmm_space), offsetof(struct _libc_fpstate, _xmm));
}

TEST(BsdSignalState, DefaultActions) {
  EXPECT_EQ(bsdlayer::default_action(kSIGINT), DefaultAction::terminate);
  EXPECT_EQ(bsdlayer::default_action(kSIGKILL), DefaultAction::terminate);
  EXPECT_EQ(bsdlayer::default_action(kSIGSEGV), DefaultAction::core);
  EXPECT_EQ(bsdlayer::default_action(kSIGQUIT), DefaultAction::core);
  EXPECT_EQ(bsdlayer::default_action(kSIGCHLD), DefaultAction::ignore);
  EXPECT_EQ(bsdlayer::default_action(kSIGWINCH), DefaultAction::ignore);
  EXPECT_EQ(bsdlayer::default_action(kSIGTSTP), DefaultAction::stop);
  EXPECT_EQ(bsdlayer::default_action(kSIGSTOP), DefaultAction::stop);
  EXPECT_EQ(bsdlayer::default_action(kSIGCONT), DefaultAction::continue_);
  EXPECT_EQ(bsdlayer::default_action(kSIGRTMIN + 3), DefaultAction::terminate);
}

KernelSigaction handler(uint64_t address, uint64_t flags = kSA_RESTORER, SigSet mask = 0) {
  return KernelSigaction{address, flags, 0x401000, mask};
}

TEST(BsdSignalState, SigactionRules) {
  SignalState s;
  KernelSigaction act = handler(0x1234), old{};
  EXPECT_EQ(s.set_action(0, &act, nullptr).error(), rtl::Errc::invalid_argument);
  EXPECT_EQ(s.set_action(65, &act, nullptr).error(), rtl::Errc::invalid_argument);
  EXPECT_EQ(s.set_action(kSIGKILL, &act, nullptr).error(), rtl::Errc::invalid_argument);
  KernelSigaction ignore{kSIG_IGN, 0, 0, 0};
  EXPECT_EQ(s.set_action(kSIGSTOP, &ignore, nullptr).error(), rtl::Errc::invalid_argument);
  EXPECT_TRUE(s.set_action(kSIGKILL, nullptr, &old).is_ok());  // querying is allowed
  EXPECT_EQ(old.handler, kSIG_DFL);

  act.mask = sig_bit(kSIGKILL) | sig_bit(kSIGUSR2);
  ASSERT_TRUE(s.set_action(kSIGUSR1, &act, nullptr).is_ok());
  EXPECT_EQ(s.action(kSIGUSR1).mask, sig_bit(kSIGUSR2));  // SIGKILL dropped from sa_mask
  KernelSigaction dfl{};
  ASSERT_TRUE(s.set_action(kSIGUSR1, &dfl, &old).is_ok());
  EXPECT_EQ(old.handler, 0x1234u);
  EXPECT_EQ(old.flags, kSA_RESTORER);
  EXPECT_EQ(old.restorer, 0x401000u);
}

TEST(BsdSignalState, MasksNeverBlockKillOrStop) {
  SignalState s;
  SigSet old = 1;
  const SigSet all = ~SigSet{0};
  ASSERT_TRUE(s.change_blocked(kSIG_BLOCK, &all, &old).is_ok());
  EXPECT_EQ(old, 0u);
  EXPECT_EQ(s.blocked(), all & ~(sig_bit(kSIGKILL) | sig_bit(kSIGSTOP)));
  const SigSet usr1 = sig_bit(kSIGUSR1);
  ASSERT_TRUE(s.change_blocked(kSIG_UNBLOCK, &usr1, nullptr).is_ok());
  EXPECT_FALSE(s.blocked() & usr1);
  ASSERT_TRUE(s.change_blocked(kSIG_SETMASK, &usr1, &old).is_ok());
  EXPECT_EQ(s.blocked(), usr1);
  EXPECT_EQ(s.change_blocked(7, &usr1, nullptr).error(), rtl::Errc::invalid_argument);
  ASSERT_TRUE(s.change_blocked(7, nullptr, &old).is_ok());  // bad how without a set: just a query
  EXPECT_EQ(old, usr1);

  s.set_blocked(all);
  EXPECT_TRUE(s.send(kSIGKILL, nullptr).queued);
  EXPECT_EQ(s.next_deliverable(), kSIGKILL);
}

TEST(BsdSignalState, BlockedSignalsWaitAndUnblockedOnesDeliver) {
  SignalState s;
  const SigSet usr1 = sig_bit(kSIGUSR1);
  ASSERT_TRUE(s.change_blocked(kSIG_BLOCK, &usr1, nullptr).is_ok());
  EXPECT_TRUE(s.send(kSIGUSR1, nullptr).queued);
  EXPECT_EQ(s.pending(), usr1);
  EXPECT_EQ(s.next_deliverable(), 0);
  EXPECT_FALSE(s.has_deliverable());
  ASSERT_TRUE(s.change_blocked(kSIG_UNBLOCK, &usr1, nullptr).is_ok());
  EXPECT_EQ(s.next_deliverable(), kSIGUSR1);
  Disposition d = s.dequeue();
  EXPECT_EQ(d.kind, Disposition::Kind::terminate);
  EXPECT_EQ(d.signo, kSIGUSR1);
  EXPECT_EQ(d.info.code, kSI_KERNEL);
  EXPECT_EQ(s.pending(), 0u);
  EXPECT_EQ(s.dequeue().kind, Disposition::Kind::none);
}

TEST(BsdSignalState, DeliveryOrder) {
  SignalState s;
  const SigSet all = ~SigSet{0};
  s.set_blocked(all);
  for (int signo : {kSIGTERM, kSIGUSR2, kSIGINT, kSIGSEGV, kSIGRTMIN + 1, kSIGHUP, kSIGILL}) s.send(signo, nullptr);
  s.set_blocked(0);
  // Synchronous faults first (lowest of them), then the lowest number.
  int order[8] = {};
  int count = 0;
  for (Disposition d = s.dequeue(); d.kind != Disposition::Kind::none; d = s.dequeue()) order[count++] = d.signo;
  const int expected[] = {kSIGILL, kSIGSEGV, kSIGHUP, kSIGINT, kSIGUSR2, kSIGTERM, kSIGRTMIN + 1};
  ASSERT_EQ(count, 7);
  for (int i = 0; i < 7; ++i) EXPECT_EQ(order[i], expected[i]) << i;
}

TEST(BsdSignalState, IgnoredSignalsAreDiscarded) {
  SignalState s;
  EXPECT_FALSE(s.send(kSIGCHLD, nullptr).queued);  // default ignore
  EXPECT_FALSE(s.send(kSIGWINCH, nullptr).queued);
  KernelSigaction ignore{kSIG_IGN, 0, 0, 0};
  ASSERT_TRUE(s.set_action(kSIGTERM, &ignore, nullptr).is_ok());
  EXPECT_FALSE(s.send(kSIGTERM, nullptr).queued);
  EXPECT_EQ(s.pending(), 0u);

  // Blocked and ignored stays pending: the action may change before unblock.
  const SigSet term = sig_bit(kSIGTERM);
  s.set_blocked(term);
  EXPECT_TRUE(s.send(kSIGTERM, nullptr).queued);
  KernelSigaction catcher = handler(0x5000);
  ASSERT_TRUE(s.set_action(kSIGTERM, &catcher, nullptr).is_ok());
  s.set_blocked(0);
  EXPECT_EQ(s.dequeue().kind, Disposition::Kind::handler);

  // Setting SIG_IGN discards a pending instance even while blocked.
  s.set_blocked(term);
  s.send(kSIGTERM, nullptr);
  ASSERT_TRUE(s.set_action(kSIGTERM, &ignore, nullptr).is_ok());
  EXPECT_EQ(s.pending(), 0u);
}

TEST(BsdSignalState, ContinueAndStopCancelEachOther) {
  SignalState s;
  s.set_blocked(~SigSet{0});
  s.send(kSIGTSTP, nullptr);
  s.send(kSIGTTIN, nullptr);
  EXPECT_EQ(s.pending(), sig_bit(kSIGTSTP) | sig_bit(kSIGTTIN));
  const auto cont = s.send(kSIGCONT, nullptr);
  EXPECT_TRUE(cont.resume_if_stopped);
  EXPECT_EQ(s.pending(), sig_bit(kSIGCONT));  // stops discarded, SIGCONT kept (blocked)
  s.send(kSIGSTOP, nullptr);
  EXPECT_EQ(s.pending(), sig_bit(kSIGSTOP));  // and the other way round
  s.set_blocked(0);
  EXPECT_EQ(s.dequeue().kind, Disposition::Kind::stop);

  // Unblocked, default SIGCONT still resumes but is not left pending.
  const auto again = s.send(kSIGCONT, nullptr);
  EXPECT_TRUE(again.resume_if_stopped);
  EXPECT_FALSE(again.queued);
}

TEST(BsdSignalState, HandlerEntryMasksAndResets) {
  SignalState s;
  KernelSigaction act = handler(0x5000, kSA_RESTORER | kSA_RESETHAND, sig_bit(kSIGUSR2));
  ASSERT_TRUE(s.set_action(kSIGUSR1, &act, nullptr).is_ok());
  s.send(kSIGUSR1, nullptr);
  Disposition d = s.dequeue();
  ASSERT_EQ(d.kind, Disposition::Kind::handler);
  EXPECT_EQ(d.action.handler, 0x5000u);
  s.handler_entered(d.signo, d.action);
  EXPECT_EQ(s.blocked(), sig_bit(kSIGUSR1) | sig_bit(kSIGUSR2));
  EXPECT_EQ(s.action(kSIGUSR1).handler, kSIG_DFL);

  SignalState nodefer;
  KernelSigaction nd = handler(0x5000, kSA_RESTORER | kSA_NODEFER);
  ASSERT_TRUE(nodefer.set_action(kSIGUSR1, &nd, nullptr).is_ok());
  nodefer.handler_entered(kSIGUSR1, nd);
  EXPECT_EQ(nodefer.blocked(), 0u);
}

TEST(BsdSignalState, ChildSignalSemantics) {
  SignalState s;
  EXPECT_FALSE(s.children_autoreap());  // SIG_DFL: zombies, signal discarded
  EXPECT_TRUE(s.notify_child_stop());
  KernelSigaction ignore{kSIG_IGN, 0, 0, 0};
  ASSERT_TRUE(s.set_action(kSIGCHLD, &ignore, nullptr).is_ok());
  EXPECT_TRUE(s.children_autoreap());
  KernelSigaction nocldwait = handler(0x5000, kSA_RESTORER | kSA_NOCLDWAIT | kSA_NOCLDSTOP);
  ASSERT_TRUE(s.set_action(kSIGCHLD, &nocldwait, nullptr).is_ok());
  EXPECT_TRUE(s.children_autoreap());
  EXPECT_FALSE(s.notify_child_stop());
  EXPECT_TRUE(s.send(kSIGCHLD, nullptr).queued);  // caught: delivered
}

TEST(BsdSignalState, ExecResetsCaughtSignalsOnly) {
  SignalState s;
  KernelSigaction ignore{kSIG_IGN, 0, 0, 0};
  KernelSigaction catcher = handler(0x5000);
  ASSERT_TRUE(s.set_action(kSIGINT, &ignore, nullptr).is_ok());
  ASSERT_TRUE(s.set_action(kSIGTERM, &catcher, nullptr).is_ok());
  s.set_blocked(sig_bit(kSIGUSR1));
  s.reset_for_exec();
  EXPECT_EQ(s.action(kSIGINT).handler, kSIG_IGN);
  EXPECT_EQ(s.action(kSIGTERM).handler, kSIG_DFL);
  EXPECT_EQ(s.blocked(), sig_bit(kSIGUSR1));
}

TEST(BsdSignalState, ForcedSegvIsFatal) {
  SignalState s;
  KernelSigaction catcher = handler(0x5000);
  ASSERT_TRUE(s.set_action(kSIGSEGV, &catcher, nullptr).is_ok());
  s.set_blocked(sig_bit(kSIGSEGV));
  s.force_sigsegv();
  Disposition d = s.dequeue();
  EXPECT_EQ(d.signo, kSIGSEGV);
  EXPECT_EQ(d.kind, Disposition::Kind::core);
}

// --- the frame ---

bsdlayer::UserRegisters sample_registers() {
  bsdlayer::UserRegisters r{};
  uint64_t v = 0x1111;
  for (uint64_t* p = &r.rax; p <= &r.r15; ++p) *p = v++;
  r.rsp = 0x7ffffff0e008;
  r.rip = 0x401234;
  r.rflags = 0x202 | 0x400 | 0x100;  // IF, DF, TF
  return r;
}

bsdlayer::SignalDelivery sample_delivery() {
  bsdlayer::SignalDelivery d{};
  d.signo = kSIGUSR1;
  d.action = handler(0x402000, kSA_RESTORER | kSA_SIGINFO);
  d.info.signo = kSIGUSR1;
  d.info.code = kSI_USER;
  d.info.fields.kill.pid = 42;
  d.saved_mask = sig_bit(kSIGUSR2);
  d.save_fpu = true;
  return d;
}

constexpr bsdlayer::UserSelectors kSelectors{0x33, 0x2b};

TEST(BsdSignalFrame, LayoutFollowsLinux) {
  const auto r = sample_registers();
  auto built = bsdlayer::build_signal_frame(r, kSelectors, sample_delivery());
  ASSERT_TRUE(built.is_ok());
  const auto& f = built.value();
  EXPECT_EQ(f.frame_address % 16, 8u);  // as if just called
  EXPECT_EQ(f.fpstate_address % 64, 0u);
  EXPECT_GE(f.fpstate_address, f.frame_address + sizeof(RtSigframe));
  EXPECT_LE(f.fpstate_address + sizeof(FxsaveArea), r.rsp - 128);  // red zone untouched
  EXPECT_EQ(f.frame.pretcode, 0x401000u);
  EXPECT_EQ(f.frame.uc.uc_flags, kUC_SIGCONTEXT_SS | kUC_STRICT_RESTORE_SS);
  EXPECT_EQ(f.frame.uc.uc_stack.flags, kSS_DISABLE);
  EXPECT_EQ(f.frame.uc.uc_sigmask, sig_bit(kSIGUSR2));
  EXPECT_EQ(f.frame.uc.uc_mcontext.oldmask, sig_bit(kSIGUSR2));
  EXPECT_EQ(f.frame.uc.uc_mcontext.rip, r.rip);
  EXPECT_EQ(f.frame.uc.uc_mcontext.rsp, r.rsp);
  EXPECT_EQ(f.frame.uc.uc_mcontext.r15, r.r15);
  EXPECT_EQ(f.frame.uc.uc_mcontext.cs, 0x33);
  EXPECT_EQ(f.frame.uc.uc_mcontext.ss, 0x2b);
  EXPECT_EQ(f.frame.uc.uc_mcontext.fpstate, f.fpstate_address);
  EXPECT_EQ(f.frame.info.fields.kill.pid, 42);

  const auto& h = f.handler_registers;
  EXPECT_EQ(h.rip, 0x402000u);
  EXPECT_EQ(h.rsp, f.frame_address);
  EXPECT_EQ(h.rdi, static_cast<uint64_t>(kSIGUSR1));
  EXPECT_EQ(h.rsi, f.frame_address + 312);
  EXPECT_EQ(h.rdx, f.frame_address + 8);
  EXPECT_EQ(h.rax, 0u);
  EXPECT_EQ(h.rflags, 0x202u);  // DF and TF cleared for the handler
  EXPECT_EQ(h.rbx, r.rbx);      // callee-saved registers pass through
}

TEST(BsdSignalFrame, RoundTrip) {
  const auto r = sample_registers();
  auto built = bsdlayer::build_signal_frame(r, kSelectors, sample_delivery());
  ASSERT_TRUE(built.is_ok());
  // The handler returns into the restorer, which calls rt_sigreturn with rsp = frame + 8.
  const uint64_t rsp_at_sigreturn = built.value().frame_address + 8;
  EXPECT_EQ(bsdlayer::sigreturn_frame_address(rsp_at_sigreturn), built.value().frame_address);
  auto restored = bsdlayer::restore_from_frame(built.value().frame, 0x202);
  ASSERT_TRUE(restored.is_ok());
  EXPECT_EQ(std::memcmp(&restored.value().registers, &r, sizeof r), 0);
  EXPECT_EQ(restored.value().blocked, sig_bit(kSIGUSR2));
  EXPECT_EQ(restored.value().fpstate_address, built.value().fpstate_address);
}

TEST(BsdSignalFrame, SigreturnSanitises) {
  auto built = bsdlayer::build_signal_frame(sample_registers(), kSelectors, sample_delivery());
  ASSERT_TRUE(built.is_ok());
  RtSigframe frame = built.value().frame;
  frame.uc.uc_mcontext.eflags = 0xffffffffffffffff;  // IOPL 3, IF off, VM... all refused
  auto restored = bsdlayer::restore_from_frame(frame, 0x202);
  ASSERT_TRUE(restored.is_ok());
  EXPECT_EQ(restored.value().registers.rflags, 0x202u | 0x40000 | 0x800 | 0x400 | 0x100 | 0x80 | 0x40 | 0x10 | 0x4 | 0x1 | 0x10000);
  frame.uc.uc_mcontext.rip = 0xffff800000000000;
  EXPECT_EQ(bsdlayer::restore_from_frame(frame, 0x202).error(), rtl::Errc::out_of_range);

  FxsaveArea fx{};
  fx.mxcsr = 0xffffffff;
  fx.sw_reserved[0] = 0x46505853;
  bsdlayer::sanitize_fxsave(fx, 0xffbf);
  EXPECT_EQ(fx.mxcsr, 0xffbfu);
  EXPECT_EQ(fx.sw_reserved[0], 0u);
}

TEST(BsdSignalFrame, AlternateStack) {
  auto d = sample_delivery();
  d.action.flags |= kSA_ONSTACK;
  d.alt_stack = SignalStack{0x10000000, 0, 0, 0x4000};
  const auto r = sample_registers();
  auto built = bsdlayer::build_signal_frame(r, kSelectors, d);
  ASSERT_TRUE(built.is_ok());
  EXPECT_GT(built.value().frame_address, 0x10000000u);
  EXPECT_LT(built.value().fpstate_address, 0x10004000u);
  EXPECT_EQ(built.value().frame.uc.uc_stack.flags, 0);  // interrupted code was not on it

  // A nested signal taken on the alternate stack stays on it, below.
  auto nested_regs = r;
  nested_regs.rsp = built.value().frame_address;
  auto nested = bsdlayer::build_signal_frame(nested_regs, kSelectors, d);
  ASSERT_TRUE(nested.is_ok());
  EXPECT_LT(nested.value().frame_address, built.value().frame_address);
  EXPECT_EQ(nested.value().frame.uc.uc_stack.flags, kSS_ONSTACK);

  // Too small to hold a frame: SIGSEGV territory.
  d.alt_stack.size = 256;
  EXPECT_EQ(bsdlayer::build_signal_frame(r, kSelectors, d).error(), rtl::Errc::out_of_range);
}

TEST(BsdSignalFrame, Refusals) {
  auto d = sample_delivery();
  d.action.flags &= ~kSA_RESTORER;
  EXPECT_EQ(bsdlayer::build_signal_frame(sample_registers(), kSelectors, d).error(), rtl::Errc::invalid_argument);
  auto low = sample_registers();
  low.rsp = 0x1100;
  EXPECT_EQ(bsdlayer::build_signal_frame(low, kSelectors, sample_delivery()).error(), rtl::Errc::out_of_range);
  d = sample_delivery();
  d.save_fpu = false;
  auto built = bsdlayer::build_signal_frame(sample_registers(), kSelectors, d);
  ASSERT_TRUE(built.is_ok());
  EXPECT_EQ(built.value().fpstate_address, 0u);
  EXPECT_EQ(built.value().frame.uc.uc_mcontext.fpstate, 0u);
}

}  // namespace
