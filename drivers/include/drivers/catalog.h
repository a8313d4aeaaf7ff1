// The catalog: every driver Amphi has, compiled into the kernel and into the
// driver server alike, so any instance can be started in either mode.
#pragma once

#include <cstddef>
#include <string_view>

#include "drivers/driver.h"

namespace drivers {

extern const DriverKind kNullDriver;
extern const DriverKind kPs2KeyboardDriver;
extern const DriverKind kRamDiskDriver;
extern const DriverKind kUartDriver;
extern const DriverKind kVirtioBlockDriver;

// Looks a driver up by name ("virtio-blk"); null when there is none.
const DriverKind* find_driver_kind(std::string_view name);

}  // namespace drivers
