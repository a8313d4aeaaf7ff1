// FrameSource: physical page frames for the VM (the glue: the buddy
// allocator plus the direct map for zeroing and copying; tests: malloc).
//
// No reference counts here, by design: in this VM every frame of an
// anonymous VmObject is owned by exactly one object, and sharing happens at
// the object level (shadow chains, VmObject is ref-counted). A frame is
// freed when the object that owns it drops it. Frames of physical objects
// (MMIO, DMA) never come from or go back to a FrameSource.
#pragma once

#include <cstdint>

#include "rtl/result.h"

namespace microcore::vm {

class FrameSource {
 public:
  // A zero-filled 4 KiB frame, or Errc::no_memory.
  virtual rtl::Result<uint64_t> allocate_zeroed() = 0;
  virtual void free(uint64_t physical) = 0;
  // Copies the 4 KiB of frame `source` into frame `destination`.
  virtual void copy(uint64_t destination, uint64_t source) = 0;

 protected:
  FrameSource() = default;
  ~FrameSource() = default;
};

}  // namespace microcore::vm
