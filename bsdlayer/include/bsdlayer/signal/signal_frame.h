// Building and unwinding the x86-64 signal frame (linux/sigframe.h) as pure
// functions: the kernel glue supplies the interrupted registers and the
// signal, gets back the bytes to copy to the user stack and the registers
// to resume with; rt_sigreturn goes the other way. No user memory is
// touched here — the glue does the copies (and turns a failed copy into
// force_sigsegv()).
#pragma once

#include <cstdint>

#include "bsdlayer/linux/sigframe.h"
#include "rtl/result.h"

namespace bsdlayer {

// The 18 user registers a signal saves and restores: the 16 general
// registers, rip and rflags. Segment selectors are fixed by the glue.
struct UserRegisters {
  uint64_t rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp;
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rip, rflags;
};

// The selectors user code runs with (hal's GDT), stored in sigcontext.
struct UserSelectors {
  uint16_t cs;
  uint16_t ss;
};

// Fault details recorded in sigcontext (zero for asynchronous signals).
struct FaultContext {
  uint64_t error_code;  // sigcontext.err
  uint64_t trap_number; // sigcontext.trapno (14 for #PF)
  uint64_t cr2;         // faulting address for #PF
};

struct SignalDelivery {
  int signo;
  linux_abi::KernelSigaction action;  // from Disposition; needs kSA_RESTORER
  linux_abi::SigInfo info;
  linux_abi::SigSet saved_mask;       // blocked() before handler_entered()
  linux_abi::SignalStack alt_stack;   // sigaltstack state (size 0: none)
  FaultContext fault;
  bool save_fpu;                      // the thread has FPU state to preserve
};

struct SignalFrameLayout {
  uint64_t frame_address;    // copy `frame` here; the handler's rsp
  linux_abi::RtSigframe frame;
  uint64_t fpstate_address;  // FXSAVE the thread's state here (64-aligned), 0 if !save_fpu
  UserRegisters handler_registers;  // rip = handler, rdi/rsi/rdx = signo, &info, &uc
};

// Computes the frame as Linux's get_sigframe/__setup_rt_frame do: skip the
// 128-byte red zone (or switch to the alternate stack for SA_ONSTACK when
// not already on it), place the FXSAVE area below, 64-byte aligned, then
// the frame so that frame % 16 == 8 (a call's alignment). rflags of the
// handler lose DF, TF and RF. Errors (the glue forces SIGSEGV):
// invalid_argument without SA_RESTORER (x86-64 has no vDSO fallback),
// out_of_range if the frame would leave user space or overflow the
// alternate stack.
rtl::Result<SignalFrameLayout> build_signal_frame(const UserRegisters& interrupted, const UserSelectors& selectors,
                                                  const SignalDelivery& delivery);

// The frame address rt_sigreturn reads: the handler's `ret` popped
// pretcode, so it is rsp - 8.
inline uint64_t sigreturn_frame_address(uint64_t rsp_at_syscall) { return rsp_at_syscall - 8; }

struct RestoredContext {
  UserRegisters registers;
  linux_abi::SigSet blocked;  // for SignalState::set_blocked
  uint64_t fpstate_address;   // FXRSTOR from here after sanitize_fxsave(); 0: none
  linux_abi::SignalStack alt_stack;  // uc_stack, for sigaltstack restore (Linux restores it)
};

// rt_sigreturn's decoding of a frame copied in from user space. Only the
// user-modifiable rflags bits (AC OF DF TF SF ZF AF PF CF RF) come from the
// frame, the rest from `current_rflags`, so IF stays set and IOPL 0.
// out_of_range if rip is not a user address (sysret to a non-canonical rip
// faults in ring 0 on Intel parts); the glue sends SIGSEGV. A bad rsp needs
// no check: it faults in user mode on first use.
rtl::Result<RestoredContext> restore_from_frame(const linux_abi::RtSigframe& frame, uint64_t current_rflags);

// Before FXRSTOR of a user-supplied area: clear MXCSR bits outside
// `mxcsr_mask` (FXRSTOR would #GP on them) and the software-reserved bytes.
void sanitize_fxsave(linux_abi::FxsaveArea& area, uint32_t mxcsr_mask);

}  // namespace bsdlayer
