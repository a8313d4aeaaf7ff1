// AddressMap: one task's user address space (Mach's vm_map): an ordered
// list of regions [start, end) in [kUserBase, kUserEnd), each showing a
// window of a VmObject with a protection, resolved into the hardware
// PageTable lazily by fault().
//
// Copy-on-write is Mach's symmetric shadow scheme: cloning (fork) or
// snapshotting (VmCopy, OOL IPC) a region of object O puts a fresh shadow
// object in front of O for each side and write-protects the source's
// present entries; O is never written again. A write fault copies the page
// from the chain into the top object; a read fault maps the chain's page
// read-only. Frames therefore need no reference counts (frame_source.h).
//
// Costs: regions are a sorted list (O(regions) lookup; a tree later).
// Tearing down page-table entries walks the resident pages of the region's
// object chain or the region's pages, whichever is smaller.
//
// Locking: not internally locked. The owner (the task) holds its map lock
// around every call, including fault(); lock order map -> heap -> frames.
//
// Limitation: copy inheritance / VmCopy of a region whose object is also
// mapped *shared and writable* by another map does not isolate the
// snapshot from that other map's later writes (Mach's share maps would).
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/vm/frame_source.h"
#include "microcore/vm/page_table.h"
#include "microcore/vm/types.h"
#include "microcore/vm/vm_object.h"
#include "rtl/intrusive_list.h"
#include "rtl/ref_ptr.h"
#include "rtl/result.h"

namespace microcore::vm {

class VmCopy;

struct RegionInfo {
  uint64_t start;
  uint64_t end;
  Protection protection;
  Protection max_protection;
  VmObject* object;  // valid while the region exists (map lock held)
  uint64_t offset;   // bytes into object
  Inheritance inheritance;
  CacheMode cache;
  bool wired;
};

struct MapStatistics {
  uint64_t regions;
  uint64_t virtual_bytes;   // sum of region sizes
  uint64_t resident_pages;  // page-table entries this map installed
};

class AddressMap {
 public:
  static constexpr uint64_t kAnywhere = 0;

  // Both must outlive the map. The page table starts empty of user entries.
  AddressMap(PageTable& page_table, FrameSource& frames);
  ~AddressMap();  // destroy()
  AddressMap(const AddressMap&) = delete;
  AddressMap& operator=(const AddressMap&) = delete;

  // Sizes are rounded up to pages; addresses must be page aligned. With
  // `address` == kAnywhere the first fit from kUserBase is used; otherwise
  // `address` is a hint (first fit if taken), or exact when `fixed`
  // (Errc::already_exists if taken). A full address space is
  // Errc::no_memory ("no space", KERN_NO_SPACE).
  rtl::Result<uint64_t> map_anonymous(uint64_t size, Protection protection,
                                      uint64_t address = kAnywhere, bool fixed = false);
  // Shows pages of `object` starting at byte `offset` (page aligned).
  rtl::Result<uint64_t> map_object(rtl::RefPtr<VmObject> object, uint64_t offset, uint64_t size,
                                   Protection protection, Protection max_protection = Protection::all(),
                                   Inheritance inheritance = Inheritance::share,
                                   uint64_t address = kAnywhere, bool fixed = false);
  // Device memory / DMA: a physical object over [physical, physical + size),
  // shared on clone, never freed by the VM.
  rtl::Result<uint64_t> map_physical(uint64_t physical, uint64_t size, Protection protection,
                                     CacheMode cache = CacheMode::uncached,
                                     uint64_t address = kAnywhere, bool fixed = false);

  // Removes [address, address + size): splits regions at the edges, drops
  // page-table entries and frees pages nobody else can see. Holes are fine.
  // Errc::no_memory only when an edge split cannot allocate (nothing
  // changed then); never fails when the edges are region boundaries.
  rtl::Result<void> unmap(uint64_t address, uint64_t size);
  // The whole range must be mapped (Errc::not_found) and `protection` within
  // every region's max_protection (Errc::permission_denied); checked before
  // anything changes.
  rtl::Result<void> protect(uint64_t address, uint64_t size, Protection protection);
  rtl::Result<void> set_inheritance(uint64_t address, uint64_t size, Inheritance inheritance);

  rtl::Result<RegionInfo> lookup(uint64_t address) const;

  // Resolves a page fault at `va`. Errc::not_found: no region (the glue
  // reports "not-present, unmapped" and kills the task);
  // Errc::permission_denied: the region forbids `access`; Errc::no_memory:
  // no frame or page-table memory (nothing leaked, may be retried).
  rtl::Result<void> fault(uint64_t va, Access access, bool user);

  // Validates, without touching memory or the page table, that [address,
  // address + size) is user space (Errc::out_of_range otherwise: kernel
  // pointers, wrap-around), fully covered by regions (Errc::not_found) that
  // allow `access` (Errc::permission_denied). size 0 is always fine.
  rtl::Result<void> check_user_range(uint64_t address, uint64_t size, Access access) const;

  // fork: fills the empty `child` (Errc::invalid_argument otherwise) by
  // inheritance: copy -> copy-on-write shadows on both sides, share -> the
  // same object, none -> nothing. Physical regions are always shared. On
  // error the child holds a prefix of the regions (destroy it); the parent
  // stays consistent.
  rtl::Result<void> copy_on_write_clone(AddressMap& child);

  // Unmaps everything; the map is empty and reusable afterwards.
  void destroy();

  MapStatistics statistics() const;
  // Copies up to `capacity` regions in address order (/proc/PID/maps);
  // returns how many there are.
  size_t regions(RegionInfo* out, size_t capacity) const;
  PageTable& page_table() const { return page_table_; }
  FrameSource& frames() const { return frames_; }

 private:
  friend rtl::Result<VmCopy*> copy_in(AddressMap&, uint64_t, uint64_t, bool);
  friend rtl::Result<uint64_t> copy_out(AddressMap&, VmCopy*);

  struct Region {
    rtl::IntrusiveListNode node;
    uint64_t start = 0;
    uint64_t end = 0;
    Protection protection;
    Protection max_protection;
    rtl::RefPtr<VmObject> object;
    uint64_t offset = 0;  // bytes
    Inheritance inheritance = Inheritance::copy;
    CacheMode cache = CacheMode::write_back;
    bool wired = false;
  };
  using RegionList = rtl::IntrusiveList<Region, &Region::node>;

  Region* find(uint64_t address) const;
  // Free [start, start + size) with the hint/fixed rules of map_anonymous.
  rtl::Result<uint64_t> find_space(uint64_t size, uint64_t address, bool fixed) const;
  rtl::Result<uint64_t> insert(rtl::RefPtr<VmObject> object, uint64_t offset, uint64_t size,
                               Protection protection, Protection max_protection,
                               Inheritance inheritance, CacheMode cache, uint64_t address, bool fixed);
  void link_sorted(Region& region);
  // Makes `address` a region boundary if it falls inside a region.
  rtl::Result<void> clip(uint64_t address);
  // Checks that [start, end) is covered without holes by regions allowing
  // `needed`; checks `max` against max_protection when `check_max`.
  rtl::Result<void> check_covered(uint64_t start, uint64_t end, Protection needed, bool check_max) const;
  // Calls fn(va) for every va of [start, end) inside `region` that may have
  // a page-table entry.
  template <typename Function>
  void for_each_possible_mapping(const Region& region, uint64_t start, uint64_t end, Function fn) const;
  void remove_mappings(const Region& region, uint64_t start, uint64_t end);
  void write_protect_mappings(const Region& region);
  void remove_region(Region& region);
  rtl::Result<void> install(uint64_t va, uint64_t pa, Protection protection, CacheMode cache);
  static rtl::Result<void> check_range(uint64_t address, uint64_t size);

  PageTable& page_table_;
  FrameSource& frames_;
  RegionList regions_;
  uint64_t resident_ = 0;
};

}  // namespace microcore::vm
