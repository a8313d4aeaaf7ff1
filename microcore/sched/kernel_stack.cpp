#include "microcore/kernel_stack.h"

#include "hal/memory_layout.h"
#include "hal/paging.h"
#include "microcore/physical_memory.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr uint64_t kSlotSize = kKernelStackSize + hal::kPageSize;  // guard + stack
constexpr uint32_t kMaxSlots = 8192;
constexpr uint64_t kStackPages = kKernelStackSize / hal::kPageSize;

struct SlotTable {
  uint64_t used[kMaxSlots / 64] = {};
  uint32_t hint = 0;
};
// Which stack slots are taken.
rtl::SpinlockProtected<SlotTable> g_slots;

uintptr_t slot_base(uint32_t slot) { return hal::kKernelStackArea + slot * kSlotSize + hal::kPageSize; }

}  // namespace

rtl::Result<KernelStack> allocate_kernel_stack() {
  int64_t slot = g_slots.with([](SlotTable& t) -> int64_t {
    for (uint32_t n = 0; n < kMaxSlots; ++n) {
      uint32_t i = (t.hint + n) % kMaxSlots;
      if (!(t.used[i / 64] & (1ull << (i % 64)))) {
        t.used[i / 64] |= 1ull << (i % 64);
        t.hint = i + 1;
        return i;
      }
    }
    return -1;
  });
  if (slot < 0) return rtl::Error(rtl::Errc::no_memory, "no kernel stack slots left");
  KernelStack stack{static_cast<uint32_t>(slot), slot_base(static_cast<uint32_t>(slot))};
  for (uint64_t page = 0; page < kStackPages; ++page) {
    auto frame = allocate_frame();
    auto mapped = frame.is_ok() ? hal::paging::map_kernel_page(stack.base + page * hal::kPageSize, frame.value())
                                : rtl::Result<void>(frame.error());
    if (mapped.is_error()) {
      if (frame.is_ok()) free_frame(frame.value());
      for (uint64_t undo = 0; undo < page; ++undo)
        if (auto pa = hal::paging::unmap_kernel_page(stack.base + undo * hal::kPageSize); pa.is_ok())
          free_frame(pa.value());
      g_slots.with([&](SlotTable& t) { t.used[slot / 64] &= ~(1ull << (slot % 64)); });
      return mapped.error();
    }
  }
  return stack;
}

void free_kernel_stack(const KernelStack& stack) {
  for (uint64_t page = 0; page < kStackPages; ++page)
    if (auto pa = hal::paging::unmap_kernel_page(stack.base + page * hal::kPageSize); pa.is_ok())
      free_frame(pa.value());
  g_slots.with([&](SlotTable& t) { t.used[stack.slot / 64] &= ~(1ull << (stack.slot % 64)); });
}

}  // namespace microcore
