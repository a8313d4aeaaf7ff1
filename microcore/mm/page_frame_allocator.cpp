#include "microcore/page_frame_allocator.h"

namespace microcore {

void PageFrameAllocator::init(uint8_t* bitmap, uint64_t page_limit) {
  bitmap_ = bitmap;
  page_limit_ = page_limit;
  for (size_t i = 0; i < bitmap_bytes(page_limit); ++i) bitmap_[i] = 0xff;
  cursor_ = managed_ = free_ = 0;
}

void PageFrameAllocator::add_free_range(uint64_t base, uint64_t pages) {
  uint64_t first = base / kPageSize;
  for (uint64_t page = first; page < first + pages && page < page_limit_; ++page) {
    if (!used(page)) continue;
    set_free(page);
    ++managed_;
    ++free_;
  }
}

void PageFrameAllocator::reserve_range(uint64_t base, uint64_t pages) {
  uint64_t first = base / kPageSize;
  for (uint64_t page = first; page < first + pages && page < page_limit_; ++page) {
    if (used(page)) continue;
    set_used(page);
    --free_;
    --managed_;
  }
}

rtl::Result<uint64_t> PageFrameAllocator::allocate() {
  if (free_ == 0) return rtl::Error(rtl::Errc::no_memory, "no free page frames");
  for (uint64_t scanned = 0; scanned < page_limit_; ++scanned) {
    uint64_t page = cursor_;
    cursor_ = cursor_ + 1 == page_limit_ ? 0 : cursor_ + 1;
    // Skip whole bytes of used pages quickly.
    if ((page % 8) == 0 && bitmap_[page / 8] == 0xff) {
      scanned += 7;
      cursor_ = page + 8 >= page_limit_ ? 0 : page + 8;
      continue;
    }
    if (used(page)) continue;
    set_used(page);
    --free_;
    return page * kPageSize;
  }
  return rtl::Error(rtl::Errc::no_memory, "no free page frames");
}

rtl::Result<uint64_t> PageFrameAllocator::allocate_contiguous(uint64_t pages) {
  if (pages == 0) return rtl::Error(rtl::Errc::invalid_argument, "zero pages");
  uint64_t run = 0;
  for (uint64_t page = 0; page < page_limit_; ++page) {
    run = used(page) ? 0 : run + 1;
    if (run == pages) {
      uint64_t first = page + 1 - pages;
      for (uint64_t p = first; p <= page; ++p) set_used(p);
      free_ -= pages;
      return first * kPageSize;
    }
  }
  return rtl::Error(rtl::Errc::no_memory, "no contiguous run of free page frames");
}

void PageFrameAllocator::free(uint64_t physical) {
  uint64_t page = physical / kPageSize;
  RTL_ASSERT(physical % kPageSize == 0 && page < page_limit_ && used(page));
  set_free(page);
  ++free_;
}

void PageFrameAllocator::free_contiguous(uint64_t physical, uint64_t pages) {
  for (uint64_t i = 0; i < pages; ++i) free(physical + i * kPageSize);
}

bool PageFrameAllocator::is_free(uint64_t physical) const {
  uint64_t page = physical / kPageSize;
  return page < page_limit_ && !used(page);
}

}  // namespace microcore
