// Kernel stacks for threads: 16 KiB each, mapped in the kernel stack area
// with an unmapped guard page below, so an overflow faults (and, on the
// same stack, double-faults onto the IST stack) instead of corrupting the
// neighbour. Slots are recycled; freeing returns the frames.
#pragma once

#include <cstdint>

#include "rtl/result.h"

namespace microcore {

inline constexpr uint64_t kKernelStackSize = 16 * 1024;

struct KernelStack {
  uint32_t slot;
  uintptr_t base;  // lowest usable byte (the guard page is just below)
  uintptr_t top() const { return base + kKernelStackSize; }
};

rtl::Result<KernelStack> allocate_kernel_stack();
void free_kernel_stack(const KernelStack& stack);

}  // namespace microcore
