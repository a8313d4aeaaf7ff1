// The object manager: the system's one object namespace and its standard
// directories, as on NT:
//
//   \Device       a device object per device (the I/O manager's)
//   \Driver       a driver object per driver kind in use
//   \??           links from short names to devices (\??\blk0 -> \Device\blk0),
//                 NT's DosDevices, which Win32's "C:" names resolve through
//   \ObjectTypes  a Type object per object type in use
//
// /proc/objects shows the whole tree (format_object_table), WinObj-like.
#pragma once

#include <cstddef>

#include "executive/object_namespace.h"
#include "executive/object_type.h"
#include "rtl/result.h"

namespace executive::ob {

// The system's namespace. Filled at boot by init_object_manager (before
// the I/O manager names its devices); usable from any context after.
ObjectNamespace& object_namespace();
rtl::Result<void> init_object_manager();

// The standard directories and the object manager's own types, in `names`
// (whose root exists). Split from init_object_manager for the host tests.
rtl::Result<void> create_standard_directories(ObjectNamespace& names);

// Names `type` as \ObjectTypes\<name>; already_exists if it is there.
rtl::Result<void> register_type(ObjectNamespace& names, const ObjectType& type);

// A header line, then one line per object: path, type, references, and
// "-> target" for links. Returns the length the whole table needs, which
// exceeds `capacity` when it did not fit (only whole lines are stored).
size_t format_object_table(const ObjectNamespace& names, char* out, size_t capacity);

}  // namespace executive::ob
