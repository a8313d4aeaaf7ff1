// MSI vector allocation (see hal/message_signal.h).
#include "hal/interrupt_controller.h"
#include "hal/message_signal.h"
#include "rtl/spinlock.h"

namespace hal::msi {
namespace {
rtl::Spinlock g_lock;  // protects g_taken
bool g_taken[kVectorCount];
}  // namespace

rtl::Result<uint8_t> allocate_vector(InterruptHandler handler, void* context) {
  rtl::SpinlockGuard guard(g_lock);
  for (uint8_t i = 0; i < kVectorCount; ++i) {
    if (g_taken[i]) continue;
    uint8_t vector = kFirstVector + i;
    if (!set_interrupt_handler(vector, handler, context)) continue;  // someone else's
    g_taken[i] = true;
    return vector;
  }
  return rtl::Error(rtl::Errc::no_memory, "no free MSI vector");
}

void release_vector(uint8_t vector) {
  if (vector < kFirstVector || vector >= kFirstVector + kVectorCount) return;
  rtl::SpinlockGuard guard(g_lock);
  set_interrupt_handler(vector, nullptr, nullptr);
  g_taken[vector - kFirstVector] = false;
}

Message message_for(uint8_t vector) {
  // Destination: this CPU's APIC id in bits 19:12; physical mode, fixed
  // delivery, edge-triggered (data bits 15 and 8-10 clear).
  return Message{0xfee00000ull | (uint64_t{interrupt_controller::local_apic_id()} << 12), vector};
}

}  // namespace hal::msi
