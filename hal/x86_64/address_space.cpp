// User page tables (see hal/address_space.h). Four-level walk; intermediate
// tables are created on demand with user+write permission (the leaf entry
// decides), and freed only by destroy().
#include "hal/address_space.h"

#include "hal/cpu.h"
#include "hal/memory_layout.h"
#include "hal/paging.h"
#include "page_table_entry.h"

namespace hal::address_space {
namespace {

using namespace x86::pte;

uint64_t* table(uint64_t physical) { return table_at(physical); }

rtl::Result<uint64_t> new_table() {
  const paging::FrameSource& frames = paging::frame_source();
  uint64_t page = frames.allocate(frames.context);
  if (!page) return rtl::Error(rtl::Errc::no_memory, "out of memory for page tables");
  for (int i = 0; i < 512; ++i) table(page)[i] = 0;
  return page;
}

// Walks to the level-0 table for `va`, creating tables when `create`.
rtl::Result<uint64_t*> leaf_entry(uint64_t root, uintptr_t va, bool create) {
  if (va >= kUserSpaceEnd) return rtl::Error(rtl::Errc::out_of_range, "not a user address");
  uint64_t current = root;
  for (int level = 3; level > 0; --level) {
    uint64_t& entry = table(current)[index_at(va, level)];
    if (!(entry & kPresent)) {
      if (!create) return rtl::Error(rtl::Errc::not_found, "not mapped");
      entry = TRY(new_table()) | kPresent | kWritable | kUser;
    }
    current = entry & kAddressMask;
  }
  return &table(current)[index_at(va, 0)];
}

uint64_t leaf_flags(Protection p) {
  uint64_t flags = kPresent | kUser;
  if (p.write) flags |= kWritable;
  if (!p.execute) flags |= kNoExecute;
  if (p.uncached) flags |= kCacheDisable | kWriteThrough;
  return flags;
}

void free_level(uint64_t physical, int level) {
  if (level > 0) {
    for (int i = 0; i < 512; ++i)
      if (table(physical)[i] & kPresent) free_level(table(physical)[i] & kAddressMask, level - 1);
  }
  const paging::FrameSource& frames = paging::frame_source();
  frames.release(frames.context, physical);
}

}  // namespace

rtl::Result<uint64_t> create() {
  uint64_t root = TRY(new_table());
  uint64_t* kernel = table(paging::kernel_root());
  for (int i = 256; i < 512; ++i) table(root)[i] = kernel[i];
  return root;
}

void destroy(uint64_t root) {
  if (active() == root) activate(0);
  for (int i = 0; i < 256; ++i)
    if (table(root)[i] & kPresent) free_level(table(root)[i] & kAddressMask, 2);
  const paging::FrameSource& frames = paging::frame_source();
  frames.release(frames.context, root);
}

rtl::Result<void> map(uint64_t root, uintptr_t va, uint64_t physical, Protection protection) {
  uint64_t* entry = TRY(leaf_entry(root, va, true));
  bool was_present = *entry & kPresent;
  *entry = (physical & kAddressMask) | leaf_flags(protection);
  if (was_present) flush(root, va);
  return {};
}

rtl::Result<uint64_t> unmap(uint64_t root, uintptr_t va) {
  uint64_t* entry = TRY(leaf_entry(root, va, false));
  if (!(*entry & kPresent)) return rtl::Error(rtl::Errc::not_found, "not mapped");
  uint64_t physical = *entry & kAddressMask;
  *entry = 0;
  flush(root, va);
  return physical;
}

rtl::Result<void> protect(uint64_t root, uintptr_t va, Protection protection) {
  uint64_t* entry = TRY(leaf_entry(root, va, false));
  if (!(*entry & kPresent)) return rtl::Error(rtl::Errc::not_found, "not mapped");
  *entry = (*entry & kAddressMask) | leaf_flags(protection);
  flush(root, va);
  return {};
}

rtl::Result<Mapping> query(uint64_t root, uintptr_t va) {
  uint64_t* entry = TRY(leaf_entry(root, va, false));
  if (!(*entry & kPresent)) return rtl::Error(rtl::Errc::not_found, "not mapped");
  return Mapping{*entry & kAddressMask, (*entry & kWritable) != 0, !(*entry & kNoExecute)};
}

void activate(uint64_t root) { x86::write_cr3(root ? root : paging::kernel_root()); }
uint64_t active() {
  uint64_t cr3 = x86::read_cr3() & kAddressMask;
  return cr3 == paging::kernel_root() ? 0 : cr3;
}

void flush(uint64_t root, uintptr_t va) {
  if (active() == root) x86::invlpg(va);
}

}  // namespace hal::address_space
