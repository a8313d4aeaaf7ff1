// Physical page frames: who owns each 4 KiB page of RAM.
//
// A bitmap, one bit per page up to the highest usable address (1 = in use or
// not RAM). Allocation is next-fit from a cursor, so the common case is O(1)
// amortised; the worst case is one pass over the bitmap (bounded by the
// memory size, not by history). Running out returns Errc::no_memory.
//
// Ownership: a free frame belongs to the allocator; an allocated frame to the
// caller until it calls free(). The bitmap storage is handed in by the owner
// (carved out of RAM at boot) and lives forever.
//
// Not internally locked: the owner wraps it (microcore/mm/physical_memory).
// The buddy allocator of the microcore issue replaces the policy, not the API.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace microcore {

struct FrameStatistics {
  uint64_t managed_pages;  // RAM pages handed to the allocator
  uint64_t free_pages;
};

class PageFrameAllocator {
 public:
  static constexpr uint64_t kPageSize = 4096;

  // Bytes of bitmap needed to track pages [0, page_limit).
  static constexpr size_t bitmap_bytes(uint64_t page_limit) { return (page_limit + 7) / 8; }

  // Starts with every page marked in use.
  void init(uint8_t* bitmap, uint64_t page_limit);
  // Hands a RAM range to the allocator (pages beyond page_limit are ignored).
  void add_free_range(uint64_t base, uint64_t pages);
  // Takes pages back out (e.g. the bitmap's own storage).
  void reserve_range(uint64_t base, uint64_t pages);

  rtl::Result<uint64_t> allocate();                        // one page, physical address
  rtl::Result<uint64_t> allocate_contiguous(uint64_t pages);  // first fit
  void free(uint64_t physical);
  void free_contiguous(uint64_t physical, uint64_t pages);

  FrameStatistics statistics() const { return {managed_, free_}; }
  bool is_free(uint64_t physical) const;

 private:
  bool used(uint64_t page) const { return bitmap_[page / 8] & (1u << (page % 8)); }
  void set_used(uint64_t page) { bitmap_[page / 8] |= uint8_t(1u << (page % 8)); }
  void set_free(uint64_t page) { bitmap_[page / 8] &= uint8_t(~(1u << (page % 8))); }

  uint8_t* bitmap_ = nullptr;
  uint64_t page_limit_ = 0;
  uint64_t cursor_ = 0;
  uint64_t managed_ = 0;
  uint64_t free_ = 0;
};

}  // namespace microcore
