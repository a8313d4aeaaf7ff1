// devfs population; see devfs.h.
#include "bsdlayer/vfs/devfs.h"

#include <cstring>

#include "bsdlayer/linux/stat.h"
#include "bsdlayer/vfs/tmpfs.h"

namespace bsdlayer {

SysResult<void> add_device_node(FileSystem& devfs, const CharDevice& device) {
  Vnode& root = *devfs.root;
  SYS_TRY(root.ops().mknod(root, std::string_view(device.name, strlen(device.name)),
                           LINUX_S_IFCHR | (device.permissions & 07777),
                           linux_makedev(device.major, device.minor)));
  return {};
}

SysResult<rtl::OwnPtr<FileSystem>> create_devfs(uint64_t device, Clock clock,
                                                const CharDeviceRegistry& registry) {
  rtl::OwnPtr<FileSystem> fs = SYS_TRY(create_tmpfs(device, clock, 0755, 0, "devtmpfs"));
  for (size_t i = 0; i < registry.size(); ++i) SYS_TRY(add_device_node(*fs, registry[i]));
  return fs;
}

}  // namespace bsdlayer
