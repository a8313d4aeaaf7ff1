// Request slots of the driver server (see request_slots.h).
#include "request_slots.h"

#include "drivers/request_slots.h"

namespace drvserver {

namespace {

drivers::RequestSlots g_slots;

}  // namespace

drivers::IoRequest* take_slot() {
  return g_slots.take();
}

void release_slot(drivers::IoRequest& request) {
  g_slots.release(request);
}

}  // namespace drvserver
