// The device registry and the memory devices: null swallows writes and reads
// as end of file; zero reads as zeros and swallows writes.
#include "bsdlayer/vfs/char_device.h"

#include <cstring>

#include "bsdlayer/linux/stat.h"

namespace bsdlayer {

SysResult<void> CharDeviceRegistry::add(const CharDevice& device) {
  if (find(device.major, device.minor)) return sys_error(LINUX_EEXIST);
  if (count_ == kCapacity) return sys_error(LINUX_ENOSPC);
  devices_[count_++] = device;
  return {};
}

const CharDevice* CharDeviceRegistry::find(uint32_t major, uint32_t minor) const {
  for (size_t i = 0; i < count_; ++i)
    if (devices_[i].major == major && devices_[i].minor == minor) return &devices_[i];
  return nullptr;
}

const CharDevice* CharDeviceRegistry::find_rdev(uint64_t rdev) const {
  return find(linux_major(rdev), linux_minor(rdev));
}

namespace {

SysResult<size_t> null_read(void*, uint64_t, void*, size_t, uint32_t) { return size_t{0}; }
SysResult<size_t> swallow_write(void*, uint64_t, const void*, size_t length, uint32_t) {
  return length;
}
SysResult<size_t> zero_read(void*, uint64_t, void* buffer, size_t length, uint32_t) {
  memset(buffer, 0, length);
  return length;
}

}  // namespace

SysResult<void> register_memory_devices(CharDeviceRegistry& registry) {
  SYS_TRY(registry.add({"null", 1, 3, 0666, null_read, swallow_write, nullptr}));
  SYS_TRY(registry.add({"zero", 1, 5, 0666, zero_read, swallow_write, nullptr}));
  return {};
}

}  // namespace bsdlayer
