// Stack walking by frame pointers (the kernel is built with
// -fno-omit-frame-pointer). Used by panic, so it must never fault: each frame
// is checked to lie in mapped kernel memory before it is read.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

// Fills `out` with return addresses, starting with the frame at `rbp`.
// Returns how many were stored.
size_t walk_stack(uintptr_t rbp, uintptr_t* out, size_t capacity);

// The caller's current frame pointer, for backtraces not started by a trap.
inline uintptr_t current_frame_pointer() {
  return reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
}

}  // namespace hal
