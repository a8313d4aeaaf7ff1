// OpenFile: an open file description (Linux's struct file): the vnode, the
// offset and the status flags, shared by every descriptor dup'd or
// inherited from the one open() made, so they move one offset together.
//
// flags() holds the access mode (O_RDONLY/O_WRONLY/O_RDWR) and the status
// flags (O_APPEND, O_NONBLOCK, ...), never creation flags or O_CLOEXEC (that
// one belongs to the descriptor, in FdTable). Character devices are bound
// to their driver at open time (`device`), with the state the driver's
// CharDevice::open made for this description, if it has that hook; the
// destructor hands that state to CharDevice::release. Buffers are kernel
// memory. No locks: callers serialize (see vnode.h).
#pragma once

#include <cstddef>
#include <cstdint>

#include "bsdlayer/linux/stat.h"
#include "bsdlayer/vfs/char_device.h"
#include "bsdlayer/vfs/vnode.h"

namespace bsdlayer {

class OpenFile : public rtl::RefCounted<OpenFile> {
 public:
  // `device_state`: what device->open returned (only for devices with that
  // hook); this OpenFile owns it from here on and releases it when it dies.
  OpenFile(rtl::RefPtr<Vnode> vnode, uint32_t flags, const CharDevice* device,
           void* device_state = nullptr)
      : vnode_(std::move(vnode)), device_(device), device_state_(device_state), flags_(flags) {}
  ~OpenFile();

  Vnode& vnode() const { return *vnode_; }
  const rtl::RefPtr<Vnode>& vnode_ref() const { return vnode_; }
  uint32_t flags() const { return flags_; }
  // F_SETFL: only LINUX_SETFL_MASK bits change.
  void set_status_flags(uint32_t flags);
  bool readable() const;
  bool device_sleeps() const { return device_ && device_->sleeps; }
  bool writable() const;
  uint64_t offset() const { return offset_; }

  // read/write at the shared offset and advance it; O_APPEND writes at the end.
  SysResult<size_t> read(void* buffer, size_t length);
  SysResult<size_t> write(const void* buffer, size_t length);
  // pread/pwrite: at `offset`, the shared one untouched (ESPIPE on fifos).
  SysResult<size_t> read_at(uint64_t offset, void* buffer, size_t length);
  SysResult<size_t> write_at(uint64_t offset, const void* buffer, size_t length);
  // Devices with user-memory entry points (CharDevice::read_user; only
  // sleeping devices, called without the VFS lock, may touch user memory):
  // `user` is an address in the calling task; offset < 0 uses and advances
  // the shared offset, as read/write do.
  bool moves_user_memory() const { return device_sleeps() && device_->read_user && device_->write_user; }
  // The bound sleeping device (null for others): its sync and control entries
  // are called without the VFS lock.
  const CharDevice* sleeping_device() const { return device_sleeps() ? device_ : nullptr; }
  // The context argument for the bound device's calls: this description's
  // own state when the device keeps one per open, else the device's.
  void* device_context() const;
  SysResult<size_t> read_user(int64_t offset, uint64_t user, size_t length) {
    return move_user(offset, user, length, false);
  }
  SysResult<size_t> write_user(int64_t offset, uint64_t user, size_t length) {
    return move_user(offset, user, length, true);
  }
  SysResult<uint64_t> seek(int64_t offset, int whence);
  // getdents64: the offset is the directory cookie. EINVAL if not even one
  // record fits, 0 at the end.
  SysResult<size_t> read_directory(void* buffer, size_t capacity);
  SysResult<void> truncate(uint64_t size);  // ftruncate
  linux_stat stat() const { return to_linux_stat(vnode_->attributes()); }

 private:
  SysResult<size_t> move_user(int64_t offset, uint64_t user, size_t length, bool writing);

  rtl::RefPtr<Vnode> vnode_;
  const CharDevice* device_;
  void* device_state_;
  uint32_t flags_;
  uint64_t offset_ = 0;
};

}  // namespace bsdlayer
