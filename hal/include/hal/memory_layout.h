// The kernel's virtual address space (x86-64, 4-level paging). The lower
// half belongs to user programs (static Linux binaries load at 0x400000).
//
//   0x0000000000000000 - 0x00007fffffffffff  user
//   0xffff800000000000 -                     direct map of physical memory (HHDM)
//   0xffffc00000000000 -                     device memory (MMIO) window, uncached
//   0xffffe00000000000 -                     kernel thread stacks, each under a guard page
//   0xffffffff80000000 -                     kernel image (-mcmodel=kernel)
//   0xffffffffc0000000 - 0xffffffffcfffffff  loadable modules (same 2 GiB as
//                                            the image: -mcmodel=kernel code)
#pragma once

#include <cstdint>

namespace hal {

inline constexpr uintptr_t kPageSize = 4096;
inline constexpr uintptr_t kHugePageSize = 2 * 1024 * 1024;
inline constexpr uintptr_t kDirectMapBase = 0xffff800000000000;
inline constexpr uintptr_t kMmioWindowBase = 0xffffc00000000000;
inline constexpr uintptr_t kMmioWindowSize = 64ull << 30;
inline constexpr uintptr_t kKernelStackArea = 0xffffe00000000000;  // thread stacks, guard gaps
inline constexpr uintptr_t kKernelStackAreaSize = 64ull << 30;
inline constexpr uintptr_t kKernelImageBase = 0xffffffff80000000;
inline constexpr uintptr_t kModuleAreaBase = 0xffffffffc0000000;
inline constexpr uintptr_t kModuleAreaSize = 256ull << 20;
inline constexpr uintptr_t kUserSpaceEnd = 0x0000800000000000;

inline uintptr_t phys_to_virt(uint64_t physical) { return kDirectMapBase + physical; }
template <typename T>
inline T* phys_to_ptr(uint64_t physical) {
  return reinterpret_cast<T*>(kDirectMapBase + physical);
}

}  // namespace hal
