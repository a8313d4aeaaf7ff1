// Physical page frames managed as a binary buddy system (orders 0..10, i.e.
// blocks of 4 KiB .. 4 MiB): the kernel's page-frame allocator
// (microcore/mm/physical_memory.cpp wraps it in a lock).
//
// Worst case per allocate/free is O(kMaxOrder): one list pop, at most
// kMaxOrder splits or merges, each O(1) (doubly linked free lists).
//
// Where the metadata lives:
//  - one byte per page in `storage` (handed in by the owner, carved from RAM
//    at boot and kept forever): kAbsent for pages that are not managed RAM,
//    kFreeHead|order on the first page of a free block, kAllocatedHead|order
//    on the first page of an allocated block, kTail otherwise. Invariant: a
//    byte says FreeHead iff that page heads a block on a free list, so the
//    bytes of tail pages never need to be touched (that is what keeps the
//    bound independent of the block size).
//  - the free-list links (next/prev page numbers) inside the first 16 bytes
//    of each free block, reached through `page_to_pointer` (the kernel's
//    direct map; tests: a byte array). A free page therefore belongs to the
//    allocator body and soul; nobody else may write it.
//
// Rounding: allocate_contiguous(pages) hands out a whole block of the
// smallest order with 2^order >= pages, naturally aligned to its size
// (2^order pages). The caller owns all 2^order pages; free_contiguous(pa,
// pages) must be called with the same `pages` (or any count rounding to the
// same order) and returns the whole block. free(pa) is for order-0 pages.
//
// Not internally locked: the owner wraps it (microcore/mm/physical_memory).
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace microcore {

struct FrameStatistics {
  uint64_t managed_pages;  // RAM pages handed to the allocator
  uint64_t free_pages;
};

class BuddyAllocator {
 public:
  static constexpr uint64_t kPageSize = 4096;
  static constexpr unsigned kMaxOrder = 10;
  using PageToPointer = void* (*)(uint64_t physical);

  // Bytes of metadata needed to track pages [0, page_limit): one per page.
  static constexpr size_t storage_bytes(uint64_t page_limit) { return page_limit; }
  // Order of the block allocate_contiguous(pages) hands out; kMaxOrder + 1
  // when `pages` is larger than the biggest block.
  static constexpr unsigned order_for(uint64_t pages) {
    unsigned order = 0;
    while (order <= kMaxOrder && (uint64_t{1} << order) < pages) ++order;
    return order;
  }

  // Starts with every page absent (not RAM).
  void init(uint8_t* storage, uint64_t page_limit, PageToPointer page_to_pointer);
  // Hands a RAM range to the allocator (pages beyond page_limit and pages
  // already managed are ignored). O(pages * kMaxOrder), boot time only.
  void add_free_range(uint64_t base, uint64_t pages);
  // Takes free pages back out (e.g. the metadata's own storage); pages that
  // are absent or allocated are left alone. Boot time only.
  void reserve_range(uint64_t base, uint64_t pages);

  rtl::Result<uint64_t> allocate();  // one page, physical address
  rtl::Result<uint64_t> allocate_contiguous(uint64_t pages);  // see "Rounding"
  void free(uint64_t physical);
  void free_contiguous(uint64_t physical, uint64_t pages);

  FrameStatistics statistics() const { return {managed_, free_}; }
  // Number of free blocks of `order` (for /proc/buddyinfo and tests).
  uint64_t free_blocks(unsigned order) const { return order <= kMaxOrder ? counts_[order] : 0; }
  bool is_free(uint64_t physical) const;

 private:
  static constexpr uint64_t kNone = ~uint64_t{0};
  static constexpr uint8_t kAbsent = 0x00;
  static constexpr uint8_t kTail = 0x10;
  static constexpr uint8_t kFreeHead = 0x20;
  static constexpr uint8_t kAllocatedHead = 0x30;
  static constexpr uint8_t kStateMask = 0xf0;

  struct FreeLinks {
    uint64_t next;  // page number or kNone
    uint64_t prev;
  };

  FreeLinks& links(uint64_t page) const;
  void push(uint64_t page, unsigned order);
  void unlink(uint64_t page, unsigned order);
  // Frees block [page, page + 2^order) and merges it with free buddies.
  void release_block(uint64_t page, unsigned order);
  rtl::Result<uint64_t> allocate_order(unsigned order);
  // Head page of the free block containing `page`, or kNone.
  uint64_t free_block_containing(uint64_t page, unsigned* order) const;

  uint8_t* state_ = nullptr;
  uint64_t page_limit_ = 0;
  PageToPointer page_to_pointer_ = nullptr;
  uint64_t heads_[kMaxOrder + 1] = {};
  uint64_t counts_[kMaxOrder + 1] = {};
  uint64_t managed_ = 0;
  uint64_t free_ = 0;
};

}  // namespace microcore
