// Character devices: drivers register read/write functions under a
// (major, minor) pair; device vnodes of any filesystem carry only the pair
// (rdev), and open() binds the OpenFile to the registered driver, as Linux's
// cdev map does. ENXIO when nothing is registered for the pair.
//
// /dev/null (1,3) and /dev/zero (1,5) are portable and registered by
// register_memory_devices(); the console, ttys and urandom are registered by
// kernel code. The registry is a fixed table: registering never allocates.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bsdlayer/vfs/sys_result.h"

namespace microcore {
struct WaitQueue;
}

namespace bsdlayer {

struct CharDevice {
  const char* name;  // the node devfs creates: "null"
  uint32_t major;
  uint32_t minor;
  uint32_t permissions;  // of that node: 0666
  // `flags` are the OpenFile's status flags (O_NONBLOCK matters to ttys).
  SysResult<size_t> (*read)(void* context, uint64_t offset, void* buffer, size_t length,
                            uint32_t flags);
  SysResult<size_t> (*write)(void* context, uint64_t offset, const void* buffer, size_t length,
                             uint32_t flags);
  void* context;
  // The functions sleep until the device answers (the I/O manager's block
  // and driver devices): they are called without the VFS lock, interrupts
  // on, like Linux's file operations. Otherwise they must not block and run
  // under the VFS lock (memory devices, ttys that answer EAGAIN).
  bool sleeps = false;
  // Optional, for sleeping devices that move data straight between the
  // caller's user memory and their own (the I/O manager's driver devices):
  // one copy, no kernel bounce buffer. `user` is an address in the calling
  // task; a bad one is EFAULT. read()/write() still serve kernel callers.
  SysResult<size_t> (*read_user)(void* context, uint64_t offset, uint64_t user, size_t length,
                                 uint32_t flags) = nullptr;
  SysResult<size_t> (*write_user)(void* context, uint64_t offset, uint64_t user, size_t length,
                                  uint32_t flags) = nullptr;
  // Optional, sleeping devices: fsync's write-back, and ioctl requests the
  // device answers itself (ENOTTY for the rest). `argument` is a user
  // address or value, as the request defines.
  SysResult<void> (*sync)(void* context) = nullptr;
  SysResult<size_t> (*control)(void* context, uint32_t request, uint64_t argument) = nullptr;
  // Optional per-open state (Linux's file->private_data), for devices that
  // keep something for each opener, e.g. a reader's own queue of keys. `open`
  // runs at every open(2) of a node, under the VFS lock (it must not sleep);
  // its error fails the open(2). What it returns replaces `context` in every
  // other call made for that open file description. `release` gets that state
  // exactly once, when the description dies: the last close of all the
  // descriptors dup'd and inherited from it (also under the VFS lock).
  SysResult<void*> (*open)(void* context, uint32_t flags) = nullptr;
  void (*release)(void* open_state) = nullptr;
  // Optional, sleeping devices whose readiness changes (poll, select): the
  // Linux poll bits that hold now (POLLIN, POLLOUT, POLLHUP) and, in
  // `*queue`, the wait queue woken whenever they may have changed. Called
  // under the VFS lock with interrupts off: it must not sleep. Without it a
  // device is always ready, as Linux reports a file with no poll method.
  int16_t (*poll)(void* context, microcore::WaitQueue** queue) = nullptr;
};

class CharDeviceRegistry {
 public:
  static constexpr size_t kCapacity = 64;

  // EEXIST if the pair is taken, ENOSPC if the table is full. The device
  // description is copied.
  SysResult<void> add(const CharDevice& device);
  const CharDevice* find(uint32_t major, uint32_t minor) const;
  const CharDevice* find_rdev(uint64_t rdev) const;

  size_t size() const { return count_; }
  const CharDevice& operator[](size_t index) const { return devices_[index]; }

 private:
  CharDevice devices_[kCapacity] = {};
  size_t count_ = 0;
};

SysResult<void> register_memory_devices(CharDeviceRegistry& registry);

}  // namespace bsdlayer
