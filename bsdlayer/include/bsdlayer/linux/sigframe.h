// The Linux x86-64 signal frame: what the kernel pushes on the user stack
// before running a handler, and what rt_sigreturn reads back
// (arch/x86/include/asm/sigframe.h, uapi/asm/sigcontext.h, ucontext.h).
//
// Stack picture at handler entry, addresses growing upwards:
//
//   rsp ->  RtSigframe        pretcode, ucontext, siginfo    (rsp % 16 == 8)
//           ...padding...
//           FxsaveArea        512 bytes, 64-byte aligned     (sigcontext.fpstate)
//           ...padding...
//           128-byte red zone of the interrupted code
//           interrupted rsp (or the top of the alternate stack)
//
// User space reads these structures directly (glibc's ucontext_t, libgcc's
// unwinder, debuggers), so every offset is part of the ABI.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bsdlayer/linux/signal.h"

namespace bsdlayer::linux_abi {

// struct sigcontext (the 64-bit one): 256 bytes.
struct SigContext {
  uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
  uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip;
  uint64_t eflags;
  uint16_t cs, gs, fs, ss;  // gs and fs are always 0; ss since UC_SIGCONTEXT_SS
  uint64_t err;
  uint64_t trapno;
  uint64_t oldmask;
  uint64_t cr2;
  uint64_t fpstate;  // user address of the FxsaveArea, 0 if no FPU state saved
  uint64_t reserved1[8];
};
static_assert(sizeof(SigContext) == 256);
static_assert(offsetof(SigContext, rdi) == 64);
static_assert(offsetof(SigContext, rip) == 128);
static_assert(offsetof(SigContext, eflags) == 136);
static_assert(offsetof(SigContext, cs) == 144);
static_assert(offsetof(SigContext, ss) == 150);
static_assert(offsetof(SigContext, err) == 152);
static_assert(offsetof(SigContext, oldmask) == 168);
static_assert(offsetof(SigContext, cr2) == 176);
static_assert(offsetof(SigContext, fpstate) == 184);

// uc_flags.
inline constexpr uint64_t kUC_FP_XSTATE = 0x1;  // only with XSAVE frames; Amphi uses FXSAVE
inline constexpr uint64_t kUC_SIGCONTEXT_SS = 0x2;
inline constexpr uint64_t kUC_STRICT_RESTORE_SS = 0x4;

// The kernel's struct ucontext: 304 bytes. glibc's ucontext_t shares this
// prefix (its uc_sigmask is 128 bytes and more follows, which the kernel
// never writes).
struct UContext {
  uint64_t uc_flags;
  uint64_t uc_link;
  SignalStack uc_stack;
  SigContext uc_mcontext;
  SigSet uc_sigmask;
};
static_assert(sizeof(UContext) == 304);
static_assert(offsetof(UContext, uc_stack) == 16);
static_assert(offsetof(UContext, uc_mcontext) == 40);
static_assert(offsetof(UContext, uc_sigmask) == 296);

// struct rt_sigframe (64-bit): the handler's return address first, so the
// frame looks like a call's; `ret` from the handler lands in the restorer,
// which calls rt_sigreturn with rsp = frame + 8.
struct RtSigframe {
  uint64_t pretcode;
  UContext uc;
  SigInfo info;
};
static_assert(sizeof(RtSigframe) == 440);
static_assert(offsetof(RtSigframe, uc) == 8);
static_assert(offsetof(RtSigframe, info) == 312);

// The legacy FXSAVE image (struct _fpstate_64 / fxregs_state). Bytes
// 464..511 are "software reserved": Linux puts the XSAVE magic there only for
// XSAVE frames, so an FXSAVE-only kernel leaves them zero.
struct alignas(16) FxsaveArea {
  uint16_t cwd, swd, twd, fop;
  uint64_t rip, rdp;
  uint32_t mxcsr, mxcsr_mask;
  uint32_t st_space[32];
  uint32_t xmm_space[64];
  uint32_t reserved2[12];
  uint32_t sw_reserved[12];
};
static_assert(sizeof(FxsaveArea) == 512);
static_assert(offsetof(FxsaveArea, mxcsr) == 24);
static_assert(offsetof(FxsaveArea, st_space) == 32);
static_assert(offsetof(FxsaveArea, xmm_space) == 160);
static_assert(offsetof(FxsaveArea, sw_reserved) == 464);
inline constexpr uint64_t kFxsaveAlignment = 64;  // what Linux uses for the frame's copy

}  // namespace bsdlayer::linux_abi
