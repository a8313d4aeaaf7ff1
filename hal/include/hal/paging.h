// Kernel page tables.
//
// The loader hands over provisional tables. build_kernel_address_space()
// replaces them with the kernel's own: a direct map of RAM (no-execute), the
// kernel image with W^X per section, guard pages left unmapped under every
// kernel stack, an empty lower half for user programs, and an uncached window
// for device registers. Afterwards SMEP/SMAP/UMIP are turned on if the CPU has
// them, so the kernel can neither run nor (without STAC) read user pages.
//
// Page-table pages come from a FrameSource so the HAL needs no allocator of
// its own: the microcore's page-frame allocator backs it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "amphi/boot_info.h"
#include "rtl/result.h"

namespace hal::paging {

struct FrameSource {
  // Returns a zeroed-or-not physical page address, or 0 when out of memory.
  uint64_t (*allocate)(void* context);
  // Gives a page-table page back (user address spaces are torn down).
  void (*release)(void* context, uint64_t physical);
  void* context;
};

struct ProtectionFeatures {
  bool nx;
  bool smep;
  bool smap;
  bool umip;
  bool global_pages;
};

struct AddressSpaceReport {
  uint64_t direct_mapped_bytes;
  uint32_t page_table_pages;
  uint32_t guard_pages;
};

// `guard_pages` lists kernel virtual pages (inside the image) to leave unmapped.
rtl::Result<AddressSpaceReport> build_kernel_address_space(const amphi_boot_info& boot,
                                                           const FrameSource& frames,
                                                           const uintptr_t* guard_pages,
                                                           size_t guard_count);

// Turns on the protection features the CPU supports; returns which.
ProtectionFeatures enable_protection();

// Maps / unmaps one page in the kernel half (kernel stacks with guard gaps
// live in kKernelStackArea). Callers own the virtual range they use.
rtl::Result<void> map_kernel_page(uintptr_t virtual_address, uint64_t physical);
rtl::Result<uint64_t> unmap_kernel_page(uintptr_t virtual_address);

// The same with an explicit protection (loadable modules: text R+X, rodata
// R, data R+W+NX; never writable and executable at once).
enum class KernelPageAccess : uint8_t { read, read_write, read_execute };
rtl::Result<void> map_kernel_page(uintptr_t virtual_address, uint64_t physical, KernelPageAccess access);

// Maps device memory uncached into the MMIO window. The mapping is permanent.
rtl::Result<uintptr_t> map_device_memory(uint64_t physical, size_t size);

// The kernel's own root table and the frame source page tables come from
// (for hal/x86_64/address_space.cpp).
uint64_t kernel_root();
const FrameSource& frame_source();

// Physical address behind a kernel virtual address in the current tables, or
// an error when unmapped (used to walk stacks safely during panic).
rtl::Result<uint64_t> translate(uintptr_t virtual_address);

}  // namespace hal::paging
