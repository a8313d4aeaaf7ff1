#include "rtl/alloc.h"

namespace rtl {
namespace {
// Installed once by the heap's owner during early boot.
const HeapOps* g_heap = nullptr;
}  // namespace

const HeapOps* set_heap(const HeapOps* heap) {
  const HeapOps* previous = g_heap;
  g_heap = heap;
  return previous;
}

void* allocate(size_t size, size_t alignment) {
  if (!g_heap || size == 0) return nullptr;
  return g_heap->allocate(size, alignment);
}

void deallocate(void* pointer, size_t size, size_t alignment) {
  if (pointer && g_heap) g_heap->deallocate(pointer, size, alignment);
}

}  // namespace rtl
