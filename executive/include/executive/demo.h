// Boot-time demonstrations selected with `demo=NAME` (see README.md): user
// programs from the initial ramdisk started as microcore tasks.
#pragma once

#include <string_view>

namespace executive {

// Starts the demo's tasks and, where it has one, its monitor thread.
// Logs and returns for an unknown name or a missing ramdisk.
void start_demo(std::string_view name);

}  // namespace executive
