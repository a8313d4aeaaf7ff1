// /dev nodes for the I/O manager's devices (/dev/blk0, /dev/rd0,
// /dev/null0) and /dev/drvctl, the control file drvctl talks to.
#pragma once

#include "rtl/result.h"

namespace bsdlayer::driver_devices {

rtl::Result<void> init();
// sync(2): every block device's write cache goes to its medium. Sleeps.
void sync_all();

}  // namespace bsdlayer::driver_devices
