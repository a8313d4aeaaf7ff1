// How a driver server takes requests from its RequestRing (request_ring.h):
// each goes straight into a slot the driver keeps it in, then to the driver.
//
// The kernel may queue more at any moment: the server can be preempted by a
// client that submits. So the ring is looked at once per request, and a
// request is refused only when no slot is left for it. A request queued
// after the last look stays in the ring for the next pass (the server
// empties the ring again before it sleeps), never refused for its timing:
// that mistake once failed a real request with EIO whenever a submission
// landed between a server's last look and its overflow check.
//
// Host-tested (tests/host/drivers_request_intake_test.cpp); drvserver's
// main loop is the user.
#pragma once

#include "drivers/io_request.h"

namespace drivers {

// `source`: request_waiting() and take_request(IoRequest*) (the ring's
// consumer side). `take_slot()`: a free IoRequest* or null. `submit(slot)`
// hands a filled slot on. `refuse(request)`: a request no slot was left
// for (the kernel never has more in flight than its own slots, so only a
// broken kernel gets there).
template <typename Source, typename TakeSlot, typename Submit, typename Refuse>
void take_queued_requests(Source& source, TakeSlot&& take_slot, Submit&& submit, Refuse&& refuse) {
  while (source.request_waiting()) {
    IoRequest* slot = take_slot();
    if (!slot) {
      IoRequest overflow;
      if (source.take_request(&overflow)) refuse(overflow);
      continue;
    }
    if (!source.take_request(slot)) return;  // only this loop takes: it was there
    submit(*slot);
  }
}

}  // namespace drivers
