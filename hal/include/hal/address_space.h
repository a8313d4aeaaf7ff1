// User address spaces at the page-table level: one root per task, sharing
// the kernel half with the kernel's own tables (the top-level entries for
// 256..511 are pre-created at boot, so every root copies the same pointers
// and kernel mappings never need propagating).
//
// The microcore's VM decides what is mapped; this is only the mechanism.
// Not locked: the owner (the task's address map) serializes calls.
#pragma once

#include <cstdint>

#include "rtl/result.h"

namespace hal::address_space {

struct Protection {
  bool write;
  bool execute;
  bool uncached;  // device memory
};

rtl::Result<uint64_t> create();               // returns the physical root
void destroy(uint64_t root);                  // frees page-table pages, not mapped frames
rtl::Result<void> map(uint64_t root, uintptr_t virtual_address, uint64_t physical, Protection protection);
// Returns the physical page that was mapped, or an error if none.
rtl::Result<uint64_t> unmap(uint64_t root, uintptr_t virtual_address);
rtl::Result<void> protect(uint64_t root, uintptr_t virtual_address, Protection protection);
struct Mapping {
  uint64_t physical;
  bool write;
  bool execute;
};
rtl::Result<Mapping> query(uint64_t root, uintptr_t virtual_address);

void activate(uint64_t root);  // load CR3 (0 = the kernel's own tables)
uint64_t active();
// Invalidates one page in this CPU's TLB if `root` is the active space.
// The SMP issue turns this into a shootdown across CPUs running the space.
void flush(uint64_t root, uintptr_t virtual_address);

}  // namespace hal::address_space
