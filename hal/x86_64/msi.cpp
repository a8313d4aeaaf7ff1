// MSI vectors (hal/message_signal.h): a small allocator over the block
// kFirstVector .. kFirstVector + kVectorCount - 1, which nothing else routes.
//
// Every message targets the boot CPU (Amphi runs device interrupts there,
// as it does the I/O APIC's lines). A vector's handler is installed before
// its message is handed out and removed only after the caller has stopped
// the device raising it, so the dispatcher never sees a half-set slot.
#include "hal/message_signal.h"

#include "hal/interrupt_controller.h"
#include "rtl/spinlock.h"

namespace hal::msi {
namespace {

static_assert(kVectorCount <= 32, "the taken set is one 32-bit mask");
static_assert(kFirstVector >= kFirstDeviceVector && kFirstVector + kVectorCount <= kSpuriousVector);

// Bit i set: vector kFirstVector + i belongs to someone.
rtl::SpinlockProtected<uint32_t> g_taken;

}  // namespace

rtl::Result<uint8_t> allocate_vector(InterruptHandler handler, void* context) {
  if (!handler) return rtl::Error(rtl::Errc::invalid_argument, "an MSI vector needs a handler");
  int index = g_taken.with([&](uint32_t& taken) {
    for (int i = 0; i < kVectorCount; ++i) {
      if (taken & (1u << i)) continue;
      // A vector with a handler installed behind the allocator's back is
      // not ours to give: mark it taken for good and look further.
      taken |= 1u << i;
      if (set_interrupt_handler(static_cast<uint8_t>(kFirstVector + i), handler, context)) return i;
    }
    return -1;
  });
  if (index < 0) return rtl::Error(rtl::Errc::no_memory, "all MSI vectors are taken");
  return static_cast<uint8_t>(kFirstVector + index);
}

void release_vector(uint8_t vector) {
  if (vector < kFirstVector || vector >= kFirstVector + kVectorCount) return;
  (void)set_interrupt_handler(vector, nullptr, nullptr);
  g_taken.with([&](uint32_t& taken) { taken &= ~(1u << (vector - kFirstVector)); });
}

Message message_for(uint8_t vector) { return encode_message(interrupt_controller::local_apic_id(), vector); }

}  // namespace hal::msi
