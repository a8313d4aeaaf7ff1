// Boot-time setup of physical memory and the kernel heap.
//
// Which RAM is ours: only ranges the loader typed AMPHI_MEM_USABLE. The
// kernel image, the boot record, the loader's page tables and the ramdisk
// (AMPHI_MEM_LOADER) stay reserved until their owners release them; the first
// MiB is kept back for the SMP trampoline and firmware quirks.
#include "microcore/physical_memory.h"

#include "hal/memory_layout.h"
#include "microcore/kernel_heap.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr uint64_t kLowMemoryReserve = 1 << 20;

// The allocator and everything in it; the spinlock is the only way in.
rtl::SpinlockProtected<PageFrameAllocator> g_frames;

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
  uint64_t bitmap_bytes = PageFrameAllocator::bitmap_bytes(page_limit);
  uint64_t bitmap_pages = (bitmap_bytes + hal::kPageSize - 1) / hal::kPageSize;

  // The bitmap lives in the first usable range above low memory that fits it.
  uint64_t bitmap_physical = 0;
  for (uint32_t i = 0; i < boot.memory_map_count && !bitmap_physical; ++i) {
    const amphi_mem_range& r = ranges[i];
    uint64_t base = r.base < kLowMemoryReserve ? kLowMemoryReserve : r.base;
    uint64_t end = r.base + r.pages * hal::kPageSize;
    if (r.type == AMPHI_MEM_USABLE && end > base && end - base >= bitmap_pages * hal::kPageSize)
      bitmap_physical = base;
  }
  if (!bitmap_physical) return rtl::Error(rtl::Errc::no_memory, "no room for the page-frame bitmap");

  g_frames.with([&](PageFrameAllocator& frames) {
    frames.init(hal::phys_to_ptr<uint8_t>(bitmap_physical), page_limit);
    for (uint32_t i = 0; i < boot.memory_map_count; ++i)
      if (ranges[i].type == AMPHI_MEM_USABLE) frames.add_free_range(ranges[i].base, ranges[i].pages);
    frames.reserve_range(0, kLowMemoryReserve / hal::kPageSize);
    frames.reserve_range(bitmap_physical, bitmap_pages);
    report.managed_bytes = frames.statistics().managed_pages * hal::kPageSize;
  });
  report.bitmap_bytes = bitmap_pages * hal::kPageSize;
  init_kernel_heap();
  return report;
}

rtl::Result<uint64_t> allocate_frame() {
  return g_frames.with([](PageFrameAllocator& frames) { return frames.allocate(); });
}
rtl::Result<uint64_t> allocate_frames(uint64_t pages) {
  return g_frames.with([&](PageFrameAllocator& frames) { return frames.allocate_contiguous(pages); });
}
void free_frame(uint64_t physical) {
  g_frames.with([&](PageFrameAllocator& frames) { frames.free(physical); });
}
void free_frames(uint64_t physical, uint64_t pages) {
  g_frames.with([&](PageFrameAllocator& frames) { frames.free_contiguous(physical, pages); });
}
FrameStatistics frame_statistics() {
  return g_frames.with([](PageFrameAllocator& frames) { return frames.statistics(); });
}

}  // namespace microcore
