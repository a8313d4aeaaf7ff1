// OpenFile I/O: access-mode checks, the shared offset, and dispatch to the
// vnode's filesystem or, for character devices, to the bound driver.
#include "bsdlayer/vfs/open_file.h"

#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/vfs/dirent_writer.h"

namespace bsdlayer {

OpenFile::~OpenFile() {
  if (device_ && device_->open && device_->release) device_->release(device_state_);
}

void* OpenFile::device_context() const {
  if (!device_) return nullptr;
  return device_->open ? device_state_ : device_->context;
}

void OpenFile::set_status_flags(uint32_t flags) {
  flags_ = (flags_ & ~LINUX_SETFL_MASK) | (flags & LINUX_SETFL_MASK);
}

bool OpenFile::readable() const {
  uint32_t mode = flags_ & LINUX_O_ACCMODE;
  return mode == LINUX_O_RDONLY || mode == LINUX_O_RDWR;
}

bool OpenFile::writable() const {
  uint32_t mode = flags_ & LINUX_O_ACCMODE;
  return mode == LINUX_O_WRONLY || mode == LINUX_O_RDWR;
}

SysResult<size_t> OpenFile::read_at(uint64_t offset, void* buffer, size_t length) {
  if (!readable()) return sys_error(LINUX_EBADF);
  if (device_) return device_->read(device_context(), offset, buffer, length, flags_);
  return vnode_->ops().read(*vnode_, offset, buffer, length);
}

SysResult<size_t> OpenFile::write_at(uint64_t offset, const void* buffer, size_t length) {
  if (!writable()) return sys_error(LINUX_EBADF);
  if (device_) return device_->write(device_context(), offset, buffer, length, flags_);
  return vnode_->ops().write(*vnode_, offset, buffer, length);
}

SysResult<size_t> OpenFile::read(void* buffer, size_t length) {
  size_t count = SYS_TRY(read_at(offset_, buffer, length));
  offset_ += count;
  return count;
}

SysResult<size_t> OpenFile::write(const void* buffer, size_t length) {
  if (!writable()) return sys_error(LINUX_EBADF);
  if ((flags_ & LINUX_O_APPEND) && !device_) offset_ = vnode_->size;
  size_t count = SYS_TRY(write_at(offset_, buffer, length));
  offset_ += count;
  return count;
}

SysResult<size_t> OpenFile::move_user(int64_t offset, uint64_t user, size_t length, bool writing) {
  if (writing ? !writable() : !readable()) return sys_error(LINUX_EBADF);
  if (!moves_user_memory()) return sys_error(LINUX_EINVAL);
  uint64_t at = offset < 0 ? offset_ : uint64_t(offset);
  auto move = writing ? device_->write_user : device_->read_user;
  size_t count = SYS_TRY(move(device_context(), at, user, length, flags_));
  if (offset < 0) offset_ += count;
  return count;
}

SysResult<uint64_t> OpenFile::seek(int64_t offset, int whence) {
  if (vnode_->type() == VnodeType::fifo) return sys_error(LINUX_ESPIPE);
  int64_t base;
  switch (whence) {
    case LINUX_SEEK_SET: base = 0; break;
    case LINUX_SEEK_CUR: base = static_cast<int64_t>(offset_); break;
    case LINUX_SEEK_END: base = static_cast<int64_t>(vnode_->size); break;
    default: return sys_error(LINUX_EINVAL);
  }
  int64_t target;
  if (__builtin_add_overflow(base, offset, &target)) return sys_error(LINUX_EOVERFLOW);
  if (target < 0) return sys_error(LINUX_EINVAL);
  // A directory offset is a readdir cookie: only positions handed out
  // (or 0) make sense, which is the caller's business, as on Linux.
  offset_ = static_cast<uint64_t>(target);
  return offset_;
}

SysResult<size_t> OpenFile::read_directory(void* buffer, size_t capacity) {
  if (!vnode_->is_directory()) return sys_error(LINUX_ENOTDIR);
  DirentWriter writer(buffer, capacity);
  uint64_t cookie = offset_;
  SYS_TRY(vnode_->ops().readdir(*vnode_, cookie, writer));
  if (writer.count() == 0) {
    // Nothing emitted: either the end, or the next record does not fit.
    uint8_t probe[280];
    DirentWriter big(probe, sizeof probe);
    uint64_t probe_cookie = offset_;
    SYS_TRY(vnode_->ops().readdir(*vnode_, probe_cookie, big));
    if (big.count() != 0) return sys_error(LINUX_EINVAL);
  }
  offset_ = cookie;
  return writer.used();
}

SysResult<void> OpenFile::truncate(uint64_t size) {
  if (!writable()) return sys_error(LINUX_EINVAL);
  if (vnode_->is_directory()) return sys_error(LINUX_EISDIR);
  if (vnode_->type() != VnodeType::regular) return sys_error(LINUX_EINVAL);
  return vnode_->ops().truncate(*vnode_, size);
}

}  // namespace bsdlayer
