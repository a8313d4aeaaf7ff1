// The driver server's request slots (drivers/request_slots.h): one set for
// the one driver instance a server runs.
#pragma once

#include "drivers/io_request.h"

namespace drvserver {

// A free slot for the next request, or null when all are in use.
drivers::IoRequest* take_slot();
// `request` must be a slot take_slot returned; other addresses are ignored.
void release_slot(drivers::IoRequest& request);

}  // namespace drvserver
