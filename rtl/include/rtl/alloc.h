// Allocation that can fail and says so.
//
// rtl defines the interface; the microcore's kernel heap implements it and
// installs itself early in boot (the host build installs malloc). A null
// return is an ordinary outcome that callers turn into Errc::no_memory, never
// a panic. There is deliberately no throwing operator new for kernel code:
// use rtl::try_make<T>() (rtl/own_ptr.h) or try_make_ref_counted<T>().
#pragma once

#include <cstddef>

namespace rtl {

struct HeapOps {
  void* (*allocate)(size_t size, size_t alignment);  // null when out of memory
  void (*deallocate)(void* pointer, size_t size, size_t alignment);
};

// Returns the previous heap, so a test (or the switch from the early boot
// heap to the real one) can put it back.
const HeapOps* set_heap(const HeapOps* heap);

// Null when out of memory or before a heap is installed.
void* allocate(size_t size, size_t alignment = alignof(max_align_t));
void deallocate(void* pointer, size_t size, size_t alignment = alignof(max_align_t));

}  // namespace rtl
