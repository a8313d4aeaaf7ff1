#include "bsdlayer/signal/signal_frame.h"

#include "microcore/elf_image.h"

namespace bsdlayer {

using namespace linux_abi;

namespace {

constexpr uint64_t kRedZone = 128;
constexpr uint64_t kUserMin = microcore::ElfImage::kUserMin;
constexpr uint64_t kUserEnd = microcore::ElfImage::kUserEnd;

constexpr uint64_t kCF = 0x1, kPF = 0x4, kAF = 0x10, kZF = 0x40, kSF = 0x80, kTF = 0x100, kDF = 0x400,
                   kOF = 0x800, kRF = 0x10000, kAC = 0x40000;
// Linux's FIX_EFLAGS: what sigreturn lets user space choose.
constexpr uint64_t kUserFlags = kAC | kOF | kDF | kTF | kSF | kZF | kAF | kPF | kCF | kRF;

constexpr uint64_t round_down(uint64_t value, uint64_t alignment) { return value & ~(alignment - 1); }

bool alt_stack_enabled(const SignalStack& alt) { return alt.size != 0 && !(alt.flags & kSS_DISABLE); }

// Linux's __on_sig_stack: the stack grows down, so the top itself is "on".
bool on_alt_stack(const SignalStack& alt, uint64_t sp) {
  return alt_stack_enabled(alt) && sp > alt.sp && sp - alt.sp <= alt.size;
}

int32_t alt_stack_flags(const SignalStack& alt, uint64_t sp) {
  if (!alt_stack_enabled(alt)) return kSS_DISABLE;
  return on_alt_stack(alt, sp) ? kSS_ONSTACK : 0;
}

SigContext save_context(const UserRegisters& r, const UserSelectors& selectors, const SignalDelivery& d) {
  SigContext sc{};
  sc.r8 = r.r8, sc.r9 = r.r9, sc.r10 = r.r10, sc.r11 = r.r11;
  sc.r12 = r.r12, sc.r13 = r.r13, sc.r14 = r.r14, sc.r15 = r.r15;
  sc.rdi = r.rdi, sc.rsi = r.rsi, sc.rbp = r.rbp, sc.rbx = r.rbx;
  sc.rdx = r.rdx, sc.rax = r.rax, sc.rcx = r.rcx, sc.rsp = r.rsp, sc.rip = r.rip;
  sc.eflags = r.rflags;
  sc.cs = selectors.cs;
  sc.ss = selectors.ss;
  sc.err = d.fault.error_code;
  sc.trapno = d.fault.trap_number;
  sc.oldmask = d.saved_mask;
  sc.cr2 = d.fault.cr2;
  return sc;
}

}  // namespace

rtl::Result<SignalFrameLayout> build_signal_frame(const UserRegisters& interrupted, const UserSelectors& selectors,
                                                  const SignalDelivery& delivery) {
  if (!(delivery.action.flags & kSA_RESTORER))
    return rtl::Error(rtl::Errc::invalid_argument, "x86-64 signal handler without SA_RESTORER");

  const SignalStack& alt = delivery.alt_stack;
  const bool nested_on_alt = on_alt_stack(alt, interrupted.rsp);
  uint64_t sp = interrupted.rsp;
  bool entering_alt = false;
  if ((delivery.action.flags & kSA_ONSTACK) && alt_stack_enabled(alt) && !nested_on_alt) {
    if (alt.sp + alt.size < alt.sp) return rtl::Error(rtl::Errc::out_of_range, "alternate stack wraps");
    sp = alt.sp + alt.size;
    entering_alt = true;
  } else {
    if (sp < kRedZone) return rtl::Error(rtl::Errc::out_of_range, "signal frame below user space");
    sp -= kRedZone;
  }

  const uint64_t needed = sizeof(RtSigframe) + 16 + (delivery.save_fpu ? sizeof(FxsaveArea) + kFxsaveAlignment : 0);
  if (sp < kUserMin + needed || sp > kUserEnd)
    return rtl::Error(rtl::Errc::out_of_range, "signal frame outside user space");

  SignalFrameLayout layout{};
  if (delivery.save_fpu) {
    sp = round_down(sp - sizeof(FxsaveArea), kFxsaveAlignment);
    layout.fpstate_address = sp;
  }
  layout.frame_address = round_down(sp - sizeof(RtSigframe), 16) - 8;
  if ((entering_alt || nested_on_alt) && !on_alt_stack(alt, layout.frame_address))
    return rtl::Error(rtl::Errc::out_of_range, "signal frame overflows the alternate stack");

  RtSigframe& f = layout.frame;
  f.pretcode = delivery.action.restorer;
  f.uc.uc_flags = kUC_SIGCONTEXT_SS | kUC_STRICT_RESTORE_SS;
  f.uc.uc_link = 0;
  f.uc.uc_stack = SignalStack{alt.sp, alt_stack_flags(alt, interrupted.rsp), 0, alt.size};
  f.uc.uc_mcontext = save_context(interrupted, selectors, delivery);
  f.uc.uc_mcontext.fpstate = layout.fpstate_address;
  f.uc.uc_sigmask = delivery.saved_mask;
  f.info = delivery.info;
  f.info.signo = delivery.signo;

  UserRegisters& h = layout.handler_registers;
  h = interrupted;
  h.rdi = static_cast<uint64_t>(delivery.signo);
  h.rsi = layout.frame_address + offsetof(RtSigframe, info);
  h.rdx = layout.frame_address + offsetof(RtSigframe, uc);
  h.rax = 0;  // no vector registers used by a varargs-style call
  h.rsp = layout.frame_address;
  h.rip = delivery.action.handler;
  h.rflags = interrupted.rflags & ~(kDF | kTF | kRF);
  return layout;
}

rtl::Result<RestoredContext> restore_from_frame(const RtSigframe& frame, uint64_t current_rflags) {
  const SigContext& sc = frame.uc.uc_mcontext;
  if (sc.rip >= kUserEnd) return rtl::Error(rtl::Errc::out_of_range, "sigreturn to a non-user rip");
  RestoredContext out{};
  UserRegisters& r = out.registers;
  r.r8 = sc.r8, r.r9 = sc.r9, r.r10 = sc.r10, r.r11 = sc.r11;
  r.r12 = sc.r12, r.r13 = sc.r13, r.r14 = sc.r14, r.r15 = sc.r15;
  r.rdi = sc.rdi, r.rsi = sc.rsi, r.rbp = sc.rbp, r.rbx = sc.rbx;
  r.rdx = sc.rdx, r.rax = sc.rax, r.rcx = sc.rcx, r.rsp = sc.rsp, r.rip = sc.rip;
  r.rflags = (current_rflags & ~kUserFlags) | (sc.eflags & kUserFlags);
  out.blocked = frame.uc.uc_sigmask;
  out.fpstate_address = sc.fpstate;
  out.alt_stack = frame.uc.uc_stack;
  return out;
}

void sanitize_fxsave(FxsaveArea& area, uint32_t mxcsr_mask) {
  area.mxcsr &= mxcsr_mask;
  for (auto& word : area.sw_reserved) word = 0;
}

}  // namespace bsdlayer
