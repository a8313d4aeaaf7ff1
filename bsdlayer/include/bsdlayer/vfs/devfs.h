// devfs: a tmpfs (type "devtmpfs", as Linux's) holding one character-device
// node per registered driver. Nodes are plain vnodes with an rdev, so
// opening one goes through the registry like any device node (char_device.h);
// add_device_node() is how devices registered after mounting appear.
#pragma once

#include "bsdlayer/vfs/char_device.h"
#include "bsdlayer/vfs/file_system.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {

SysResult<rtl::OwnPtr<FileSystem>> create_devfs(uint64_t device, Clock clock,
                                                const CharDeviceRegistry& registry);
SysResult<void> add_device_node(FileSystem& devfs, const CharDevice& device);

}  // namespace bsdlayer
