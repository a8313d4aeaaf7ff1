// VmObject: a ref-counted source of pages that regions of address maps
// show (Mach's vm_object).
//
// Kinds:
//  - anonymous: zero-fill on demand. Resident pages are recorded sparsely in
//    a radix tree of 64-entry nodes (512 bytes) allocated on first insert,
//    so a huge sparse object costs nothing until touched. An anonymous object
//    may *shadow* a backing object (Mach copy-on-write): a page missing here
//    is looked up in the backing object at index + backing_offset, and so on
//    down the chain; the first write copies it into the top object.
//  - physical: a fixed contiguous physical range (MMIO, DMA buffers). Every
//    page is "resident"; the VM never allocates or frees its frames.
//
// Ownership: every frame recorded in an anonymous object is owned by that
// object alone and returned to its FrameSource when the object dies or
// discards the page. Objects are shared by reference (regions, shadows,
// VmCopy entries); a backing object is never written through once shadowed
// (every map that sees it sees it read-only), which is what makes sharing
// frames between snapshots safe without per-frame reference counts.
//
// Locking: not internally locked; callers serialise through the address
// map's lock. (Objects shared between maps, i.e. backing objects, are only
// read after they become backing objects; collapse() only rewrites a
// backing object held by nobody else.) Made with try_make_ref_counted via
// the create_* functions.
#pragma once

#include <cstdint>

#include "microcore/vm/frame_source.h"
#include "microcore/vm/types.h"
#include "rtl/ref_ptr.h"
#include "rtl/result.h"

namespace microcore::vm {

class VmObject : public rtl::RefCounted<VmObject> {
 public:
  enum class Kind : uint8_t { anonymous, physical };

  // Limit of an object's size: the whole 48-bit address space.
  static constexpr uint64_t kMaxPages = uint64_t{1} << 36;

  static rtl::Result<rtl::RefPtr<VmObject>> create_anonymous(FrameSource& frames, uint64_t pages);
  // Pages [backing_offset, backing_offset + pages) of `backing`, copy-on-write.
  static rtl::Result<rtl::RefPtr<VmObject>> create_shadow(rtl::RefPtr<VmObject> backing,
                                                          uint64_t backing_offset, uint64_t pages);
  static rtl::Result<rtl::RefPtr<VmObject>> create_physical(uint64_t physical_base, uint64_t pages,
                                                            CacheMode cache);

  // Public for try_make_ref_counted only: use the create_* functions.
  VmObject(Kind kind, FrameSource* frames, uint64_t pages, uint64_t physical_base, CacheMode cache);
  ~VmObject();

  Kind kind() const { return kind_; }
  uint64_t size_pages() const { return pages_; }
  CacheMode cache() const { return cache_; }
  uint64_t physical_base() const { return physical_base_; }
  VmObject* backing() const { return backing_.get(); }
  uint64_t backing_offset() const { return backing_offset_; }
  // Frames held by this object (physical objects: their whole range).
  uint64_t resident_pages() const { return kind_ == Kind::physical ? pages_ : resident_; }
  // Length of the shadow chain below this object.
  unsigned chain_depth() const;

  // The frame at `index` held by *this* object (not its backing chain), or
  // Errc::not_found.
  rtl::Result<uint64_t> page_at(uint64_t index) const;

  struct Found {
    uint64_t physical;
    const VmObject* owner;  // the object in the chain that holds it
  };
  // Looks `index` up here and down the shadow chain; not_found when no
  // object has it (zero fill).
  rtl::Result<Found> find_page(uint64_t index) const;

  // Records frame `physical` at `index` (anonymous only). The object owns it
  // from then on. Errc::no_memory when a tree node cannot be allocated (the
  // caller keeps the frame). Panics if the slot is taken.
  rtl::Result<void> insert_page(uint64_t index, uint64_t physical);
  // Frees the frames at [first, first + count) of this object (not the chain).
  void discard_pages(uint64_t first, uint64_t count);

  // The next resident index in [from, limit) of this object; false when
  // none. Skips empty subtrees, so walking a sparse object is cheap.
  bool next_resident(uint64_t from, uint64_t limit, uint64_t* index, uint64_t* physical) const;

  // Mach's shadow collapse: while the backing object is anonymous and
  // referenced by this object alone, pull its still-visible pages up here,
  // free the hidden ones, and bypass it. Keeps chains short after a
  // clone's other side or a VmCopy goes away. Stops early (still correct)
  // when a tree node cannot be allocated.
  void collapse();

 private:
  static constexpr unsigned kFanoutShift = 6;
  static constexpr uint64_t kFanout = uint64_t{1} << kFanoutShift;
  static constexpr uint64_t kPresent = 1;  // leaf slot: physical | kPresent

  uint64_t* slot(uint64_t index, bool create, bool* failed);
  void free_subtree(uint64_t* node, unsigned level);
  bool next_in(const uint64_t* node, unsigned level, uint64_t base, uint64_t from, uint64_t limit,
               uint64_t* index, uint64_t* physical) const;

  Kind kind_;
  CacheMode cache_;
  unsigned levels_ = 1;  // radix depth; 64^levels_ >= pages_
  FrameSource* frames_;
  uint64_t pages_;
  uint64_t physical_base_;
  uint64_t resident_ = 0;
  uint64_t* root_ = nullptr;
  rtl::RefPtr<VmObject> backing_;
  uint64_t backing_offset_ = 0;
};

}  // namespace microcore::vm
