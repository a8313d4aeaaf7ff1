// RefPtr<T>: a counted reference to a RefCounted<T> object; copying adds a
// reference, destruction or reset drops one. May be null.
//
// try_make_ref_counted<T>() creates the object (count 1) and returns the
// RefPtr that owns that first reference. adopt_ref(object) wraps a reference
// the caller already holds without adding one (for objects whose first
// reference was kept as a raw pointer). RefPtr<Derived> does not convert to
// RefPtr<Base>; see ref_counted.h for why.
#pragma once

#include <cstddef>
#include <utility>

#include "rtl/heap_object.h"
#include "rtl/panic.h"
#include "rtl/ref_counted.h"
#include "rtl/result.h"

namespace rtl {

template <typename T>
class RefPtr {
 public:
  RefPtr() = default;
  RefPtr(std::nullptr_t) {}
  RefPtr(const RefPtr& other) : object_(other.object_) {
    if (object_) object_->ref();
  }
  RefPtr(RefPtr&& other) : object_(std::exchange(other.object_, nullptr)) {}
  // Copy-and-swap: correct for self-assignment and for the old object's
  // destructor dropping the last reference to the new one.
  RefPtr& operator=(RefPtr other) {
    std::swap(object_, other.object_);
    return *this;
  }
  ~RefPtr() { reset(); }

  T* get() const { return object_; }
  T* operator->() const {
    RTL_ASSERT(object_);
    return object_;
  }
  T& operator*() const {
    RTL_ASSERT(object_);
    return *object_;
  }
  explicit operator bool() const { return object_ != nullptr; }
  bool operator==(const RefPtr& other) const { return object_ == other.object_; }

  // Drops this reference (possibly destroying the object) and becomes null.
  void reset() {
    if (T* old = std::exchange(object_, nullptr)) old->unref();
  }

  // Gives the reference to the caller, who must later unref() or adopt it.
  [[nodiscard]] T* leak_ref() { return std::exchange(object_, nullptr); }

  template <typename U>
  friend RefPtr<U> adopt_ref(U& object);

 private:
  enum class Adopt { tag };
  RefPtr(T& object, Adopt) : object_(&object) {}

  T* object_ = nullptr;
};

// Takes over one reference the caller owns; the count is not changed.
template <typename T>
RefPtr<T> adopt_ref(T& object) {
  return RefPtr<T>(object, RefPtr<T>::Adopt::tag);
}

template <typename T, typename... Args>
Result<RefPtr<T>> try_make_ref_counted(Args&&... args) {
  T* object = detail::create_on_heap<T>(std::forward<Args>(args)...);
  if (!object) return Error(Errc::no_memory, "try_make_ref_counted: heap exhausted");
  return adopt_ref(*object);
}

}  // namespace rtl
