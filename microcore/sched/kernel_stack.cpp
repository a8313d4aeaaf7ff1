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

// Slots are handed out lowest-first and a freed slot is the next one
// reused. That keeps the stacks packed at the bottom of the area, so the
// kernel page-table pages that map it (allocated on first use of each 2 MiB
// and kept, like all kernel page tables) stay bounded by the most threads
// ever alive at once. Handing slots out round-robin instead walked all 8192
// slots over time and grew one table page per 2 MiB of the 160 MiB area:
// about 80 pages lost to task/thread churn alone.
struct SlotTable {
  uint64_t used[kMaxSlots / 64] = {};
  uint32_t lowest_free = 0;  // every slot below it is in use
};
// Which stack slots are taken.
rtl::SpinlockProtected<SlotTable> g_slots;

void release_slot(SlotTable& t, uint32_t slot) {
  t.used[slot / 64] &= ~(1ull << (slot % 64));
  if (slot < t.lowest_free) t.lowest_free = slot;
}

uintptr_t slot_base(uint32_t slot) { return hal::kKernelStackArea + slot * kSlotSize + hal::kPageSize; }

}  // namespace

rtl::Result<KernelStack> allocate_kernel_stack() {
  int64_t slot = g_slots.with([](SlotTable& t) -> int64_t {
    for (uint32_t word = t.lowest_free / 64; word < kMaxSlots / 64; ++word) {
      if (t.used[word] == ~0ull) continue;
      uint32_t i = word * 64 + static_cast<uint32_t>(__builtin_ctzll(~t.used[word]));
      t.used[word] |= 1ull << (i % 64);
      t.lowest_free = i + 1;
      return i;
    }
    t.lowest_free = kMaxSlots;
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
      g_slots.with([&](SlotTable& t) { release_slot(t, static_cast<uint32_t>(slot)); });
      return mapped.error();
    }
  }
  return stack;
}

void free_kernel_stack(const KernelStack& stack) {
  for (uint64_t page = 0; page < kStackPages; ++page)
    if (auto pa = hal::paging::unmap_kernel_page(stack.base + page * hal::kPageSize); pa.is_ok())
      free_frame(pa.value());
  g_slots.with([&](SlotTable& t) { release_slot(t, stack.slot); });
}

}  // namespace microcore
