// Virtual-page allocator for the module area: a bitmap, first fit. Only
// addresses are handed out here; the loader maps frames behind them. Amphi
// runs on one CPU, so the invlpg in hal::paging::unmap_kernel_page is the
// whole TLB shootdown when a range is reused.
#include "module_area.h"

#include "hal/memory_layout.h"
#include "rtl/spinlock.h"

namespace executive::modules {
namespace {

constexpr size_t kAreaPages = hal::kModuleAreaSize / hal::kPageSize;

struct AreaBitmap {
  uint64_t used[kAreaPages / 64] = {};
  bool is_used(size_t page) const { return (used[page / 64] >> (page % 64)) & 1; }
  void set(size_t page, bool on) {
    if (on)
      used[page / 64] |= 1ull << (page % 64);
    else
      used[page / 64] &= ~(1ull << (page % 64));
  }
};
// Which pages of the area belong to a module (its guard page included).
rtl::SpinlockProtected<AreaBitmap> g_area;

}  // namespace

rtl::Result<uintptr_t> reserve_module_pages(size_t pages) {
  size_t span = pages + 1;  // the guard page stays unmapped but reserved
  if (pages == 0 || span > kAreaPages) return rtl::Error(rtl::Errc::too_big, "module too large");
  int64_t first = g_area.with([&](AreaBitmap& area) -> int64_t {
    size_t run = 0;
    for (size_t page = 0; page < kAreaPages; ++page) {
      run = area.is_used(page) ? 0 : run + 1;
      if (run == span) {
        size_t start = page + 1 - span;
        for (size_t i = start; i <= page; ++i) area.set(i, true);
        return static_cast<int64_t>(start);
      }
    }
    return -1;
  });
  if (first < 0) return rtl::Error(rtl::Errc::no_memory, "module area full");
  return hal::kModuleAreaBase + static_cast<uintptr_t>(first) * hal::kPageSize;
}

void release_module_pages(uintptr_t base, size_t pages) {
  size_t start = (base - hal::kModuleAreaBase) / hal::kPageSize;
  g_area.with([&](AreaBitmap& area) {
    for (size_t i = start; i < start + pages + 1 && i < kAreaPages; ++i) area.set(i, false);
  });
}

}  // namespace executive::modules
