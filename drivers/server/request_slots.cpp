// Request slots of the driver server (see request_slots.h).
#include "request_slots.h"

namespace drvserver {

namespace {

constexpr int kSlots = 32;  // the kernel's DeviceObject::kSlots
drivers::IoRequest g_slots[kSlots];
bool g_used[kSlots];

}  // namespace

drivers::IoRequest* take_slot() {
  for (int i = 0; i < kSlots; ++i) {
    if (g_used[i]) continue;
    g_used[i] = true;
    return &g_slots[i];
  }
  return nullptr;
}

void release_slot(drivers::IoRequest& request) {
  // Addresses as integers: comparing pointers outside the array is not C++.
  uintptr_t offset = reinterpret_cast<uintptr_t>(&request) - reinterpret_cast<uintptr_t>(g_slots);
  if (offset < sizeof g_slots && offset % sizeof g_slots[0] == 0)
    g_used[offset / sizeof g_slots[0]] = false;
}

}  // namespace drvserver
