// VmCopy: an owned, copy-on-write snapshot of [address, address + size) of
// an address map, the carrier of out-of-line IPC memory (Mach's
// vm_map_copy_t, entry-list flavour).
//
// copy_in clips the source regions to the page-rounded range, puts a fresh
// shadow object in front of each region's object and write-protects the
// source's entries; the snapshot keeps references to the (now frozen)
// original objects. No page is copied: whichever side writes first copies
// that one page into its own shadow. copy_out maps the snapshot anywhere in
// the destination (read/write, copy-on-write): an object the snapshot holds
// alone (the source was deallocated) is mapped directly, others behind a
// new shadow.
//
// Ownership: copy_in returns a VmCopy the caller owns; copy_out consumes it
// on success and leaves it with the caller on failure; discard frees it. A
// VmCopy holds only object references, so it needs no map to be discarded
// and may outlive its source task.
#pragma once

#include <cstdint>

#include "microcore/vm/address_map.h"
#include "microcore/vm/vm_object.h"
#include "rtl/intrusive_list.h"
#include "rtl/ref_ptr.h"
#include "rtl/result.h"

namespace microcore::vm {

class VmCopy {
 public:
  uint64_t size() const { return size_; }    // bytes asked for
  uint64_t pages() const { return pages_; }  // pages of the rounded range

  // Public for try_make only.
  VmCopy(uint64_t offset_in_page, uint64_t size, uint64_t pages)
      : offset_in_page_(offset_in_page), size_(size), pages_(pages) {}
  ~VmCopy();
  VmCopy(const VmCopy&) = delete;
  VmCopy& operator=(const VmCopy&) = delete;

  struct Entry {
    rtl::IntrusiveListNode node;
    rtl::RefPtr<VmObject> object;
    uint64_t first = 0;  // page index into object
    uint64_t pages = 0;
    rtl::RefPtr<VmObject> pending;  // copy_in's prepared source shadow
  };

 private:
  friend rtl::Result<VmCopy*> copy_in(AddressMap&, uint64_t, uint64_t, bool);
  friend rtl::Result<uint64_t> copy_out(AddressMap&, VmCopy*);

  rtl::IntrusiveList<Entry, &Entry::node> entries_;
  uint64_t offset_in_page_;
  uint64_t size_;
  uint64_t pages_;
};

// Snapshot of [address, address + size) of `source` (any alignment; whole
// pages are taken). Errors before anything is captured: out_of_range (not
// user space), not_found (a hole), permission_denied (a region without
// read), not_supported (device memory), no_memory. With
// `deallocate_source` the range is then unmapped from `source` (Mach's
// deallocate flag), which cannot fail. size 0 gives an empty VmCopy.
rtl::Result<VmCopy*> copy_in(AddressMap& source, uint64_t address, uint64_t size,
                             bool deallocate_source);
// Maps `copy` anywhere in `destination`; returns the address of its first
// byte (same offset within the page as at copy_in; 0 for an empty copy).
// Consumes `copy` on success only.
rtl::Result<uint64_t> copy_out(AddressMap& destination, VmCopy* copy);
// Frees a copy that will not be copied out (null is fine).
void discard(VmCopy* copy);

}  // namespace microcore::vm
