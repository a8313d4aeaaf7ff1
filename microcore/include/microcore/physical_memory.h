// The kernel's one page-frame allocator, fed from the boot memory map, and
// the kernel heap built on it. Both are set up by init_physical_memory()
// before anything allocates.
#pragma once

#include <cstdint>

#include "amphi/boot_info.h"
#include "microcore/page_frame_allocator.h"
#include "rtl/result.h"

namespace microcore {

struct MemoryReport {
  uint64_t usable_bytes;   // RAM the firmware reported free
  uint64_t managed_bytes;  // of that, handed to the allocator
  uint64_t reserved_bytes; // everything else in the map
  uint64_t bitmap_bytes;
};

rtl::Result<MemoryReport> init_physical_memory(const amphi_boot_info& boot);

// Locked wrappers around the allocator; safe from any context.
rtl::Result<uint64_t> allocate_frame();
rtl::Result<uint64_t> allocate_frames(uint64_t pages);
void free_frame(uint64_t physical);
void free_frames(uint64_t physical, uint64_t pages);
FrameStatistics frame_statistics();

}  // namespace microcore
