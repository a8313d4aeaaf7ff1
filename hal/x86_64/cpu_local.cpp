#include "hal/cpu_local.h"

#include "hal/cpu.h"
#include "hal/segments.h"

extern "C" void hal_syscall_entry();

namespace hal {
namespace {

constexpr uint32_t kMsrFsBase = 0xc0000100;
constexpr uint32_t kMsrGsBase = 0xc0000101;
constexpr uint32_t kMsrKernelGsBase = 0xc0000102;
constexpr uint32_t kMsrStar = 0xc0000081;
constexpr uint32_t kMsrLstar = 0xc0000082;
constexpr uint32_t kMsrSfmask = 0xc0000084;
constexpr uint64_t kEferSyscall = 1;

// RFLAGS bits cleared on SYSCALL: IF (entry runs with interrupts off until
// the frame is built), TF, DF (the ABI wants it clear), AC (SMAP stays armed),
// NT.
constexpr uint64_t kSyscallFlagMask = (1u << 9) | (1u << 8) | (1u << 10) | (1u << 18) | (1u << 14);

}  // namespace

void init_cpu_local(CpuLocal& local, uint32_t cpu_index) {
  local.self = &local;
  local.cpu_index = cpu_index;
  x86::wrmsr(kMsrGsBase, reinterpret_cast<uint64_t>(&local));
  x86::wrmsr(kMsrKernelGsBase, 0);

  x86::wrmsr(x86::kMsrEfer, x86::rdmsr(x86::kMsrEfer) | kEferSyscall);
  // STAR[47:32]: kernel CS (SS = +8); STAR[63:48]: base for SYSRET, which
  // loads CS = base + 16 and SS = base + 8 (hence user data before user code).
  uint64_t star = (uint64_t(kKernelCodeSelector) << 32) | (uint64_t(kKernelDataSelector | 3) << 48);
  x86::wrmsr(kMsrStar, star);
  x86::wrmsr(kMsrLstar, reinterpret_cast<uint64_t>(&hal_syscall_entry));
  x86::wrmsr(kMsrSfmask, kSyscallFlagMask);
}

CpuLocal& cpu_local() {
  CpuLocal* self;
  asm volatile("movq %%gs:0, %0" : "=r"(self));
  return *self;
}

void set_user_fs_base(uint64_t base) { x86::wrmsr(kMsrFsBase, base); }
uint64_t user_fs_base() { return x86::rdmsr(kMsrFsBase); }

void set_entry_stack(uintptr_t top) {
  cpu_local().kernel_stack_top = top;
  set_kernel_stack(top);
}

}  // namespace hal
