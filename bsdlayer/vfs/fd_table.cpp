// The descriptor table; see fd_table.h for the rules.
#include "bsdlayer/vfs/fd_table.h"

#include "bsdlayer/linux/fcntl.h"

namespace bsdlayer {

SysResult<rtl::OwnPtr<FdTable>> FdTable::create() { return to_sys(rtl::try_make<FdTable>()); }

SysResult<rtl::OwnPtr<FdTable>> FdTable::clone() const {
  rtl::OwnPtr<FdTable> copy = SYS_TRY(create());
  for (int fd = 0; fd < kMaxFds; ++fd) copy->files_[fd] = files_[fd];
  for (int i = 0; i < kMaxFds / 64; ++i) copy->close_on_exec_[i] = close_on_exec_[i];
  return copy;
}

bool FdTable::is_close_on_exec(int fd) const {
  return valid(fd) && (close_on_exec_[fd / 64] >> (fd % 64)) & 1;
}

void FdTable::set_close_on_exec(int fd, bool value) {
  uint64_t bit = uint64_t{1} << (fd % 64);
  if (value)
    close_on_exec_[fd / 64] |= bit;
  else
    close_on_exec_[fd / 64] &= ~bit;
}

void FdTable::place(int fd, rtl::RefPtr<OpenFile> file, bool close_on_exec) {
  files_[fd] = std::move(file);
  set_close_on_exec(fd, close_on_exec);
}

SysResult<int> FdTable::install(rtl::RefPtr<OpenFile> file, bool close_on_exec, int min_fd) {
  RTL_ASSERT(file);
  if (min_fd < 0 || min_fd >= kMaxFds) return sys_error(LINUX_EINVAL);
  for (int fd = min_fd; fd < kMaxFds; ++fd) {
    if (files_[fd]) continue;
    place(fd, std::move(file), close_on_exec);
    return fd;
  }
  return sys_error(LINUX_EMFILE);
}

SysResult<rtl::RefPtr<OpenFile>> FdTable::get(int fd) const {
  if (!valid(fd)) return sys_error(LINUX_EBADF);
  return files_[fd];
}

SysResult<void> FdTable::close(int fd) {
  if (!valid(fd)) return sys_error(LINUX_EBADF);
  place(fd, nullptr, false);
  return {};
}

SysResult<int> FdTable::dup(int fd) {
  rtl::RefPtr<OpenFile> file = SYS_TRY(get(fd));
  return install(std::move(file), false);
}

SysResult<int> FdTable::dup2(int old_fd, int new_fd) {
  rtl::RefPtr<OpenFile> file = SYS_TRY(get(old_fd));
  if (new_fd < 0 || new_fd >= kMaxFds) return sys_error(LINUX_EBADF);
  if (old_fd == new_fd) return new_fd;
  place(new_fd, std::move(file), false);  // closes what new_fd held
  return new_fd;
}

SysResult<int> FdTable::dup3(int old_fd, int new_fd, uint32_t flags) {
  if (flags & ~LINUX_O_CLOEXEC) return sys_error(LINUX_EINVAL);
  if (old_fd == new_fd) return sys_error(LINUX_EINVAL);
  rtl::RefPtr<OpenFile> file = SYS_TRY(get(old_fd));
  if (new_fd < 0 || new_fd >= kMaxFds) return sys_error(LINUX_EBADF);
  place(new_fd, std::move(file), flags & LINUX_O_CLOEXEC);
  return new_fd;
}

SysResult<int64_t> FdTable::fcntl(int fd, int command, uint64_t argument) {
  rtl::RefPtr<OpenFile> file = SYS_TRY(get(fd));
  switch (command) {
    case LINUX_F_DUPFD:
    case LINUX_F_DUPFD_CLOEXEC: {
      if (argument >= static_cast<uint64_t>(kMaxFds)) return sys_error(LINUX_EINVAL);
      int copy = SYS_TRY(install(std::move(file), command == LINUX_F_DUPFD_CLOEXEC,
                                 static_cast<int>(argument)));
      return int64_t{copy};
    }
    case LINUX_F_GETFD:
      return int64_t{is_close_on_exec(fd) ? LINUX_FD_CLOEXEC : 0};
    case LINUX_F_SETFD:
      set_close_on_exec(fd, argument & LINUX_FD_CLOEXEC);
      return int64_t{0};
    case LINUX_F_GETFL:
      return int64_t{file->flags()};
    case LINUX_F_SETFL:
      file->set_status_flags(static_cast<uint32_t>(argument));
      return int64_t{0};
    default:
      return sys_error(LINUX_EINVAL);
  }
}

void FdTable::close_on_exec() {
  for (int fd = 0; fd < kMaxFds; ++fd)
    if (is_close_on_exec(fd)) place(fd, nullptr, false);
}

int FdTable::open_count() const {
  int count = 0;
  for (const auto& file : files_) count += file ? 1 : 0;
  return count;
}

}  // namespace bsdlayer
