#include "microcore/buddy_allocator.h"

#include "rtl/panic.h"

namespace microcore {

void BuddyAllocator::init(uint8_t* storage, uint64_t page_limit, PageToPointer page_to_pointer) {
  RTL_ASSERT(page_to_pointer != nullptr);
  state_ = storage;
  page_limit_ = page_limit;
  page_to_pointer_ = page_to_pointer;
  for (uint64_t i = 0; i < page_limit; ++i) state_[i] = kAbsent;
  for (unsigned order = 0; order <= kMaxOrder; ++order) {
    heads_[order] = kNone;
    counts_[order] = 0;
  }
  managed_ = free_ = 0;
}

BuddyAllocator::FreeLinks& BuddyAllocator::links(uint64_t page) const {
  return *static_cast<FreeLinks*>(page_to_pointer_(page * kPageSize));
}

void BuddyAllocator::push(uint64_t page, unsigned order) {
  FreeLinks& node = links(page);
  node.prev = kNone;
  node.next = heads_[order];
  if (heads_[order] != kNone) links(heads_[order]).prev = page;
  heads_[order] = page;
  state_[page] = uint8_t(kFreeHead | order);
  ++counts_[order];
}

void BuddyAllocator::unlink(uint64_t page, unsigned order) {
  RTL_ASSERT(state_[page] == uint8_t(kFreeHead | order));
  FreeLinks& node = links(page);
  if (node.prev != kNone) links(node.prev).next = node.next; else heads_[order] = node.next;
  if (node.next != kNone) links(node.next).prev = node.prev;
  state_[page] = kTail;  // the caller rewrites it if the page stays a head
  --counts_[order];
}

void BuddyAllocator::release_block(uint64_t page, unsigned order) {
  free_ += uint64_t{1} << order;
  state_[page] = kTail;
  while (order < kMaxOrder) {
    uint64_t buddy = page ^ (uint64_t{1} << order);
    if (buddy >= page_limit_ || state_[buddy] != uint8_t(kFreeHead | order)) break;
    unlink(buddy, order);
    page = page < buddy ? page : buddy;
    ++order;
  }
  push(page, order);
}

void BuddyAllocator::add_free_range(uint64_t base, uint64_t pages) {
  uint64_t first = base / kPageSize;
  for (uint64_t page = first; page < first + pages && page < page_limit_; ++page) {
    if (state_[page] != kAbsent) continue;
    ++managed_;
    release_block(page, 0);
  }
}

uint64_t BuddyAllocator::free_block_containing(uint64_t page, unsigned* order) const {
  if (page >= page_limit_ || state_[page] == kAbsent) return kNone;
  // A free block containing `page` has its head at `page` rounded down to
  // its order; a smaller-order candidate that is a free head must be that
  // block, since blocks never overlap.
  for (unsigned o = 0; o <= kMaxOrder; ++o) {
    uint64_t candidate = page & ~((uint64_t{1} << o) - 1);
    uint8_t state = state_[candidate];
    if ((state & kStateMask) == kFreeHead && (state & 0x0f) >= o) {
      *order = state & 0x0f;
      return candidate;
    }
  }
  return kNone;
}

void BuddyAllocator::reserve_range(uint64_t base, uint64_t pages) {
  uint64_t first = base / kPageSize;
  for (uint64_t page = first; page < first + pages && page < page_limit_; ++page) {
    unsigned order = 0;
    uint64_t head = free_block_containing(page, &order);
    if (head == kNone) continue;
    unlink(head, order);
    // Split down to `page`, giving the halves that do not hold it back.
    while (order > 0) {
      --order;
      uint64_t upper = head + (uint64_t{1} << order);
      if (page < upper) {
        push(upper, order);
      } else {
        push(head, order);
        head = upper;
      }
    }
    state_[page] = kAbsent;
    --free_;
    --managed_;
  }
}

rtl::Result<uint64_t> BuddyAllocator::allocate_order(unsigned order) {
  unsigned found = order;
  while (found <= kMaxOrder && heads_[found] == kNone) ++found;
  if (found > kMaxOrder) return rtl::Error(rtl::Errc::no_memory, "no free page frames of that order");
  uint64_t page = heads_[found];
  unlink(page, found);
  while (found > order) {
    --found;
    push(page + (uint64_t{1} << found), found);
  }
  state_[page] = uint8_t(kAllocatedHead | order);
  free_ -= uint64_t{1} << order;
  return page * kPageSize;
}

rtl::Result<uint64_t> BuddyAllocator::allocate() { return allocate_order(0); }

rtl::Result<uint64_t> BuddyAllocator::allocate_contiguous(uint64_t pages) {
  if (pages == 0) return rtl::Error(rtl::Errc::invalid_argument, "zero pages");
  unsigned order = order_for(pages);
  if (order > kMaxOrder) return rtl::Error(rtl::Errc::too_big, "larger than the biggest buddy block");
  return allocate_order(order);
}

void BuddyAllocator::free(uint64_t physical) { free_contiguous(physical, 1); }

void BuddyAllocator::free_contiguous(uint64_t physical, uint64_t pages) {
  uint64_t page = physical / kPageSize;
  unsigned order = order_for(pages);
  RTL_ASSERT(physical % kPageSize == 0 && page < page_limit_ && order <= kMaxOrder);
  // Catches double frees and frees with the wrong size.
  RTL_ASSERT(state_[page] == uint8_t(kAllocatedHead | order));
  release_block(page, order);
}

bool BuddyAllocator::is_free(uint64_t physical) const {
  unsigned order = 0;
  return free_block_containing(physical / kPageSize, &order) != kNone;
}

}  // namespace microcore
