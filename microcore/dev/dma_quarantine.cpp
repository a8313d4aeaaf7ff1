// DMA memory of a dead driver, held until its device has been reset.
//
// Why: a driver server that crashes leaves requests in flight at its device.
// Clearing the bus-master bit stops new transactions, but a device may
// still finish what it had started, and an emulated one (QEMU's virtio)
// writes completions through host pointers it mapped when it took the
// request, bus master or not. Were the dead task's DMA frames freed at once,
// those late writes (a status byte, a used-ring entry) would land in
// whatever the allocator gave the frames to next: the replacement server's
// own pages, whose request slots they scribbled over. So the frames wait
// here, out of the allocator, until the device's next driver instance has
// reset it (every PCI driver's start does, before it turns bus mastering
// on again); the executive then calls release_quarantined_dma. A device
// that never comes back keeps its frames: a leak, but never a corruption.
//
// Locking: g_quarantine (interrupts off); frames are freed outside it.
#include "microcore/device_services.h"
#include "microcore/physical_memory.h"
#include "rtl/log.h"
#include "rtl/spinlock.h"
#include "task_devices.h"

namespace microcore {
namespace {

constexpr int kHeldDevices = 8;
constexpr int kHeldAllocations = 2 * kMaxDmaBuffers;  // a dead instance, and the one before it

struct HeldFrames {
  bool used = false;
  uint8_t bus = 0, device = 0, function = 0;
  DmaAllocation allocations[kHeldAllocations] = {};
  int count = 0;
};

rtl::SpinlockProtected<HeldFrames[kHeldDevices]> g_quarantine;

bool same_function(const HeldFrames& held, uint8_t bus, uint8_t device, uint8_t function) {
  return held.used && held.bus == bus && held.device == device && held.function == function;
}

}  // namespace

bool quarantine_dma(const PciGrant& grant, const DmaAllocation* allocations, int count) {
  return g_quarantine.with([&](HeldFrames (&table)[kHeldDevices]) {
    HeldFrames* slot = nullptr;
    for (HeldFrames& held : table)
      if (same_function(held, grant.bus, grant.device, grant.function)) slot = &held;
    for (HeldFrames& held : table)
      if (!slot && !held.used) {
        slot = &held;
        *slot = HeldFrames{true, grant.bus, grant.device, grant.function, {}, 0};
      }
    if (!slot || slot->count + count > kHeldAllocations) return false;
    for (int i = 0; i < count; ++i) slot->allocations[slot->count++] = allocations[i];
    return true;
  });
}

void release_quarantined_dma(uint8_t bus, uint8_t device, uint8_t function) {
  HeldFrames released;
  g_quarantine.with([&](HeldFrames (&table)[kHeldDevices]) {
    for (HeldFrames& held : table) {
      if (!same_function(held, bus, device, function)) continue;
      released = held;
      held = HeldFrames{};
    }
  });
  for (int i = 0; i < released.count; ++i)
    free_frames(released.allocations[i].physical, released.allocations[i].pages);
}

}  // namespace microcore
