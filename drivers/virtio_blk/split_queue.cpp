// The split virtqueue (see drivers/virtio/split_queue.h).
#include "drivers/virtio/split_queue.h"

namespace drivers::virtio {
namespace {

struct UsedElement {
  uint32_t id;
  uint32_t length;
};

}  // namespace

bool SplitQueue::init(Memory memory, uint16_t size) {
  if (size == 0 || size > kMaxSize || (size & (size - 1))) return false;
  if (!memory.cpu || memory.size < bytes_for(size) || (memory.device & 15)) return false;
  memory_ = memory;
  size_ = size;
  table_ = reinterpret_cast<Descriptor*>(memory.cpu);
  avail_ = reinterpret_cast<uint16_t*>(memory.cpu + avail_offset(size));
  used_ = memory.cpu + used_offset(size);
  for (uint16_t i = 0; i < size; ++i) {
    table_[i] = Descriptor{0, 0, 0, uint16_t(i + 1)};
    chain_length_[i] = 0;
  }
  avail_[0] = 0;  // flags: we want interrupts
  interrupts_suppressed_ = false;
  avail_[1] = 0;
  free_head_ = 0;
  free_count_ = size;
  avail_index_ = 0;
  used_index_ = 0;
  return true;
}

int32_t SplitQueue::add(const Segment* segments, uint16_t count) {
  if (count == 0 || count > free_count_) return -1;
  uint16_t head = free_head_;
  uint16_t index = head;
  for (uint16_t i = 0; i < count; ++i) {
    Descriptor& d = table_[index];
    uint16_t following = d.next;  // the free list's link
    d.address = segments[i].address;
    d.length = segments[i].length;
    d.flags = uint16_t((segments[i].device_writes ? kDescriptorDeviceWrites : 0) | (i + 1 < count ? kDescriptorNext : 0));
    if (i + 1 < count) {
      d.next = following;
      index = following;
    } else {
      free_head_ = following;
    }
  }
  free_count_ = uint16_t(free_count_ - count);
  chain_length_[head] = count;
  avail_[2 + (avail_index_ & (size_ - 1))] = head;
  ++avail_index_;
  // The device may read the index at any time: the chain must be visible first.
  __atomic_store_n(&avail_[1], avail_index_, __ATOMIC_RELEASE);
  return head;
}

bool SplitQueue::take_used(UsedChain* chain) {
  auto* used_index = reinterpret_cast<uint16_t*>(used_ + 2);
  auto* elements = reinterpret_cast<UsedElement*>(used_ + 4);
  for (;;) {
    if (__atomic_load_n(used_index, __ATOMIC_ACQUIRE) == used_index_) return false;
    UsedElement element = elements[used_index_ & (size_ - 1)];
    ++used_index_;
    if (element.id >= size_ || chain_length_[element.id] == 0) {
      ++bogus_used_;  // not a chain we handed out: ignore it
      continue;
    }
    auto head = static_cast<uint16_t>(element.id);
    // Walk the chain by our own record of its length (the table is read-only
    // to the device, so the links are the ones add() wrote): its
    // descriptors still link to each other, the last one joins the free list.
    uint16_t last = head;
    for (uint16_t i = 1; i < chain_length_[head]; ++i) last = table_[last].next;
    table_[last].next = free_head_;
    free_head_ = head;
    free_count_ = uint16_t(free_count_ + chain_length_[head]);
    chain_length_[head] = 0;
    *chain = UsedChain{head, element.length};
    return true;
  }
}

void SplitQueue::suppress_interrupts() {
  if (interrupts_suppressed_) return;
  interrupts_suppressed_ = true;
  __atomic_store_n(&avail_[0], kAvailNoInterrupt, __ATOMIC_RELAXED);
}

// Dekker's handshake with the device, which publishes a used entry, fences,
// then reads our flags to decide whether to interrupt: we clear the flag,
// fence, then read its index. Either it sees the flag clear and interrupts,
// or we see the entry.
bool SplitQueue::enable_interrupts() {
  interrupts_suppressed_ = false;
  __atomic_store_n(&avail_[0], uint16_t{0}, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return __atomic_load_n(reinterpret_cast<const uint16_t*>(used_ + 2), __ATOMIC_ACQUIRE) !=
         used_index_;
}

bool SplitQueue::device_wants_notification() const {
  // Order our published index before reading the device's flags.
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return !(__atomic_load_n(reinterpret_cast<const uint16_t*>(used_), __ATOMIC_RELAXED) & kUsedNoNotify);
}

}  // namespace drivers::virtio
