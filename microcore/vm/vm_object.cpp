#include "microcore/vm/vm_object.h"

#include "rtl/alloc.h"
#include "rtl/panic.h"

namespace microcore::vm {

namespace {

constexpr size_t kNodeBytes = 64 * sizeof(uint64_t);

uint64_t* allocate_node() {
  auto* node = static_cast<uint64_t*>(rtl::allocate(kNodeBytes, alignof(uint64_t)));
  if (node)
    for (size_t i = 0; i < 64; ++i) node[i] = 0;
  return node;
}

void free_node(uint64_t* node) { rtl::deallocate(node, kNodeBytes, alignof(uint64_t)); }

}  // namespace

VmObject::VmObject(Kind kind, FrameSource* frames, uint64_t pages, uint64_t physical_base, CacheMode cache)
    : kind_(kind), cache_(cache), frames_(frames), pages_(pages), physical_base_(physical_base) {
  while (levels_ < 6 && (uint64_t{1} << (kFanoutShift * levels_)) < pages) ++levels_;
}

VmObject::~VmObject() {
  if (root_) free_subtree(root_, levels_);
  RTL_ASSERT(resident_ == 0);
  // Dropping backing_ as a member would destroy the chain below by
  // recursion, one kernel-stack frame set per object: a process that forked
  // thousands of times overflows the stack that way. Unlink each object we
  // hold the last reference to first, so each dies with no backing of its own.
  rtl::RefPtr<VmObject> next = std::move(backing_);
  while (next && next->ref_count() == 1) {
    rtl::RefPtr<VmObject> after = std::move(next->backing_);
    next = std::move(after);  // destroys the old `next`
  }
}

rtl::Result<rtl::RefPtr<VmObject>> VmObject::create_anonymous(FrameSource& frames, uint64_t pages) {
  if (pages == 0 || pages > kMaxPages) return rtl::Error(rtl::Errc::invalid_argument, "bad object size");
  return rtl::try_make_ref_counted<VmObject>(Kind::anonymous, &frames, pages, uint64_t{0},
                                             CacheMode::write_back);
}

rtl::Result<rtl::RefPtr<VmObject>> VmObject::create_shadow(rtl::RefPtr<VmObject> backing,
                                                           uint64_t backing_offset, uint64_t pages) {
  RTL_ASSERT(backing && backing->kind_ == Kind::anonymous);
  if (pages == 0 || backing_offset + pages > backing->pages_)
    return rtl::Error(rtl::Errc::invalid_argument, "shadow outside its backing object");
  auto shadow = TRY(create_anonymous(*backing->frames_, pages));
  shadow->backing_ = std::move(backing);
  shadow->backing_offset_ = backing_offset;
  return shadow;
}

rtl::Result<rtl::RefPtr<VmObject>> VmObject::create_physical(uint64_t physical_base, uint64_t pages,
                                                             CacheMode cache) {
  if (pages == 0 || pages > kMaxPages || physical_base % kPageSize != 0)
    return rtl::Error(rtl::Errc::invalid_argument, "bad physical range");
  return rtl::try_make_ref_counted<VmObject>(Kind::physical, nullptr, pages, physical_base, cache);
}

unsigned VmObject::chain_depth() const {
  unsigned depth = 0;
  for (const VmObject* object = backing_.get(); object; object = object->backing_.get()) ++depth;
  return depth;
}

void VmObject::free_subtree(uint64_t* node, unsigned level) {
  for (uint64_t i = 0; i < kFanout; ++i) {
    if (!node[i]) continue;
    if (level == 1) {
      frames_->free(node[i] & ~kPresent);
      --resident_;
    } else {
      free_subtree(reinterpret_cast<uint64_t*>(node[i]), level - 1);
    }
  }
  free_node(node);
}

uint64_t* VmObject::slot(uint64_t index, bool create, bool* failed) {
  RTL_ASSERT(index < pages_);
  if (!root_) {
    if (!create) return nullptr;
    root_ = allocate_node();
    if (!root_) {
      *failed = true;
      return nullptr;
    }
  }
  uint64_t* node = root_;
  for (unsigned level = levels_; level > 1; --level) {
    uint64_t& entry = node[(index >> (kFanoutShift * (level - 1))) & (kFanout - 1)];
    if (!entry) {
      if (!create) return nullptr;
      uint64_t* child = allocate_node();
      if (!child) {
        *failed = true;
        return nullptr;
      }
      entry = reinterpret_cast<uint64_t>(child);
    }
    node = reinterpret_cast<uint64_t*>(entry);
  }
  return &node[index & (kFanout - 1)];
}

rtl::Result<uint64_t> VmObject::page_at(uint64_t index) const {
  if (index >= pages_) return rtl::Error(rtl::Errc::out_of_range, "index beyond object");
  if (kind_ == Kind::physical) return physical_base_ + index * kPageSize;
  bool failed = false;
  uint64_t* entry = const_cast<VmObject*>(this)->slot(index, false, &failed);
  if (!entry || !*entry) return rtl::Error(rtl::Errc::not_found);
  return *entry & ~kPresent;
}

rtl::Result<VmObject::Found> VmObject::find_page(uint64_t index) const {
  for (const VmObject* object = this; object; object = object->backing_.get()) {
    auto page = object->page_at(index);
    if (page.is_ok()) return Found{page.value(), object};
    index += object->backing_offset_;
  }
  return rtl::Error(rtl::Errc::not_found);
}

rtl::Result<void> VmObject::insert_page(uint64_t index, uint64_t physical) {
  RTL_ASSERT(kind_ == Kind::anonymous && physical % kPageSize == 0);
  bool failed = false;
  uint64_t* entry = slot(index, true, &failed);
  if (!entry) return rtl::Error(rtl::Errc::no_memory, "vm object: no memory for page tree");
  RTL_ASSERT(*entry == 0);
  *entry = physical | kPresent;
  ++resident_;
  return {};
}

void VmObject::discard_pages(uint64_t first, uint64_t count) {
  if (kind_ != Kind::anonymous) return;
  uint64_t limit = first + count;
  uint64_t index = first;
  uint64_t physical = 0;
  while (next_resident(index, limit, &index, &physical)) {
    bool failed = false;
    *slot(index, false, &failed) = 0;
    frames_->free(physical);
    --resident_;
    ++index;
  }
}

bool VmObject::next_in(const uint64_t* node, unsigned level, uint64_t base, uint64_t from,
                       uint64_t limit, uint64_t* index, uint64_t* physical) const {
  uint64_t span = uint64_t{1} << (kFanoutShift * (level - 1));  // pages per entry
  for (uint64_t i = 0; i < kFanout; ++i) {
    uint64_t first = base + i * span;
    if (first >= limit) return false;
    if (first + span <= from || !node[i]) continue;
    if (level == 1) {
      *index = first;
      *physical = node[i] & ~kPresent;
      return true;
    }
    if (next_in(reinterpret_cast<const uint64_t*>(node[i]), level - 1, first, from, limit, index,
                physical))
      return true;
  }
  return false;
}

bool VmObject::next_resident(uint64_t from, uint64_t limit, uint64_t* index, uint64_t* physical) const {
  if (limit > pages_) limit = pages_;
  if (from >= limit) return false;
  if (kind_ == Kind::physical) {
    *index = from;
    *physical = physical_base_ + from * kPageSize;
    return true;
  }
  if (!root_) return false;
  return next_in(root_, levels_, 0, from, limit, index, physical);
}

void VmObject::collapse() {
  while (backing_ && backing_->kind_ == Kind::anonymous && backing_->ref_count() == 1) {
    VmObject& backing = *backing_;
    uint64_t index = 0;
    uint64_t physical = 0;
    while (backing.next_resident(index, backing.pages_, &index, &physical)) {
      bool visible = index >= backing_offset_ && index - backing_offset_ < pages_ &&
                     page_at(index - backing_offset_).is_error();
      if (visible) {
        // Moving keeps the frame (and any read-only mapping of it) valid.
        if (insert_page(index - backing_offset_, physical).is_error()) return;
        bool failed = false;
        *backing.slot(index, false, &failed) = 0;
        --backing.resident_;
      } else {
        backing.discard_pages(index, 1);
      }
      ++index;
    }
    rtl::RefPtr<VmObject> next = backing.backing_;
    backing_offset_ += backing.backing_offset_;
    backing_ = std::move(next);  // destroys the bypassed object
  }
}

}  // namespace microcore::vm
