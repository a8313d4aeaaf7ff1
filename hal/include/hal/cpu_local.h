// Per-CPU data reached through GS. In the kernel GS_BASE points at the CPU's
// CpuLocal; user GS lives in KERNEL_GS_BASE while we run and is swapped back
// by SWAPGS on every return to Ring 3 (trap_entry.S, syscall_entry.S).
//
// The first fields are read by assembly at fixed offsets: keep them in place.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

struct CpuLocal {
  CpuLocal* self;             // offset 0: lets code find the block from GS
  uint64_t kernel_stack_top;  // offset 8: RSP loaded on SYSCALL entry
  uint64_t user_stack_scratch;// offset 16: user RSP while the entry builds the frame
  void* current_thread;       // offset 24: the microcore's Thread*, opaque here
  uint32_t cpu_index;
  uint32_t apic_id;
};
static_assert(offsetof(CpuLocal, kernel_stack_top) == 8);
static_assert(offsetof(CpuLocal, user_stack_scratch) == 16);
static_assert(offsetof(CpuLocal, current_thread) == 24);

// Installs this CPU's block (GS_BASE) and the SYSCALL MSRs.
void init_cpu_local(CpuLocal& local, uint32_t cpu_index);
CpuLocal& cpu_local();

// The user thread-pointer register (FS base: TLS for glibc and musl,
// set by arch_prctl(ARCH_SET_FS)); switched with the thread.
void set_user_fs_base(uint64_t base);
uint64_t user_fs_base();

// The ring-0 stack used on entry from user mode (TSS RSP0 and SYSCALL).
void set_entry_stack(uintptr_t top);

}  // namespace hal
