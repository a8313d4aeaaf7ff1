// Creating and destroying single objects on the rtl heap: the two halves
// every owning pointer (OwnPtr, RefPtr, OwnArray) shares.
//
// There is no operator new/delete in kernel code: allocation can fail and the
// heap wants the size back on free. An object made by create_on_heap<T> must
// be destroyed by destroy_on_heap<T> with the *same* T, since sizeof(T) is
// what gets handed back; that is why the owning pointers do not convert from
// derived to base.
#pragma once

#include <new>
#include <utility>

#include "rtl/alloc.h"

namespace rtl::detail {

// Null when the heap is exhausted; no constructor runs then.
template <typename T, typename... Args>
T* create_on_heap(Args&&... args) {
  void* memory = allocate(sizeof(T), alignof(T));
  if (!memory) return nullptr;
  return new (memory) T(std::forward<Args>(args)...);
}

template <typename T>
void destroy_on_heap(T* object) {
  if (!object) return;
  object->~T();
  deallocate(object, sizeof(T), alignof(T));
}

}  // namespace rtl::detail
