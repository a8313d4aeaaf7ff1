// Segmentation and the TSS: the little of it that long mode still uses.
//
// Selector layout is fixed by SYSCALL/SYSRET (STAR): kernel CS, kernel SS,
// then user SS before user CS, so SYSRET's "+8 / +16" lands on them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

inline constexpr uint16_t kKernelCodeSelector = 0x08;
inline constexpr uint16_t kKernelDataSelector = 0x10;
inline constexpr uint16_t kUserDataSelector = 0x18 | 3;
inline constexpr uint16_t kUserCodeSelector = 0x20 | 3;
inline constexpr uint16_t kTssSelector = 0x28;

// Interrupt stack table slots: exceptions that must not run on a stack that
// may be the cause of the problem (a kernel stack overflow raises #DF).
enum class InterruptStack : uint8_t { none = 0, double_fault = 1, nmi = 2, machine_check = 3 };

// Loads the GDT and TSS on this CPU. IST stacks are statically allocated,
// each with an unmapped guard page below it once the kernel page tables are
// live (see guard_pages()).
void install_segments();

// Ring-0 stack the CPU switches to on a trap from user mode.
void set_kernel_stack(uintptr_t top);

// I/O port permissions for Ring 3 (the TSS I/O permission bitmap): a set
// bit denies the port. `bitmap` (kIoBitmapBytes) is the running task's, or
// null for "no ports at all". The TSS copy is only rewritten when the
// bitmap changes, so tasks without port grants pay nothing on a switch.
inline constexpr size_t kIoBitmapBytes = 65536 / 8;
void load_io_bitmap(const uint8_t* bitmap, uint64_t generation);

// The guard pages under the IST stacks, for the pager to leave unmapped.
struct GuardPageList {
  const uintptr_t* pages;
  uint32_t count;
};
GuardPageList ist_guard_pages();

}  // namespace hal
