// KernelMessage allocation and destruction. One heap block per message:
// [KernelMessage][CarriedItem x descriptors][bytes], so a message costs one
// allocation and freeing it cannot fail halfway.
#include "microcore/ipc/kernel_message.h"

#include <new>

#include "microcore/ipc/rights.h"
#include "rtl/alloc.h"

namespace microcore::ipc {

namespace {
constexpr size_t align16(size_t n) { return (n + 15) & ~size_t(15); }
}  // namespace

KernelMessage* allocate_message(mach_msg_size_t size, uint32_t descriptors) {
  size_t items_offset = align16(sizeof(KernelMessage));
  size_t bytes_offset = align16(items_offset + size_t(descriptors) * sizeof(CarriedItem));
  size_t total = bytes_offset + size;
  void* memory = rtl::allocate(total, 16);
  if (!memory) return nullptr;
  auto* message = new (memory) KernelMessage();
  message->allocation_bytes = total;
  message->size = size;
  message->descriptor_count = descriptors;
  message->items = reinterpret_cast<CarriedItem*>(static_cast<uint8_t*>(memory) + items_offset);
  for (uint32_t i = 0; i < descriptors; ++i) new (&message->items[i]) CarriedItem();
  message->bytes = static_cast<uint8_t*>(memory) + bytes_offset;
  return message;
}

void free_message_shell(KernelMessage* message) {
  RTL_ASSERT(!message->queue_node.is_linked());
  size_t total = message->allocation_bytes;
  message->~KernelMessage();
  rtl::deallocate(message, total, 16);
}

void destroy_message(KernelMessage* message) {
  if (!message) return;
  release_right(message->dest);
  release_right(message->reply);
  for (uint32_t i = 0; i < message->descriptor_count; ++i) {
    CarriedItem& item = message->items[i];
    release_right(item.right);
    if (item.ool && item.discard) item.discard(item.ool);
    item.ool = 0;
  }
  free_message_shell(message);
}

}  // namespace microcore::ipc
