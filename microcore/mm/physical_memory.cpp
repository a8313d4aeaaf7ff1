// Boot-time setup of physical memory and the kernel heap.
//
// Which RAM is ours: only ranges the loader typed AMPHI_MEM_USABLE. The
// kernel image, the boot record, the loader's page tables and the ramdisk
// (AMPHI_MEM_LOADER) stay reserved until their owners release them; the first
// MiB is kept back for the SMP trampoline and firmware quirks.
//
// The policy is a binary buddy system (microcore/buddy_allocator.h): one
// metadata byte per page, carved from RAM here, and free-list links inside
// the free pages themselves, reached through the direct map. Because the
// allocator writes into every page it is handed, neither the reserved low
// MiB nor the metadata's own pages are ever handed to it (not "added, then
// reserved": adding them would let it write links over its own metadata).
#include "microcore/physical_memory.h"

#include "hal/memory_layout.h"
#include "microcore/kernel_heap.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr uint64_t kLowMemoryReserve = 1 << 20;

// The allocator and everything in it; the spinlock is the only way in.
rtl::SpinlockProtected<BuddyAllocator> g_frames;

void* direct_map(uint64_t physical) { return hal::phys_to_ptr<void>(physical); }

// Hands [base, end) to the allocator minus [hole_base, hole_end).
void add_range_around(BuddyAllocator& frames, uint64_t base, uint64_t end, uint64_t hole_base, uint64_t hole_end) {
  if (base < kLowMemoryReserve) base = kLowMemoryReserve;
  if (end <= base) return;
  uint64_t below_end = end < hole_base ? end : hole_base;
  if (below_end > base) frames.add_free_range(base, (below_end - base) / hal::kPageSize);
  uint64_t above_base = base > hole_end ? base : hole_end;
  if (end > above_base) frames.add_free_range(above_base, (end - above_base) / hal::kPageSize);
}

}  // namespace

rtl::Result<MemoryReport> init_physical_memory(const amphi_boot_info& boot) {
  auto* ranges = hal::phys_to_ptr<const amphi_mem_range>(boot.memory_map);
  MemoryReport report{};
  uint64_t usable_end = 0;
  for (uint32_t i = 0; i < boot.memory_map_count; ++i) {
    uint64_t bytes = ranges[i].pages * hal::kPageSize;
    if (ranges[i].type == AMPHI_MEM_USABLE) {
      report.usable_bytes += bytes;
      if (ranges[i].base + bytes > usable_end) usable_end = ranges[i].base + bytes;
    } else {
      report.reserved_bytes += bytes;
    }
  }
  uint64_t page_limit = usable_end / hal::kPageSize;
  uint64_t metadata_pages = (BuddyAllocator::storage_bytes(page_limit) + hal::kPageSize - 1) / hal::kPageSize;

  // The metadata lives in the first usable range above low memory that fits it.
  uint64_t metadata_physical = 0;
  for (uint32_t i = 0; i < boot.memory_map_count && !metadata_physical; ++i) {
    const amphi_mem_range& r = ranges[i];
    uint64_t base = r.base < kLowMemoryReserve ? kLowMemoryReserve : r.base;
    uint64_t end = r.base + r.pages * hal::kPageSize;
    if (r.type == AMPHI_MEM_USABLE && end > base && end - base >= metadata_pages * hal::kPageSize)
      metadata_physical = base;
  }
  if (!metadata_physical) return rtl::Error(rtl::Errc::no_memory, "no room for the page-frame metadata");
  uint64_t metadata_end = metadata_physical + metadata_pages * hal::kPageSize;

  g_frames.with([&](BuddyAllocator& frames) {
    frames.init(hal::phys_to_ptr<uint8_t>(metadata_physical), page_limit, direct_map);
    for (uint32_t i = 0; i < boot.memory_map_count; ++i)
      if (ranges[i].type == AMPHI_MEM_USABLE)
        add_range_around(frames, ranges[i].base, ranges[i].base + ranges[i].pages * hal::kPageSize,
                         metadata_physical, metadata_end);
    report.managed_bytes = frames.statistics().managed_pages * hal::kPageSize;
  });
  report.frame_metadata_bytes = metadata_pages * hal::kPageSize;
  init_kernel_heap();
  return report;
}

rtl::Result<uint64_t> allocate_frame() {
  return g_frames.with([](BuddyAllocator& frames) { return frames.allocate(); });
}
rtl::Result<uint64_t> allocate_frames(uint64_t pages) {
  return g_frames.with([&](BuddyAllocator& frames) { return frames.allocate_contiguous(pages); });
}
void free_frame(uint64_t physical) {
  g_frames.with([&](BuddyAllocator& frames) { frames.free(physical); });
}
void free_frames(uint64_t physical, uint64_t pages) {
  g_frames.with([&](BuddyAllocator& frames) { frames.free_contiguous(physical, pages); });
}
FrameStatistics frame_statistics() {
  return g_frames.with([](BuddyAllocator& frames) { return frames.statistics(); });
}

}  // namespace microcore
