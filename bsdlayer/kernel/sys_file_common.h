// Shared by the file system-call groups (sys_file.cpp, sys_path.cpp,
// sys_poll.cpp): user-path and bounce-buffer handling, holding an OpenFile
// across unlocked stretches, and the sleep-and-retry loop for ttys and pipes.
//
// Locking rules these helpers encode: the VFS, descriptor tables and pipes
// are touched only under BsdLock (a spinlock, interrupts off); user memory
// is copied only outside it, through kernel buffers of at most kIoChunk
// bytes; an OpenFile reference is dropped under the lock (its last drop may
// close a pipe end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "bsdlayer/vfs/open_file.h"

namespace bsdlayer::file_calls {

inline constexpr size_t kIoChunk = 4096;

// A heap buffer (kernel stacks are 16 KiB: no 4 KiB arrays on them).
class KernelBuffer {
 public:
  explicit KernelBuffer(size_t size);
  ~KernelBuffer();
  KernelBuffer(const KernelBuffer&) = delete;
  KernelBuffer& operator=(const KernelBuffer&) = delete;
  bool ok() const { return data_ != nullptr; }
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_;
  size_t size_;
};

// A path copied in from user space: EFAULT, ENAMETOOLONG (4096 bytes with
// the NUL), ENOENT for "" unless `allow_empty` (AT_EMPTY_PATH).
class UserPath {
 public:
  UserPath() : buffer_(kLinuxPathMaxBytes) {}
  int64_t copy_in(uint64_t user_address, bool allow_empty = false);
  std::string_view view() const { return {reinterpret_cast<const char*>(buffer_.data()), length_}; }
  const char* c_str() const { return reinterpret_cast<const char*>(buffer_.data()); }
  bool empty() const { return length_ == 0; }

 private:
  static constexpr size_t kLinuxPathMaxBytes = 4096;
  KernelBuffer buffer_;
  size_t length_ = 0;
};

// An OpenFile reference held outside the lock; released under it. Must not
// be destroyed (or reset) while the caller holds BsdLock.
class FileRef {
 public:
  FileRef() = default;
  ~FileRef() { reset(); }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  void reset();
  OpenFile* operator->() const { return file_.get(); }
  OpenFile& operator*() const { return *file_; }
  explicit operator bool() const { return static_cast<bool>(file_); }
  rtl::RefPtr<OpenFile>& slot() { return file_; }  // fill under the lock

 private:
  rtl::RefPtr<OpenFile> file_;
};

// The current process's file at `fd` (EBADF).
int64_t get_file(int fd, FileRef& out);

// Call with the lock held. The directory a *at call's relative path starts
// from (the cwd for AT_FDCWD); ENOTDIR/EBADF for a bad dirfd. Absolute
// paths ignore dirfd, as on Linux.
SysResult<Vnode*> at_base(int dirfd, std::string_view path);

bool is_console_tty(const OpenFile& file);
// Where a blocked reader (or writer) of `file` sleeps; null: it never blocks.
microcore::WaitQueue* wait_queue_for(const OpenFile& file, bool for_write);

// One read or write of at most kIoChunk bytes between `file` and a kernel
// buffer, at `offset` (< 0: the shared offset), sleeping (outside the lock,
// interrupts off from the attempt to the sleep so no wakeup is lost) while
// a tty or pipe says EAGAIN, unless O_NONBLOCK or !may_block. -EINTR if the
// sleep is interrupted. write_chunk writes all of it unless an error or a
// non-blocking EAGAIN stops it after some progress (it then returns that).
int64_t read_chunk(OpenFile& file, void* buffer, size_t length, int64_t offset, bool may_block);
int64_t write_chunk(OpenFile& file, const void* buffer, size_t length, int64_t offset, bool may_block);

void register_path_syscalls();  // sys_path.cpp
void register_poll_syscalls();   // sys_poll.cpp

}  // namespace bsdlayer::file_calls
