// Zone: a cache of equal-sized kernel objects (ports, threads, VM regions)
// carved from whole pages, in the spirit of Mach's zalloc and the slab
// allocator. One zone per object type; its statistics feed slabinfo.
//
// Page layout: a ZonePage header at the start of each page, then objects.
// A free object holds the link to the next free object of its page, so free
// objects cost nothing. free() finds the page by rounding the object's
// address down to the page size, so pages must be kPageSize-aligned.
//
// Page ownership: a page belongs to the zone from allocate_page() until the
// zone gives it back with free_page(), which it does as soon as the page's
// last object is freed (no empty pages are hoarded). Failure to get a page
// is Errc::no_memory, never a panic.
//
// Locking: every operation takes the zone's spinlock; the page source is
// called with it held (lock order: zone before page source / frames).
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "rtl/intrusive_list.h"
#include "rtl/result.h"
#include "rtl/spinlock.h"

namespace microcore {

// Where a zone gets its pages: kPageSize bytes, kPageSize-aligned, kernel
// virtual addresses (the kernel: a frame through the direct map; tests:
// aligned_alloc).
struct ZonePageSource {
  void* context;
  void* (*allocate_page)(void* context);  // null when out of memory
  void (*free_page)(void* context, void* page);
};

struct ZoneStatistics {
  const char* name;
  size_t object_size;         // bytes per object after alignment
  uint64_t objects_per_page;
  uint64_t objects_in_use;
  uint64_t pages;
  uint64_t allocations;       // successful, since creation
  uint64_t failures;          // allocations refused for lack of pages
};

class Zone {
 public:
  static constexpr size_t kPageSize = 4096;

  // Panics if an object (rounded up to `alignment`, at least a pointer)
  // does not fit into a page after the header: zones are declared with
  // compile-time sizes, so that is a programming error.
  Zone(const char* name, size_t object_size, size_t alignment, ZonePageSource source);
  // Every object must have been freed (panics otherwise).
  ~Zone();
  Zone(const Zone&) = delete;
  Zone& operator=(const Zone&) = delete;

  rtl::Result<void*> allocate();  // uninitialised memory for one object
  void free(void* object);        // `object` must come from this zone

  ZoneStatistics statistics() const;
  const char* name() const { return name_; }

  // For the owner's registry of all zones (slabinfo); unused by Zone itself.
  rtl::IntrusiveListNode registry_node;

 private:
  struct FreeObject {
    FreeObject* next;
  };
  struct Page {
    rtl::IntrusiveListNode node;
    Zone* zone;
    FreeObject* free;
    uint32_t in_use;
  };
  using PageList = rtl::IntrusiveList<Page, &Page::node>;

  const char* name_;
  size_t object_size_;
  size_t first_offset_;
  uint64_t per_page_;
  ZonePageSource source_;

  mutable rtl::Spinlock lock_;
  // Pages with at least one free object; full pages are on no list (free()
  // finds them by address).
  PageList partial_;
  uint64_t pages_ = 0;
  uint64_t in_use_ = 0;
  uint64_t allocations_ = 0;
  uint64_t failures_ = 0;
};

// Typed front end: constructs and destroys T in a zone of its own.
template <typename T>
class TypedZone {
 public:
  TypedZone(const char* name, ZonePageSource source) : zone_(name, sizeof(T), alignof(T), source) {}

  template <typename... Args>
  rtl::Result<T*> make(Args&&... args) {
    void* memory = TRY(zone_.allocate());
    return new (memory) T(std::forward<Args>(args)...);
  }
  void destroy(T* object) {
    if (!object) return;
    object->~T();
    zone_.free(object);
  }
  ZoneStatistics statistics() const { return zone_.statistics(); }
  Zone& zone() { return zone_; }

 private:
  Zone zone_;
};

}  // namespace microcore
