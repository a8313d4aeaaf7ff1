// PageTable: what the VM needs from the MMU, implemented by the glue (x86-64
// four-level tables) and by a std::map fake in the host tests.
//
// The VM never touches hardware itself: it calls map/unmap/protect for one
// page at a time and then flush(va) for every change to an entry that may
// have been present (unmap, protect, replacing a mapping); the
// implementation does not flush on its own. flush is the TLB shootdown hook
// (single CPU for now: invlpg).
//
// Virtual functions without RTTI; the destructor is protected, so nobody
// deletes a page table through this interface (the owner knows its type).
#pragma once

#include <cstdint>

#include "microcore/vm/types.h"
#include "rtl/result.h"

namespace microcore::vm {

struct Translation {
  uint64_t physical;
  Protection protection;
};

class PageTable {
 public:
  // Installs va -> pa (page aligned). Replaces an existing entry. May need
  // an intermediate table: Errc::no_memory when that fails.
  virtual rtl::Result<void> map(uint64_t va, uint64_t pa, Protection protection, CacheMode cache) = 0;
  // Removes the entry; the physical address it had, or Errc::not_found.
  virtual rtl::Result<uint64_t> unmap(uint64_t va) = 0;
  // Changes the protection of a present entry; no-op when not present.
  virtual void protect(uint64_t va, Protection protection) = 0;
  // The entry for va, or Errc::not_found.
  virtual rtl::Result<Translation> query(uint64_t va) const = 0;
  // Invalidates any cached translation of va (TLB shootdown hook).
  virtual void flush(uint64_t va) = 0;

 protected:
  PageTable() = default;
  ~PageTable() = default;
};

}  // namespace microcore::vm
