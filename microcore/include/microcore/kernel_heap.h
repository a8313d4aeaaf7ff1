// The kernel heap behind rtl::allocate: power-of-two size classes from 16 to
// 2048 bytes carved out of page frames, and whole contiguous pages above
// that. Callers pass the size back on free (rtl's interface does), so no
// per-block header is needed. A zone/slab allocator per object type arrives
// with the microcore's object caches; this is the general-purpose fallback.
#pragma once

#include <cstddef>
#include <cstdint>

namespace microcore {

struct HeapStatistics {
  uint64_t bytes_in_use;
  uint64_t pages_held;
};

void init_kernel_heap();  // installs itself as rtl's heap
HeapStatistics heap_statistics();

}  // namespace microcore
