#include "microcore/kernel_heap.h"

#include "hal/memory_layout.h"
#include "microcore/physical_memory.h"
#include "rtl/alloc.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr size_t kSmallestClass = 16;
constexpr size_t kLargestClass = 2048;
constexpr int kClassCount = 8;  // 16, 32, ..., 2048

struct FreeBlock {
  FreeBlock* next;
};

struct HeapState {
  FreeBlock* free_lists[kClassCount] = {};
  HeapStatistics statistics{};
};

// Free lists and counters; blocks on a free list belong to the heap.
rtl::SpinlockProtected<HeapState> g_heap;

int class_index(size_t size) {
  size_t block = kSmallestClass;
  int index = 0;
  while (block < size) {
    block <<= 1;
    ++index;
  }
  return index;
}

size_t effective_size(size_t size, size_t alignment) { return size < alignment ? alignment : size; }

uint64_t pages_for(size_t size) { return (size + hal::kPageSize - 1) / hal::kPageSize; }

void* heap_allocate(size_t size, size_t alignment) {
  size = effective_size(size, alignment);
  if (size > kLargestClass) {
    auto pages = allocate_frames(pages_for(size));
    if (pages.is_error()) return nullptr;
    g_heap.with([&](HeapState& heap) {
      heap.statistics.bytes_in_use += pages_for(size) * hal::kPageSize;
      heap.statistics.pages_held += pages_for(size);
    });
    return hal::phys_to_ptr<void>(pages.value());
  }
  int index = class_index(size);
  size_t block_size = kSmallestClass << index;
  return g_heap.with([&](HeapState& heap) -> void* {
    if (!heap.free_lists[index]) {
      auto page = allocate_frame();
      if (page.is_error()) return nullptr;
      auto* base = hal::phys_to_ptr<uint8_t>(page.value());
      for (size_t offset = 0; offset + block_size <= hal::kPageSize; offset += block_size) {
        auto* block = reinterpret_cast<FreeBlock*>(base + offset);
        block->next = heap.free_lists[index];
        heap.free_lists[index] = block;
      }
      ++heap.statistics.pages_held;
    }
    FreeBlock* block = heap.free_lists[index];
    heap.free_lists[index] = block->next;
    heap.statistics.bytes_in_use += block_size;
    return block;
  });
}

void heap_deallocate(void* pointer, size_t size, size_t alignment) {
  size = effective_size(size, alignment);
  if (size > kLargestClass) {
    free_frames(reinterpret_cast<uintptr_t>(pointer) - hal::kDirectMapBase, pages_for(size));
    g_heap.with([&](HeapState& heap) {
      heap.statistics.bytes_in_use -= pages_for(size) * hal::kPageSize;
      heap.statistics.pages_held -= pages_for(size);
    });
    return;
  }
  int index = class_index(size);
  g_heap.with([&](HeapState& heap) {
    auto* block = static_cast<FreeBlock*>(pointer);
    block->next = heap.free_lists[index];
    heap.free_lists[index] = block;
    heap.statistics.bytes_in_use -= kSmallestClass << index;
  });
}

const rtl::HeapOps kHeapOps{heap_allocate, heap_deallocate};

}  // namespace

void init_kernel_heap() { rtl::set_heap(&kHeapOps); }

HeapStatistics heap_statistics() {
  return g_heap.with([](HeapState& heap) { return heap.statistics; });
}

}  // namespace microcore
