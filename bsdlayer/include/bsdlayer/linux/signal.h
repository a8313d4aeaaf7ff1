// Linux x86-64 signal ABI: numbers, sigaction flags, the kernel's
// struct sigaction (rt_sigaction's layout, not glibc's), stack_t and
// siginfo_t. Values and layouts are checked against the host's headers in
// tests/host/bsdlayer_signal_test.cpp.
//
// Names are Linux's with a `k` prefix (kSIGINT, kSA_RESTORER): libc defines
// the bare names as macros, and host tests include libc beside this header.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsdlayer::linux_abi {

// Signal numbers 1..64. The kernel's SIGRTMIN is 32; glibc reserves 32..34
// for itself and reports SIGRTMIN as 35, musl likewise — both are only
// user-space conventions.
inline constexpr int kSIGHUP = 1;
inline constexpr int kSIGINT = 2;
inline constexpr int kSIGQUIT = 3;
inline constexpr int kSIGILL = 4;
inline constexpr int kSIGTRAP = 5;
inline constexpr int kSIGABRT = 6;
inline constexpr int kSIGBUS = 7;
inline constexpr int kSIGFPE = 8;
inline constexpr int kSIGKILL = 9;
inline constexpr int kSIGUSR1 = 10;
inline constexpr int kSIGSEGV = 11;
inline constexpr int kSIGUSR2 = 12;
inline constexpr int kSIGPIPE = 13;
inline constexpr int kSIGALRM = 14;
inline constexpr int kSIGTERM = 15;
inline constexpr int kSIGSTKFLT = 16;
inline constexpr int kSIGCHLD = 17;
inline constexpr int kSIGCONT = 18;
inline constexpr int kSIGSTOP = 19;
inline constexpr int kSIGTSTP = 20;
inline constexpr int kSIGTTIN = 21;
inline constexpr int kSIGTTOU = 22;
inline constexpr int kSIGURG = 23;
inline constexpr int kSIGXCPU = 24;
inline constexpr int kSIGXFSZ = 25;
inline constexpr int kSIGVTALRM = 26;
inline constexpr int kSIGPROF = 27;
inline constexpr int kSIGWINCH = 28;
inline constexpr int kSIGIO = 29;
inline constexpr int kSIGPWR = 30;
inline constexpr int kSIGSYS = 31;
inline constexpr int kSIGRTMIN = 32;
inline constexpr int kSIGRTMAX = 64;
inline constexpr int kNSIG = 64;  // highest valid signal number

// The kernel's sigset_t on x86-64: one 64-bit word, bit (signo - 1).
// rt_sigaction and rt_sigprocmask reject any sigsetsize other than 8.
using SigSet = uint64_t;
inline constexpr size_t kSigSetSize = sizeof(SigSet);

constexpr bool valid_signal(int signo) { return signo >= 1 && signo <= kNSIG; }
constexpr SigSet sig_bit(int signo) { return SigSet{1} << (signo - 1); }

// sa_handler special values.
inline constexpr uint64_t kSIG_DFL = 0;
inline constexpr uint64_t kSIG_IGN = 1;

// sa_flags.
inline constexpr uint64_t kSA_NOCLDSTOP = 0x00000001;
inline constexpr uint64_t kSA_NOCLDWAIT = 0x00000002;
inline constexpr uint64_t kSA_SIGINFO = 0x00000004;
inline constexpr uint64_t kSA_RESTORER = 0x04000000;
inline constexpr uint64_t kSA_ONSTACK = 0x08000000;
inline constexpr uint64_t kSA_RESTART = 0x10000000;
inline constexpr uint64_t kSA_NODEFER = 0x40000000;
inline constexpr uint64_t kSA_RESETHAND = 0x80000000;

// rt_sigprocmask `how`.
inline constexpr int kSIG_BLOCK = 0;
inline constexpr int kSIG_UNBLOCK = 1;
inline constexpr int kSIG_SETMASK = 2;

// sigaltstack ss_flags.
inline constexpr int32_t kSS_ONSTACK = 1;
inline constexpr int32_t kSS_DISABLE = 2;
inline constexpr size_t kMINSIGSTKSZ = 2048;

// The kernel's struct sigaction as rt_sigaction copies it in and out
// (arch/x86/include/uapi/asm/signal.h without __ARCH_HAS_SA_RESTORER
// games): handler, flags, restorer, mask — glibc's userspace struct
// sigaction has the mask second and 128 bytes of it; this is not that.
struct KernelSigaction {
  uint64_t handler;   // kSIG_DFL, kSIG_IGN or the handler's address
  uint64_t flags;     // kSA_*
  uint64_t restorer;  // with kSA_RESTORER: where the handler returns (calls rt_sigreturn)
  SigSet mask;        // blocked in addition while the handler runs
};
static_assert(sizeof(KernelSigaction) == 32);
static_assert(offsetof(KernelSigaction, flags) == 8);
static_assert(offsetof(KernelSigaction, restorer) == 16);
static_assert(offsetof(KernelSigaction, mask) == 24);

// stack_t (sigaltstack and ucontext's uc_stack).
struct SignalStack {
  uint64_t sp;
  int32_t flags;  // kSS_*
  uint32_t padding;
  uint64_t size;
};
static_assert(sizeof(SignalStack) == 24);
static_assert(offsetof(SignalStack, flags) == 8);
static_assert(offsetof(SignalStack, size) == 16);

// si_code values the kernel generates.
inline constexpr int32_t kSI_USER = 0;      // kill()
inline constexpr int32_t kSI_KERNEL = 0x80;
inline constexpr int32_t kSI_QUEUE = -1;
inline constexpr int32_t kSI_TKILL = -6;
inline constexpr int32_t kCLD_EXITED = 1;
inline constexpr int32_t kCLD_KILLED = 2;
inline constexpr int32_t kCLD_DUMPED = 3;
inline constexpr int32_t kCLD_STOPPED = 5;
inline constexpr int32_t kCLD_CONTINUED = 6;
inline constexpr int32_t kSEGV_MAPERR = 1;
inline constexpr int32_t kSEGV_ACCERR = 2;

// siginfo_t: 128 bytes, the three common ints, then a union at offset 16
// whose members the views below name (x86-64: the union is 8-aligned).
struct SigInfo {
  int32_t signo;
  int32_t errno_value;  // si_errno
  int32_t code;         // si_code
  int32_t padding;
  union {
    uint8_t bytes[112];
    struct {  // kill, tkill, sigqueue: si_pid, si_uid (si_value for rt)
      int32_t pid;
      uint32_t uid;
      uint64_t value;
    } kill;
    struct {  // SIGCHLD: si_pid, si_uid, si_status, si_utime, si_stime
      int32_t pid;
      uint32_t uid;
      int32_t status;
      int32_t padding;
      int64_t utime;
      int64_t stime;
    } child;
    struct {  // SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP: si_addr
      uint64_t addr;
    } fault;
  } fields;
};
static_assert(sizeof(SigInfo) == 128);
static_assert(offsetof(SigInfo, fields) == 16);

}  // namespace bsdlayer::linux_abi
