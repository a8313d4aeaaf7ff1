#include "hal/backtrace.h"

#include "hal/memory_layout.h"
#include "hal/paging.h"

namespace hal {

size_t walk_stack(uintptr_t rbp, uintptr_t* out, size_t capacity) {
  size_t count = 0;
  while (count < capacity) {
    // A frame is two quadwords: saved rbp, return address. Kernel frames live
    // in the higher half, are 8-aligned and grow towards higher addresses as
    // we walk outwards; anything else ends the walk.
    if (rbp < kDirectMapBase || (rbp & 7) != 0) break;
    if (paging::translate(rbp).is_error() || paging::translate(rbp + 15).is_error()) break;
    auto* frame = reinterpret_cast<const uintptr_t*>(rbp);
    uintptr_t return_address = frame[1];
    if (return_address < kKernelImageBase) break;
    out[count++] = return_address;
    uintptr_t next = frame[0];
    if (next <= rbp) break;
    rbp = next;
  }
  return count;
}

}  // namespace hal
