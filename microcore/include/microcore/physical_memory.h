// The kernel's one page-frame allocator (a buddy system), fed from the boot
// memory map, and the kernel heap built on it. Both are set up by
// init_physical_memory() before anything allocates.
#pragma once

#include <cstdint>

#include "amphi/boot_info.h"
#include "microcore/buddy_allocator.h"
#include "rtl/result.h"

namespace microcore {

struct MemoryReport {
  uint64_t usable_bytes;   // RAM the firmware reported free
  uint64_t managed_bytes;  // of that, handed to the allocator
  uint64_t reserved_bytes; // everything else in the map
  uint64_t frame_metadata_bytes;  // the allocator's own RAM (1 byte per page)
};

rtl::Result<MemoryReport> init_physical_memory(const amphi_boot_info& boot);

// Locked wrappers around the allocator; safe from any context.
// allocate_frames(n) hands out a naturally aligned block of the next power of
// two >= n pages (at most 4 MiB); free_frames must get the same n back.
rtl::Result<uint64_t> allocate_frame();
rtl::Result<uint64_t> allocate_frames(uint64_t pages);
void free_frame(uint64_t physical);
void free_frames(uint64_t physical, uint64_t pages);
FrameStatistics frame_statistics();

}  // namespace microcore
