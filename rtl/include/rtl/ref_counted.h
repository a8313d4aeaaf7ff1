// RefCounted<T>: an intrusive, thread-safe reference count for objects shared
// between owners (vnodes, address spaces, files). CRTP instead of a virtual
// destructor: the count knows the most-derived type T statically, so no
// vtable or RTTI is needed, and the object is freed with sizeof(T).
//
//   class AddressSpace : public rtl::RefCounted<AddressSpace> { ... };
//   rtl::RefPtr<AddressSpace> space = TRY(rtl::try_make_ref_counted<AddressSpace>());
//
// Lifetime: the count starts at 1, the reference held by whoever created the
// object (adopted by RefPtr). When unref() drops it to 0 the object is
// destroyed with ~T and its memory returned through rtl::deallocate, so only
// objects made by try_make_ref_counted<T> (rtl/ref_ptr.h) may derive from this.
// Normally only RefPtr calls ref()/unref().
#pragma once

#include <atomic>
#include <cstdint>

#include "rtl/heap_object.h"
#include "rtl/panic.h"

namespace rtl {

template <typename T>
class RefCounted {
 public:
  RefCounted(const RefCounted&) = delete;
  RefCounted& operator=(const RefCounted&) = delete;

  void ref() const {
    // Only a holder of a reference may make another, so the count is already
    // at least 1 and no ordering is needed (as in std::shared_ptr).
    uint32_t previous = count_.fetch_add(1, std::memory_order_relaxed);
    RTL_ASSERT(previous > 0 && previous < UINT32_MAX);
  }

  void unref() const {
    // Release publishes this owner's writes; the acquire on the last drop
    // makes every owner's writes visible to the destructor.
    uint32_t previous = count_.fetch_sub(1, std::memory_order_acq_rel);
    RTL_ASSERT(previous > 0);
    if (previous == 1)
      detail::destroy_on_heap(static_cast<T*>(const_cast<RefCounted*>(this)));
  }

  // A snapshot, for tests and assertions only: other owners may change it.
  uint32_t ref_count() const { return count_.load(std::memory_order_relaxed); }

 protected:
  RefCounted() = default;
  ~RefCounted() = default;

 private:
  mutable std::atomic<uint32_t> count_{1};
};

}  // namespace rtl
