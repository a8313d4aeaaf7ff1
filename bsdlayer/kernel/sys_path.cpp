// Path-based file system calls: open*, stat*, statx, getcwd/chdir, mkdir,
// rmdir, unlink, rename, symlink, readlink, link, access, chmod/chown,
// umask, truncate, mknod, mount/umount2. Paths are copied in before the
// lock is taken; results are copied out after it is dropped.
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/vfs/devfs.h"
#include "bsdlayer/vfs/tmpfs.h"
#include "bsdlayer/vfs/vfs.h"
#include "proc_providers.h"
#include "sys_file_common.h"

namespace bsdlayer::file_calls {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }
int fd_arg(uint64_t value) { return static_cast<int>(static_cast<uint32_t>(value)); }
int dirfd_arg(uint64_t value) { return static_cast<int>(value); }

int64_t void_result(SysResult<void>&& result) { return result.is_error() ? result.error() : 0; }

// --- open

int64_t do_open(int dirfd, uint64_t user_path, uint32_t flags, uint32_t mode) {
  UserPath path;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  BsdLock lock;
  Process* process = current_process();
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  uint32_t permissions = (mode & 07777) & ~process->umask;
  auto file = vfs().open(base.value(), path.view(), flags, permissions);
  if (file.is_error()) return file.error();
  auto fd = process->files->install(file.release_value(), flags & LINUX_O_CLOEXEC);
  return fd.is_error() ? fd.error() : fd.value();
}

int64_t sys_open(SyscallContext& c) {
  return do_open(LINUX_AT_FDCWD, c.arg[0], static_cast<uint32_t>(c.arg[1]), static_cast<uint32_t>(c.arg[2]));
}
int64_t sys_openat(SyscallContext& c) {
  return do_open(dirfd_arg(c.arg[0]), c.arg[1], static_cast<uint32_t>(c.arg[2]), static_cast<uint32_t>(c.arg[3]));
}
int64_t sys_creat(SyscallContext& c) {
  return do_open(LINUX_AT_FDCWD, c.arg[0], LINUX_O_CREAT | LINUX_O_WRONLY | LINUX_O_TRUNC,
                 static_cast<uint32_t>(c.arg[1]));
}

// --- stat

constexpr uint32_t kAtNoAutomount = 0x800;
constexpr uint32_t kAtStatxSyncType = 0x6000;

// stat of `path` from `dirfd`, or of dirfd itself for "" with AT_EMPTY_PATH.
int64_t stat_at(int dirfd, uint64_t user_path, uint32_t flags, linux_stat& out) {
  UserPath path;
  if (int64_t rc = path.copy_in(user_path, flags & LINUX_AT_EMPTY_PATH)) return rc;
  BsdLock lock;
  Process* process = current_process();
  if (path.empty()) {
    if (dirfd == LINUX_AT_FDCWD) {
      out = to_linux_stat(process->cwd->attributes());
      return 0;
    }
    auto file = process->files->get(dirfd);
    if (file.is_error()) return file.error();
    out = file.value()->stat();
    return 0;
  }
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  auto st = vfs().stat(base.value(), path.view(), (flags & LINUX_AT_SYMLINK_NOFOLLOW) ? 0 : Vfs::kFollow);
  if (st.is_error()) return st.error();
  out = st.value();
  return 0;
}

int64_t stat_to_user(int dirfd, uint64_t user_path, uint32_t flags, uint64_t user_stat) {
  linux_stat st;
  if (int64_t rc = stat_at(dirfd, user_path, flags, st)) return rc;
  return microcore::copy_to_user(user_stat, &st, sizeof st) ? 0 : -LINUX_EFAULT;
}

int64_t sys_stat(SyscallContext& c) { return stat_to_user(LINUX_AT_FDCWD, c.arg[0], 0, c.arg[1]); }
int64_t sys_lstat(SyscallContext& c) {
  return stat_to_user(LINUX_AT_FDCWD, c.arg[0], LINUX_AT_SYMLINK_NOFOLLOW, c.arg[1]);
}
int64_t sys_newfstatat(SyscallContext& c) {
  uint32_t flags = static_cast<uint32_t>(c.arg[3]);
  if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | kAtNoAutomount)) return -LINUX_EINVAL;
  return stat_to_user(dirfd_arg(c.arg[0]), c.arg[1], flags, c.arg[2]);
}

struct StatxTimestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};
struct Statx {
  uint32_t stx_mask;
  uint32_t stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink;
  uint32_t stx_uid;
  uint32_t stx_gid;
  uint16_t stx_mode;
  uint16_t spare0;
  uint64_t stx_ino;
  uint64_t stx_size;
  uint64_t stx_blocks;
  uint64_t stx_attributes_mask;
  StatxTimestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor;
  uint32_t stx_dev_major, stx_dev_minor;
  uint64_t spare2[14];
};
static_assert(sizeof(Statx) == 256);
static_assert(__builtin_offsetof(Statx, stx_atime) == 64);
static_assert(__builtin_offsetof(Statx, stx_rdev_major) == 128);

constexpr uint32_t kStatxBasicStats = 0x7ff;

StatxTimestamp statx_time(const linux_timespec& time) {
  return {time.tv_sec, static_cast<uint32_t>(time.tv_nsec), 0};
}

int64_t sys_statx(SyscallContext& c) {
  uint32_t flags = static_cast<uint32_t>(c.arg[2]);
  if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH | kAtNoAutomount | kAtStatxSyncType))
    return -LINUX_EINVAL;
  if ((flags & kAtStatxSyncType) == kAtStatxSyncType) return -LINUX_EINVAL;
  if (static_cast<uint32_t>(c.arg[3]) & 0x80000000u) return -LINUX_EINVAL;  // STATX__RESERVED
  linux_stat st;
  if (int64_t rc = stat_at(dirfd_arg(c.arg[0]), c.arg[1], flags, st)) return rc;
  Statx out{};
  out.stx_mask = kStatxBasicStats;
  out.stx_blksize = static_cast<uint32_t>(st.st_blksize);
  out.stx_nlink = static_cast<uint32_t>(st.st_nlink);
  out.stx_uid = st.st_uid;
  out.stx_gid = st.st_gid;
  out.stx_mode = static_cast<uint16_t>(st.st_mode);
  out.stx_ino = st.st_ino;
  out.stx_size = static_cast<uint64_t>(st.st_size);
  out.stx_blocks = static_cast<uint64_t>(st.st_blocks);
  out.stx_atime = statx_time(st.st_atim);
  out.stx_ctime = statx_time(st.st_ctim);
  out.stx_mtime = statx_time(st.st_mtim);
  out.stx_rdev_major = linux_major(st.st_rdev);
  out.stx_rdev_minor = linux_minor(st.st_rdev);
  out.stx_dev_major = linux_major(st.st_dev);
  out.stx_dev_minor = linux_minor(st.st_dev);
  return microcore::copy_to_user(c.arg[4], &out, sizeof out) ? 0 : -LINUX_EFAULT;
}

// --- directories

int64_t sys_getcwd(SyscallContext& c) {
  KernelBuffer buffer(kLinuxPathMax);
  if (!buffer.ok()) return -LINUX_ENOMEM;
  size_t capacity = c.arg[1] < kLinuxPathMax ? c.arg[1] : kLinuxPathMax;
  size_t length;
  {
    BsdLock lock;
    Process* process = current_process();
    if (!process->cwd) return -LINUX_ENOENT;
    auto result = vfs().path_of(*process->cwd, reinterpret_cast<char*>(buffer.data()), capacity);
    if (result.is_error()) return result.error();
    length = result.value();
  }
  if (!microcore::copy_to_user(c.arg[0], buffer.data(), length)) return -LINUX_EFAULT;
  return static_cast<int64_t>(length);
}

int64_t sys_chdir(SyscallContext& c) {
  UserPath path;
  if (int64_t rc = path.copy_in(c.arg[0])) return rc;
  BsdLock lock;
  Process* process = current_process();
  auto directory = vfs().resolve_directory(process->cwd.get(), path.view());
  if (directory.is_error()) return directory.error();
  process->cwd = directory.release_value();
  return 0;
}

int64_t sys_fchdir(SyscallContext& c) {
  BsdLock lock;
  Process* process = current_process();
  auto file = process->files->get(fd_arg(c.arg[0]));
  if (file.is_error()) return file.error();
  if (!file.value()->vnode().is_directory()) return -LINUX_ENOTDIR;
  process->cwd = file.value()->vnode_ref();
  return 0;
}

int64_t do_mkdir(int dirfd, uint64_t user_path, uint32_t mode) {
  UserPath path;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  BsdLock lock;
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  return void_result(vfs().mkdir(base.value(), path.view(), (mode & 07777) & ~current_process()->umask));
}

int64_t sys_mkdir(SyscallContext& c) { return do_mkdir(LINUX_AT_FDCWD, c.arg[0], static_cast<uint32_t>(c.arg[1])); }
int64_t sys_mkdirat(SyscallContext& c) {
  return do_mkdir(dirfd_arg(c.arg[0]), c.arg[1], static_cast<uint32_t>(c.arg[2]));
}

int64_t do_remove(int dirfd, uint64_t user_path, bool directory) {
  UserPath path;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  BsdLock lock;
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  return void_result(directory ? vfs().rmdir(base.value(), path.view()) : vfs().unlink(base.value(), path.view()));
}

int64_t sys_rmdir(SyscallContext& c) { return do_remove(LINUX_AT_FDCWD, c.arg[0], true); }
int64_t sys_unlink(SyscallContext& c) { return do_remove(LINUX_AT_FDCWD, c.arg[0], false); }
int64_t sys_unlinkat(SyscallContext& c) {
  uint32_t flags = static_cast<uint32_t>(c.arg[2]);
  if (flags & ~LINUX_AT_REMOVEDIR) return -LINUX_EINVAL;
  return do_remove(dirfd_arg(c.arg[0]), c.arg[1], flags & LINUX_AT_REMOVEDIR);
}

constexpr uint32_t kRenameNoreplace = 1, kRenameExchange = 2, kRenameWhiteout = 4;

int64_t do_rename(int old_dirfd, uint64_t old_user, int new_dirfd, uint64_t new_user, uint32_t flags) {
  if (flags & ~(kRenameNoreplace | kRenameExchange | kRenameWhiteout)) return -LINUX_EINVAL;
  if ((flags & kRenameExchange) && (flags & (kRenameNoreplace | kRenameWhiteout))) return -LINUX_EINVAL;
  if (flags & (kRenameExchange | kRenameWhiteout)) return -LINUX_EINVAL;  // tmpfs here has neither
  UserPath old_path, new_path;
  if (int64_t rc = old_path.copy_in(old_user)) return rc;
  if (int64_t rc = new_path.copy_in(new_user)) return rc;
  BsdLock lock;
  auto old_base = at_base(old_dirfd, old_path.view());
  if (old_base.is_error()) return old_base.error();
  auto new_base = at_base(new_dirfd, new_path.view());
  if (new_base.is_error()) return new_base.error();
  if (flags & kRenameNoreplace) {
    auto existing = vfs().resolve(new_base.value(), new_path.view(), 0);
    if (existing.is_ok()) return -LINUX_EEXIST;
    if (existing.error() != -LINUX_ENOENT) return existing.error();
  }
  return void_result(vfs().rename(old_base.value(), old_path.view(), new_base.value(), new_path.view()));
}

int64_t sys_rename(SyscallContext& c) { return do_rename(LINUX_AT_FDCWD, c.arg[0], LINUX_AT_FDCWD, c.arg[1], 0); }
int64_t sys_renameat(SyscallContext& c) {
  return do_rename(dirfd_arg(c.arg[0]), c.arg[1], dirfd_arg(c.arg[2]), c.arg[3], 0);
}
int64_t sys_renameat2(SyscallContext& c) {
  return do_rename(dirfd_arg(c.arg[0]), c.arg[1], dirfd_arg(c.arg[2]), c.arg[3], static_cast<uint32_t>(c.arg[4]));
}

// --- links

int64_t do_symlink(uint64_t user_target, int dirfd, uint64_t user_path) {
  UserPath target, path;
  if (int64_t rc = target.copy_in(user_target)) return rc;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  BsdLock lock;
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  return void_result(vfs().symlink(target.view(), base.value(), path.view()));
}

int64_t sys_symlink(SyscallContext& c) { return do_symlink(c.arg[0], LINUX_AT_FDCWD, c.arg[1]); }
int64_t sys_symlinkat(SyscallContext& c) { return do_symlink(c.arg[0], dirfd_arg(c.arg[1]), c.arg[2]); }

int64_t do_readlink(int dirfd, uint64_t user_path, uint64_t user_buffer, int64_t size) {
  if (size <= 0) return -LINUX_EINVAL;
  UserPath path;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  size_t capacity = size < int64_t(kLinuxPathMax) ? size_t(size) : kLinuxPathMax;
  KernelBuffer buffer(capacity);
  if (!buffer.ok()) return -LINUX_ENOMEM;
  size_t length;
  {
    BsdLock lock;
    auto base = at_base(dirfd, path.view());
    if (base.is_error()) return base.error();
    auto result = vfs().readlink(base.value(), path.view(), reinterpret_cast<char*>(buffer.data()), capacity);
    if (result.is_error()) return result.error();
    length = result.value();
  }
  if (!microcore::copy_to_user(user_buffer, buffer.data(), length)) return -LINUX_EFAULT;
  return static_cast<int64_t>(length);
}

int64_t sys_readlink(SyscallContext& c) {
  return do_readlink(LINUX_AT_FDCWD, c.arg[0], c.arg[1], static_cast<int>(c.arg[2]));
}
int64_t sys_readlinkat(SyscallContext& c) {
  return do_readlink(dirfd_arg(c.arg[0]), c.arg[1], c.arg[2], static_cast<int>(c.arg[3]));
}

// Hard links: the VFS has no link operation, so after Linux's checks on the
// two names this is EPERM ("the filesystem does not support hard links").
int64_t do_link(int old_dirfd, uint64_t old_user, int new_dirfd, uint64_t new_user, uint32_t flags) {
  if (flags & ~(LINUX_AT_SYMLINK_FOLLOW | LINUX_AT_EMPTY_PATH)) return -LINUX_EINVAL;
  UserPath old_path, new_path;
  if (int64_t rc = old_path.copy_in(old_user)) return rc;
  if (int64_t rc = new_path.copy_in(new_user)) return rc;
  BsdLock lock;
  auto old_base = at_base(old_dirfd, old_path.view());
  if (old_base.is_error()) return old_base.error();
  auto existing = vfs().resolve(old_base.value(), old_path.view(),
                                (flags & LINUX_AT_SYMLINK_FOLLOW) ? Vfs::kFollow : 0);
  if (existing.is_error()) return existing.error();
  if (existing.value()->is_directory()) return -LINUX_EPERM;
  auto new_base = at_base(new_dirfd, new_path.view());
  if (new_base.is_error()) return new_base.error();
  auto at = vfs().resolve_parent(new_base.value(), new_path.view());
  if (at.is_error()) return at.error();
  auto target = vfs().resolve(new_base.value(), new_path.view(), 0);
  if (target.is_ok()) return -LINUX_EEXIST;
  if (&at.value().dir->fs() != &existing.value()->fs()) return -LINUX_EXDEV;
  return -LINUX_EPERM;
}

int64_t sys_link(SyscallContext& c) { return do_link(LINUX_AT_FDCWD, c.arg[0], LINUX_AT_FDCWD, c.arg[1], 0); }
int64_t sys_linkat(SyscallContext& c) {
  return do_link(dirfd_arg(c.arg[0]), c.arg[1], dirfd_arg(c.arg[2]), c.arg[3], static_cast<uint32_t>(c.arg[4]));
}

// --- access, ownership, mode

constexpr uint32_t kXOk = 1, kAtEaccess = 0x200;

// Every caller is root: existence, plus an execute bit for X_OK on
// anything but a directory (as Linux requires even of root).
int64_t do_access(int dirfd, uint64_t user_path, uint32_t mode, uint32_t flags) {
  if (mode & ~7u) return -LINUX_EINVAL;
  if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | kAtEaccess | LINUX_AT_EMPTY_PATH)) return -LINUX_EINVAL;
  linux_stat st;
  if (int64_t rc = stat_at(dirfd, user_path, flags & (LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH), st))
    return rc;
  if ((mode & kXOk) && (st.st_mode & LINUX_S_IFMT) != LINUX_S_IFDIR && !(st.st_mode & 0111)) return -LINUX_EACCES;
  return 0;
}

int64_t sys_access(SyscallContext& c) {
  return do_access(LINUX_AT_FDCWD, c.arg[0], static_cast<uint32_t>(c.arg[1]), 0);
}
int64_t sys_faccessat(SyscallContext& c) {
  return do_access(dirfd_arg(c.arg[0]), c.arg[1], static_cast<uint32_t>(c.arg[2]), 0);
}
int64_t sys_faccessat2(SyscallContext& c) {
  return do_access(dirfd_arg(c.arg[0]), c.arg[1], static_cast<uint32_t>(c.arg[2]), static_cast<uint32_t>(c.arg[3]));
}

// Attribute changes on a vnode found by path (or dirfd itself with
// AT_EMPTY_PATH); `change` runs under the lock.
template <typename Change>
int64_t change_at(int dirfd, uint64_t user_path, uint32_t flags, Change change) {
  UserPath path;
  if (int64_t rc = path.copy_in(user_path, flags & LINUX_AT_EMPTY_PATH)) return rc;
  BsdLock lock;
  Process* process = current_process();
  rtl::RefPtr<Vnode> vnode;
  if (path.empty()) {
    if (dirfd == LINUX_AT_FDCWD) {
      vnode = process->cwd;
    } else {
      auto file = process->files->get(dirfd);
      if (file.is_error()) return file.error();
      vnode = file.value()->vnode_ref();
    }
  } else {
    auto base = at_base(dirfd, path.view());
    if (base.is_error()) return base.error();
    auto found =
        vfs().resolve(base.value(), path.view(), (flags & LINUX_AT_SYMLINK_NOFOLLOW) ? 0 : Vfs::kFollow);
    if (found.is_error()) return found.error();
    vnode = found.release_value();
  }
  change(*vnode);
  vnode->touch_changed();
  return 0;
}

template <typename Change>
int64_t change_fd(int fd, Change change) {
  BsdLock lock;
  auto file = current_process()->files->get(fd);
  if (file.is_error()) return file.error();
  change(file.value()->vnode());
  file.value()->vnode().touch_changed();
  return 0;
}

auto set_mode(uint32_t mode) {
  return [mode](Vnode& vnode) { vnode.permissions = mode & 07777; };
}

auto set_owner(uint64_t uid, uint64_t gid) {
  return [uid, gid](Vnode& vnode) {
    if (static_cast<uint32_t>(uid) != UINT32_MAX) vnode.uid = static_cast<uint32_t>(uid);
    if (static_cast<uint32_t>(gid) != UINT32_MAX) vnode.gid = static_cast<uint32_t>(gid);
  };
}

// utimensat/futimens: times[0] is the access time, times[1] the
// modification time; UTIME_NOW and UTIME_OMIT as Linux; NULL means now.
int64_t sys_utimensat(SyscallContext& c) {
  constexpr int64_t kUtimeNow = (1l << 30) - 1, kUtimeOmit = (1l << 30) - 2;
  constexpr uint64_t kBillion = 1000000000ull;
  int64_t times[4] = {0, kUtimeNow, 0, kUtimeNow};
  if (c.arg[2] && !microcore::copy_from_user(times, c.arg[2], sizeof times)) return -LINUX_EFAULT;
  for (int i = 0; i < 2; ++i) {
    int64_t ns = times[2 * i + 1];
    if (ns != kUtimeNow && ns != kUtimeOmit && (ns < 0 || ns >= int64_t(kBillion))) return -LINUX_EINVAL;
  }
  uint32_t flags = static_cast<uint32_t>(c.arg[3]);
  if (flags & ~uint32_t(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -LINUX_EINVAL;
  uint64_t now = boot_wall_clock_ns() + microcore::now_ns();
  auto apply = [&](Vnode& vnode) {
    uint64_t* fields[2] = {&vnode.atime_ns, &vnode.mtime_ns};
    for (int i = 0; i < 2; ++i) {
      int64_t ns = times[2 * i + 1];
      if (ns == kUtimeOmit) continue;
      *fields[i] = ns == kUtimeNow ? now : uint64_t(times[2 * i]) * kBillion + uint64_t(ns);
    }
  };
  if (!c.arg[1]) return change_fd(fd_arg(c.arg[0]), apply);  // futimens: the path is NULL
  return change_at(dirfd_arg(c.arg[0]), c.arg[1], flags, apply);
}

int64_t sys_chmod(SyscallContext& c) {
  return change_at(LINUX_AT_FDCWD, c.arg[0], 0, set_mode(static_cast<uint32_t>(c.arg[1])));
}
int64_t sys_fchmod(SyscallContext& c) { return change_fd(fd_arg(c.arg[0]), set_mode(static_cast<uint32_t>(c.arg[1]))); }
int64_t sys_fchmodat(SyscallContext& c) {
  return change_at(dirfd_arg(c.arg[0]), c.arg[1], 0, set_mode(static_cast<uint32_t>(c.arg[2])));
}
int64_t sys_chown(SyscallContext& c) { return change_at(LINUX_AT_FDCWD, c.arg[0], 0, set_owner(c.arg[1], c.arg[2])); }
int64_t sys_lchown(SyscallContext& c) {
  return change_at(LINUX_AT_FDCWD, c.arg[0], LINUX_AT_SYMLINK_NOFOLLOW, set_owner(c.arg[1], c.arg[2]));
}
int64_t sys_fchown(SyscallContext& c) { return change_fd(fd_arg(c.arg[0]), set_owner(c.arg[1], c.arg[2])); }
int64_t sys_fchownat(SyscallContext& c) {
  uint32_t flags = static_cast<uint32_t>(c.arg[4]);
  if (flags & ~(LINUX_AT_SYMLINK_NOFOLLOW | LINUX_AT_EMPTY_PATH)) return -LINUX_EINVAL;
  return change_at(dirfd_arg(c.arg[0]), c.arg[1], flags, set_owner(c.arg[2], c.arg[3]));
}

int64_t sys_umask(SyscallContext& c) {
  BsdLock lock;
  Process* process = current_process();
  uint32_t previous = process->umask;
  process->umask = static_cast<uint32_t>(c.arg[0]) & 0777;
  return previous;
}

int64_t sys_truncate(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[1]) < 0) return -LINUX_EINVAL;
  UserPath path;
  if (int64_t rc = path.copy_in(c.arg[0])) return rc;
  BsdLock lock;
  return void_result(vfs().truncate(current_process()->cwd.get(), path.view(), c.arg[1]));
}

int64_t sys_ftruncate(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[1]) < 0) return -LINUX_EINVAL;
  BsdLock lock;
  auto file = current_process()->files->get(fd_arg(c.arg[0]));
  if (file.is_error()) return file.error();
  return void_result(file.value()->truncate(c.arg[1]));
}

// mknod's dev_t is the 32-bit old_decode_dev/new_decode_dev form.
uint64_t decode_user_dev(uint32_t dev) {
  uint32_t major = (dev & 0xfff00) >> 8;
  uint32_t minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
  return linux_makedev(major, minor);
}

int64_t do_mknod(int dirfd, uint64_t user_path, uint32_t mode, uint32_t dev) {
  if ((mode & LINUX_S_IFMT) == LINUX_S_IFDIR) return -LINUX_EPERM;
  UserPath path;
  if (int64_t rc = path.copy_in(user_path)) return rc;
  BsdLock lock;
  auto base = at_base(dirfd, path.view());
  if (base.is_error()) return base.error();
  uint32_t permissions = (mode & 07777) & ~current_process()->umask;
  return void_result(vfs().mknod(base.value(), path.view(), (mode & LINUX_S_IFMT) | permissions, decode_user_dev(dev)));
}

int64_t sys_mknod(SyscallContext& c) {
  return do_mknod(LINUX_AT_FDCWD, c.arg[0], static_cast<uint32_t>(c.arg[1]), static_cast<uint32_t>(c.arg[2]));
}
int64_t sys_mknodat(SyscallContext& c) {
  return do_mknod(dirfd_arg(c.arg[0]), c.arg[1], static_cast<uint32_t>(c.arg[2]), static_cast<uint32_t>(c.arg[3]));
}

// --- mount

constexpr uint64_t kMsRdonly = 1, kMsRemount = 32, kMsBind = 4096, kMsMove = 8192;
// MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED (not MS_SILENT, 1 << 15,
// which busybox adds to ordinary mounts).
constexpr uint64_t kMsPropagation = (1 << 17) | (1 << 18) | (1 << 19) | (1 << 20);

uint64_t mount_clock() { return microcore::now_ns(); }
uint64_t g_next_device = 16;  // st_dev of filesystems mounted at run time; under the lock

int64_t copy_short_string(uint64_t user, char* buffer, size_t capacity) {
  auto copied = microcore::copy_string_from_user(buffer, user, capacity);
  if (copied.is_error()) return copied.error().code() == rtl::Errc::too_big ? -LINUX_ENODEV : -LINUX_EFAULT;
  return 0;
}

int64_t sys_mount(SyscallContext& c) {
  uint64_t flags = c.arg[3];
  if (flags & kMsRemount) return 0;       // options of a mounted tmpfs: nothing to change
  if (flags & kMsPropagation) return 0;   // one namespace: propagation is moot
  if (flags & (kMsBind | kMsMove)) return -LINUX_EINVAL;
  char type[32] = {};
  char source[64] = "none";
  if (!c.arg[2]) return -LINUX_EINVAL;
  if (int64_t rc = copy_short_string(c.arg[2], type, sizeof type)) return rc;
  if (c.arg[0]) {
    auto copied = microcore::copy_string_from_user(source, c.arg[0], sizeof source);
    if (copied.is_error()) {
      if (copied.error().code() != rtl::Errc::too_big) return -LINUX_EFAULT;
      source[sizeof source - 1] = 0;  // only shown in /proc/mounts
    }
  }
  UserPath target;
  if (int64_t rc = target.copy_in(c.arg[1])) return rc;
  std::string_view type_name(type);
  bool is_tmpfs = type_name == "tmpfs";
  bool is_devtmpfs = type_name == "devtmpfs";
  bool is_proc = type_name == "proc";
  if (!is_tmpfs && !is_devtmpfs && !is_proc) return -LINUX_ENODEV;
  BsdLock lock;
  uint64_t device = g_next_device++;
  auto fs = is_tmpfs  ? create_tmpfs(device, mount_clock, 01777)
            : is_proc ? create_procfs(device, mount_clock, proc::tables())
                      : create_devfs(device, mount_clock, vfs().devices());
  if (fs.is_error()) return fs.error();
  return void_result(vfs().mount(current_process()->cwd.get(), target.view(), fs.release_value(), source,
                                 (flags & kMsRdonly) ? "ro" : "rw"));
}

// The VFS cannot unmount yet: EBUSY for a mount point, EINVAL otherwise.
int64_t sys_umount2(SyscallContext& c) {
  if (c.arg[1] & ~uint64_t(0xf)) return -LINUX_EINVAL;
  UserPath target;
  if (int64_t rc = target.copy_in(c.arg[0])) return rc;
  BsdLock lock;
  auto vnode = vfs().resolve(current_process()->cwd.get(), target.view(), Vfs::kFollow);
  if (vnode.is_error()) return vnode.error();
  Vnode& found = *vnode.value();
  bool mount_root = found.fs().root.get() == &found && found.fs().mount && found.fs().mount->covered;
  return mount_root ? -LINUX_EBUSY : -LINUX_EINVAL;
}

}  // namespace

void register_path_syscalls() {
  register_syscall(nr(Syscall::open), sys_open);
  register_syscall(nr(Syscall::openat), sys_openat);
  register_syscall(nr(Syscall::creat), sys_creat);
  register_syscall(nr(Syscall::stat), sys_stat);
  register_syscall(nr(Syscall::lstat), sys_lstat);
  register_syscall(nr(Syscall::newfstatat), sys_newfstatat);
  register_syscall(nr(Syscall::statx), sys_statx);
  register_syscall(nr(Syscall::getcwd), sys_getcwd);
  register_syscall(nr(Syscall::chdir), sys_chdir);
  register_syscall(nr(Syscall::fchdir), sys_fchdir);
  register_syscall(nr(Syscall::mkdir), sys_mkdir);
  register_syscall(nr(Syscall::mkdirat), sys_mkdirat);
  register_syscall(nr(Syscall::rmdir), sys_rmdir);
  register_syscall(nr(Syscall::unlink), sys_unlink);
  register_syscall(nr(Syscall::unlinkat), sys_unlinkat);
  register_syscall(nr(Syscall::rename), sys_rename);
  register_syscall(nr(Syscall::renameat), sys_renameat);
  register_syscall(nr(Syscall::renameat2), sys_renameat2);
  register_syscall(nr(Syscall::symlink), sys_symlink);
  register_syscall(nr(Syscall::symlinkat), sys_symlinkat);
  register_syscall(nr(Syscall::readlink), sys_readlink);
  register_syscall(nr(Syscall::readlinkat), sys_readlinkat);
  register_syscall(nr(Syscall::link), sys_link);
  register_syscall(nr(Syscall::linkat), sys_linkat);
  register_syscall(nr(Syscall::access), sys_access);
  register_syscall(nr(Syscall::faccessat), sys_faccessat);
  register_syscall(nr(Syscall::faccessat2), sys_faccessat2);
  register_syscall(nr(Syscall::chmod), sys_chmod);
  register_syscall(nr(Syscall::fchmod), sys_fchmod);
  register_syscall(nr(Syscall::fchmodat), sys_fchmodat);
  register_syscall(nr(Syscall::utimensat), sys_utimensat);
  register_syscall(nr(Syscall::chown), sys_chown);
  register_syscall(nr(Syscall::lchown), sys_lchown);
  register_syscall(nr(Syscall::fchown), sys_fchown);
  register_syscall(nr(Syscall::fchownat), sys_fchownat);
  register_syscall(nr(Syscall::umask), sys_umask);
  register_syscall(nr(Syscall::truncate), sys_truncate);
  register_syscall(nr(Syscall::ftruncate), sys_ftruncate);
  register_syscall(nr(Syscall::mknod), sys_mknod);
  register_syscall(nr(Syscall::mknodat), sys_mknodat);
  register_syscall(nr(Syscall::mount), sys_mount);
  register_syscall(nr(Syscall::umount2), sys_umount2);
}

}  // namespace bsdlayer::file_calls
