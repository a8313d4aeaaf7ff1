// Kernel-owned memory shown to a task: physically contiguous pages the
// kernel allocated (from the direct map) and keeps owning, mapped into a
// task's address space cacheable, so kernel and task share the same bytes
// with no copy (a driver server's transfer area and persistent memory).
//
// Ownership: the frames stay the kernel's. Unmapping, or the task's death,
// only removes the task's view; the kernel frees the frames itself, and
// only after every task that mapped them is gone or unmapped them.
//
// Use it before the task runs (spawn_program_suspended) or from the task's
// own context: the address map is changed without a lock of its own.
#pragma once

#include <cstdint>

#include "microcore/task.h"
#include "rtl/result.h"

namespace microcore {

inline constexpr uint64_t kMapAnywhere = 0;

// Maps [physical, physical + size) (page aligned) at `address`, or wherever
// there is room when it is kMapAnywhere; `fixed` makes `address` exact.
// Every page is entered in the page table at once: the memory exists, and
// a driver server's first touch of each page must not cost it a fault on
// its request path. Returns the address in the task.
rtl::Result<uint64_t> map_kernel_memory(Task& task, uint64_t physical, uint64_t size, bool writable,
                                        uint64_t address = kMapAnywhere, bool fixed = false);
rtl::Result<void> unmap_kernel_memory(Task& task, uint64_t address, uint64_t size);

}  // namespace microcore
