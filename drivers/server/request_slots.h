// Where a server keeps the requests its driver holds: a driver may complete
// a request long after submit() returned (a device interrupt finishes it),
// so each request taken from the ring is copied into a slot that lives until complete().
// Single-threaded like the rest of the server.
#pragma once

#include "drivers/io_request.h"

namespace drvserver {

// A free slot for the next request, or null when all are in use (the
// kernel never has more in flight than its own slots: a broken kernel).
drivers::IoRequest* take_slot();
// `request` must be a slot take_slot returned; other addresses are ignored.
void release_slot(drivers::IoRequest& request);

}  // namespace drvserver
