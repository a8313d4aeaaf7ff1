// The VM's view of physical memory in the kernel: frames from the page-frame
// allocator, zeroed and copied through the direct map.
#include <cstring>

#include "hal/memory_layout.h"
#include "microcore/address_map_glue.h"
#include "microcore/physical_memory.h"

namespace microcore {
namespace {

class KernelFrameSource final : public vm::FrameSource {
 public:
  rtl::Result<uint64_t> allocate_zeroed() override {
    uint64_t frame = TRY(allocate_frame());
    std::memset(hal::phys_to_ptr<void>(frame), 0, hal::kPageSize);
    return frame;
  }
  void free(uint64_t physical) override { free_frame(physical); }
  void copy(uint64_t destination, uint64_t source) override {
    std::memcpy(hal::phys_to_ptr<void>(destination), hal::phys_to_ptr<const void>(source), hal::kPageSize);
  }
};

KernelFrameSource g_frame_source;

}  // namespace

vm::FrameSource& kernel_frame_source() { return g_frame_source; }

}  // namespace microcore
