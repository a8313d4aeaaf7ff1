#include "microcore/zone.h"

#include "rtl/bits.h"
#include "rtl/panic.h"

namespace microcore {

Zone::Zone(const char* name, size_t object_size, size_t alignment, ZonePageSource source)
    : name_(name), source_(source) {
  RTL_ASSERT(rtl::is_power_of_two(alignment) && alignment <= kPageSize);
  if (alignment < alignof(FreeObject)) alignment = alignof(FreeObject);
  if (object_size < sizeof(FreeObject)) object_size = sizeof(FreeObject);
  object_size_ = rtl::align_up(object_size, alignment);
  first_offset_ = rtl::align_up(sizeof(Page), alignment);
  RTL_ASSERT(first_offset_ + object_size_ <= kPageSize);
  per_page_ = (kPageSize - first_offset_) / object_size_;
  RTL_ASSERT(source.allocate_page && source.free_page);
}

Zone::~Zone() {
  RTL_ASSERT(in_use_ == 0 && pages_ == 0);
}

rtl::Result<void*> Zone::allocate() {
  rtl::SpinlockGuard guard(lock_);
  Page* page = partial_.front();
  if (!page) {
    void* memory = source_.allocate_page(source_.context);
    if (!memory) {
      ++failures_;
      return rtl::Error(rtl::Errc::no_memory, "zone: no page");
    }
    RTL_ASSERT(rtl::is_aligned(memory, kPageSize));
    page = new (memory) Page{};
    page->zone = this;
    // Thread the objects in address order.
    auto* base = static_cast<uint8_t*>(memory) + first_offset_;
    FreeObject* next = nullptr;
    for (uint64_t i = per_page_; i > 0; --i) {
      auto* object = reinterpret_cast<FreeObject*>(base + (i - 1) * object_size_);
      object->next = next;
      next = object;
    }
    page->free = next;
    partial_.push_front(*page);
    ++pages_;
  }
  FreeObject* object = page->free;
  page->free = object->next;
  ++page->in_use;
  if (!page->free) partial_.remove(*page);
  ++in_use_;
  ++allocations_;
  return static_cast<void*>(object);
}

void Zone::free(void* object) {
  if (!object) return;
  auto address = reinterpret_cast<uintptr_t>(object);
  auto* page = reinterpret_cast<Page*>(rtl::align_down(address, uintptr_t{kPageSize}));
  rtl::SpinlockGuard guard(lock_);
  RTL_ASSERT(page->zone == this && page->in_use > 0);
  RTL_ASSERT((address - reinterpret_cast<uintptr_t>(page) - first_offset_) % object_size_ == 0);
  bool was_full = page->free == nullptr;
  auto* free_object = static_cast<FreeObject*>(object);
  free_object->next = page->free;
  page->free = free_object;
  --page->in_use;
  --in_use_;
  if (page->in_use == 0) {
    if (!was_full) partial_.remove(*page);
    page->~Page();
    --pages_;
    source_.free_page(source_.context, page);
  } else if (was_full) {
    partial_.push_back(*page);
  }
}

ZoneStatistics Zone::statistics() const {
  rtl::SpinlockGuard guard(lock_);
  return {name_, object_size_, per_page_, in_use_, pages_, allocations_, failures_};
}

}  // namespace microcore
