// OwnPtr<T>: the single owner of a heap object, destroyed with it (like
// std::unique_ptr, minus the operator delete the kernel does not have).
//
//   rtl::OwnPtr<Device> device = TRY(rtl::try_make<Device>(bus, slot));
//
// Objects come from try_make<T>, which returns Errc::no_memory instead of
// throwing or panicking. OwnPtr<Derived> does not convert to OwnPtr<Base>:
// the object is freed with sizeof(T) of the pointer's T (heap_object.h).
#pragma once

#include <cstddef>
#include <utility>

#include "rtl/heap_object.h"
#include "rtl/panic.h"
#include "rtl/result.h"

namespace rtl {

template <typename T>
class OwnPtr {
 public:
  OwnPtr() = default;
  OwnPtr(std::nullptr_t) {}
  OwnPtr(OwnPtr&& other) : object_(other.leak()) {}
  OwnPtr& operator=(OwnPtr&& other) {
    if (this != &other) reset(other.leak());
    return *this;
  }
  OwnPtr(const OwnPtr&) = delete;
  OwnPtr& operator=(const OwnPtr&) = delete;
  ~OwnPtr() { reset(); }

  // Takes ownership of an object made by detail::create_on_heap<T>.
  static OwnPtr adopt(T* object) { return OwnPtr(object); }

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

  // Destroys the current object (if any) and owns `object` instead.
  void reset(T* object = nullptr) {
    T* old = object_;
    object_ = object;
    detail::destroy_on_heap(old);
  }

  // Gives up ownership without destroying; the caller now owns the object.
  [[nodiscard]] T* leak() { return std::exchange(object_, nullptr); }

 private:
  explicit OwnPtr(T* object) : object_(object) {}
  T* object_ = nullptr;
};

template <typename T, typename... Args>
Result<OwnPtr<T>> try_make(Args&&... args) {
  T* object = detail::create_on_heap<T>(std::forward<Args>(args)...);
  if (!object) return Error(Errc::no_memory, "try_make: heap exhausted");
  return OwnPtr<T>::adopt(object);
}

}  // namespace rtl
