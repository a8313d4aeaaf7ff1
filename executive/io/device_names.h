// The I/O manager's names in the object namespace (see io_manager.h for
// what they are; device_names.cpp for how they are made).
#pragma once

#include "device_object.h"
#include "rtl/result.h"

namespace executive::io {

// \ObjectTypes\Device and \ObjectTypes\Driver; once, at boot.
rtl::Result<void> register_object_types();

// \Device\<name>, the \??\<name> link to it, and \Driver\<kind> if this is
// the kind's first device. The namespace's references keep the names for
// as long as the device object lives: until power-off.
rtl::Result<void> name_device(DeviceObject& device);

}  // namespace executive::io
