// The kernel's random-number generator (random_device.cpp): behind
// /dev/urandom, /dev/random and getrandom(2).
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace bsdlayer::random_device {

// Seeds the generator and registers /dev/random (1:8) and /dev/urandom (1:9).
rtl::Result<void> init();
// Fills `buffer`; the caller holds the process lock (BsdLock).
void fill_locked(void* buffer, size_t length);
// Same, taking the lock.
void fill(void* buffer, size_t length);

}  // namespace bsdlayer::random_device
