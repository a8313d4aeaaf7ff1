// Copying to and from user memory, safely.
//
// A user pointer is untrusted: it may point into the kernel half, at an
// unmapped page, or at a page that is simply not faulted in yet. The copy
// routines reject ranges outside the user half up front, then copy with
// SMAP opened (STAC/CLAC) around the copy instruction only. A page fault
// inside the copy is first offered to the microcore's fault handler
// (demand paging, copy-on-write); if it cannot be resolved, the fault is
// "fixed up": the copy stops and reports failure to its caller, which returns
// an error to user space. A bad user pointer never panics the kernel.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hal/trap.h"

namespace hal {

inline constexpr uintptr_t kUserMemoryEnd = 0x0000800000000000;

inline bool is_user_range(uintptr_t address, size_t length) {
  return address < kUserMemoryEnd && length <= kUserMemoryEnd - address;
}

// Return false when the range is not entirely valid user memory.
[[nodiscard]] bool copy_from_user(void* destination, uintptr_t user_source, size_t length);
[[nodiscard]] bool copy_to_user(uintptr_t user_destination, const void* source, size_t length);

// For the page-fault handler: is this kernel-mode fault inside a user copy,
// and if so, make the copy return failure when the frame resumes.
bool is_user_copy_fault(const TrapFrame& frame);
void fix_up_user_copy(TrapFrame& frame);

}  // namespace hal
