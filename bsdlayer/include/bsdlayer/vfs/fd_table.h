// FdTable: a process's file descriptors: slots 0..kMaxFds-1, each empty or
// holding a reference to an OpenFile plus the descriptor's own close-on-exec
// flag. New descriptors take the lowest free slot (at or above a minimum),
// as POSIX requires. fork() clones the table: both share the OpenFiles (and
// so their offsets); execve() calls close_on_exec().
//
// Error rules are Linux's (fs/file.c, fs/fcntl.c): EBADF for a descriptor
// that is out of range or empty; EMFILE when no slot is free; dup2(fd, fd)
// on an open fd is a no-op returning fd; dup3 with equal fds or flags other
// than O_CLOEXEC is EINVAL. No locks: callers serialize (one table per
// process; the process layer locks it).
#pragma once

#include <cstdint>

#include "bsdlayer/vfs/open_file.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {

class FdTable {
 public:
  static constexpr int kMaxFds = 1024;  // RLIMIT_NOFILE's default

  FdTable() = default;
  FdTable(const FdTable&) = delete;
  FdTable& operator=(const FdTable&) = delete;

  static SysResult<rtl::OwnPtr<FdTable>> create();
  // fork: a table with the same descriptors, sharing each OpenFile.
  SysResult<rtl::OwnPtr<FdTable>> clone() const;

  // The lowest free fd >= min_fd (EMFILE if none, EINVAL if min_fd is out
  // of range).
  SysResult<int> install(rtl::RefPtr<OpenFile> file, bool close_on_exec, int min_fd = 0);
  SysResult<rtl::RefPtr<OpenFile>> get(int fd) const;
  SysResult<void> close(int fd);

  SysResult<int> dup(int fd);
  SysResult<int> dup2(int old_fd, int new_fd);
  SysResult<int> dup3(int old_fd, int new_fd, uint32_t flags);
  // F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL; EINVAL
  // for other commands.
  SysResult<int64_t> fcntl(int fd, int command, uint64_t argument);

  void close_on_exec();
  int open_count() const;
  bool is_close_on_exec(int fd) const;

 private:
  bool valid(int fd) const { return fd >= 0 && fd < kMaxFds && files_[fd]; }
  void set_close_on_exec(int fd, bool value);
  // Puts `file` at `fd`, replacing (and dropping) whatever was there.
  void place(int fd, rtl::RefPtr<OpenFile> file, bool close_on_exec);

  rtl::RefPtr<OpenFile> files_[kMaxFds];
  uint64_t close_on_exec_[kMaxFds / 64] = {};
};

}  // namespace bsdlayer
