// Bringing the microcore up, and what the layers above may ask of it.
#pragma once

#include <cstdint>

#include "rtl/result.h"

namespace microcore {

// After physical memory and the HAL's timer exist: the scheduler (the
// calling context becomes the kernel's boot thread), the exception and
// system-call entry points, and the tick.
void init();

// Mach traps are one personality; bsdlayer registers the other through
// microcore/personality.h (numbers below AMPHI_MACH_TRAP_BASE).

}  // namespace microcore
