// The path-based system calls on top of namei: the checks Linux makes in
// fs/namei.c and fs/open.c before handing a single-name operation to the
// filesystem (the last-component rules for ".", "..", "/", trailing slashes
// and mount points live here, not in every filesystem).
#include <cstring>

#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/vfs/vfs.h"

namespace bsdlayer {
namespace {

// The vnode under `name` in `dir` without crossing mounts, or null.
SysResult<rtl::RefPtr<Vnode>> peek(Vnode& dir, std::string_view name) {
  auto found = dir.ops().lookup(dir, name);
  if (found.is_error()) {
    if (found.error() == -LINUX_ENOENT) return rtl::RefPtr<Vnode>();
    return SysError{found.error()};
  }
  return found.release_value();
}

// Shared by mknod and symlink: may a non-directory be created here?
SysResult<void> check_create(const ParentLookup& at, bool exists) {
  if (at.kind != LastComponent::normal || exists) return sys_error(LINUX_EEXIST);
  if (at.trailing_slash) return sys_error(LINUX_ENOENT);
  return {};
}

}  // namespace

SysResult<rtl::RefPtr<OpenFile>> Vfs::open_vnode(rtl::RefPtr<Vnode> vnode, uint32_t flags) {
  uint32_t access = flags & LINUX_O_ACCMODE;
  bool wants_write = access == LINUX_O_WRONLY || access == LINUX_O_RDWR || (flags & LINUX_O_TRUNC);
  if ((flags & LINUX_O_DIRECTORY) && !vnode->is_directory()) return sys_error(LINUX_ENOTDIR);
  if (vnode->is_directory() && wants_write) return sys_error(LINUX_EISDIR);
  if (vnode->is_symlink()) return sys_error(LINUX_ELOOP);  // only reached with O_NOFOLLOW
  const CharDevice* device = nullptr;
  if (vnode->type() == VnodeType::char_device) {
    device = devices_.find_rdev(vnode->rdev);
    if (!device) return sys_error(LINUX_ENXIO);
  }
  if ((flags & LINUX_O_TRUNC) && vnode->type() == VnodeType::regular && vnode->size != 0)
    SYS_TRY(vnode->ops().truncate(*vnode, 0));
  // Status flags only; x86-64 Linux forces O_LARGEFILE on.
  uint32_t kept = (flags & ~(LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_NOCTTY | LINUX_O_TRUNC |
                             LINUX_O_CLOEXEC | LINUX_O_NOFOLLOW | LINUX_O_DIRECTORY)) |
                  LINUX_O_LARGEFILE;
  if (!device || !device->open)
    return to_sys(rtl::try_make_ref_counted<OpenFile>(std::move(vnode), kept, device));
  // Last, so nothing after it can fail but the allocation, which gives the
  // state straight back.
  void* state = SYS_TRY(device->open(device->context, kept));
  auto file = rtl::try_make_ref_counted<OpenFile>(std::move(vnode), kept, device, state);
  if (file.is_error() && device->release) device->release(state);
  return to_sys(std::move(file));
}

SysResult<rtl::RefPtr<OpenFile>> Vfs::open(Vnode* base, std::string_view path, uint32_t flags,
                                           uint32_t permissions) {
  if (!(flags & LINUX_O_CREAT)) {
    uint32_t follow = (flags & LINUX_O_NOFOLLOW) ? 0 : kFollow;
    return open_vnode(SYS_TRY(resolve(base, path, follow)), flags);
  }
  // O_CREAT: a trailing symlink is followed to where it points, and the
  // file is created there if missing (unless O_EXCL or O_NOFOLLOW).
  int links = 0;
  char* target = nullptr;  // the symlink text being resolved, on the heap
  struct Free {
    char*& buffer;
    ~Free() {
      if (buffer) rtl::deallocate(buffer, kLinuxPathMax);
    }
  } free_target{target};
  rtl::RefPtr<Vnode> dir_ref = base ? retain(*base) : nullptr;
  for (;;) {
    ParentLookup at;
    SYS_TRY(walk(dir_ref.get(), path, 0, links, &at));
    if (at.kind != LastComponent::normal || at.trailing_slash) return sys_error(LINUX_EISDIR);
    rtl::RefPtr<Vnode> existing = SYS_TRY(peek(*at.dir, at.name()));
    if (!existing) {
      rtl::RefPtr<Vnode> created =
          SYS_TRY(at.dir->ops().create(*at.dir, at.name(), permissions & 07777));
      auto file = open_vnode(std::move(created), flags & ~LINUX_O_TRUNC);
      // Out of memory for the OpenFile: take the new name back, so a
      // failed open leaves no trace (unlink allocates nothing).
      if (file.is_error()) (void)at.dir->ops().unlink(*at.dir, at.name());
      return file;
    }
    if (flags & LINUX_O_EXCL) return sys_error(LINUX_EEXIST);
    while (existing->mounted_here) existing = existing->mounted_here->fs->root;
    if (existing->is_directory()) return sys_error(LINUX_EISDIR);
    if (!existing->is_symlink()) return open_vnode(std::move(existing), flags);
    if (flags & LINUX_O_NOFOLLOW) return sys_error(LINUX_ELOOP);
    if (++links > kLinuxMaxSymlinks) return sys_error(LINUX_ELOOP);
    if (!target) target = static_cast<char*>(rtl::allocate(kLinuxPathMax));
    if (!target) return sys_error(LINUX_ENOMEM);
    size_t length = SYS_TRY(existing->ops().readlink(*existing, target, kLinuxPathMax - 1));
    if (length == 0) return sys_error(LINUX_ENOENT);
    path = std::string_view(target, length);  // read before `target` is rewritten
    dir_ref = at.dir;
  }
}

SysResult<void> Vfs::mkdir(Vnode* base, std::string_view path, uint32_t permissions) {
  ParentLookup at = SYS_TRY(resolve_parent(base, path));
  if (at.kind != LastComponent::normal) return sys_error(LINUX_EEXIST);
  SYS_TRY(at.dir->ops().mkdir(*at.dir, at.name(), permissions & 07777));
  return {};
}

SysResult<void> Vfs::mknod(Vnode* base, std::string_view path, uint32_t mode, uint64_t rdev) {
  ParentLookup at = SYS_TRY(resolve_parent(base, path));
  rtl::RefPtr<Vnode> existing =
      at.kind == LastComponent::normal ? SYS_TRY(peek(*at.dir, at.name())) : nullptr;
  SYS_TRY(check_create(at, existing.get() != nullptr));
  if ((mode & LINUX_S_IFMT) == 0) mode |= LINUX_S_IFREG;
  if ((mode & LINUX_S_IFMT) == LINUX_S_IFREG) {
    SYS_TRY(at.dir->ops().create(*at.dir, at.name(), mode & 07777));
    return {};
  }
  SYS_TRY(at.dir->ops().mknod(*at.dir, at.name(), mode, rdev));
  return {};
}

SysResult<void> Vfs::symlink(std::string_view target, Vnode* base, std::string_view path) {
  if (target.empty()) return sys_error(LINUX_ENOENT);
  if (target.size() >= kLinuxPathMax) return sys_error(LINUX_ENAMETOOLONG);
  ParentLookup at = SYS_TRY(resolve_parent(base, path));
  rtl::RefPtr<Vnode> existing =
      at.kind == LastComponent::normal ? SYS_TRY(peek(*at.dir, at.name())) : nullptr;
  SYS_TRY(check_create(at, existing.get() != nullptr));
  SYS_TRY(at.dir->ops().symlink(*at.dir, at.name(), target));
  return {};
}

SysResult<void> Vfs::unlink(Vnode* base, std::string_view path) {
  ParentLookup at = SYS_TRY(resolve_parent(base, path));
  if (at.kind != LastComponent::normal) return sys_error(LINUX_EISDIR);
  rtl::RefPtr<Vnode> victim = SYS_TRY(peek(*at.dir, at.name()));
  if (!victim) return sys_error(LINUX_ENOENT);
  if (victim->mounted_here) return sys_error(LINUX_EBUSY);
  if (at.trailing_slash || victim->is_directory())
    return sys_error(victim->is_directory() ? LINUX_EISDIR : LINUX_ENOTDIR);
  return at.dir->ops().unlink(*at.dir, at.name());
}

SysResult<void> Vfs::rmdir(Vnode* base, std::string_view path) {
  ParentLookup at = SYS_TRY(resolve_parent(base, path));
  if (at.kind == LastComponent::dot) return sys_error(LINUX_EINVAL);
  if (at.kind == LastComponent::dotdot) return sys_error(LINUX_ENOTEMPTY);
  if (at.kind == LastComponent::root) return sys_error(LINUX_EBUSY);
  rtl::RefPtr<Vnode> victim = SYS_TRY(peek(*at.dir, at.name()));
  if (!victim) return sys_error(LINUX_ENOENT);
  if (victim->mounted_here) return sys_error(LINUX_EBUSY);
  return at.dir->ops().rmdir(*at.dir, at.name());
}

SysResult<void> Vfs::rename(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                            std::string_view new_path) {
  ParentLookup from = SYS_TRY(resolve_parent(old_base, old_path));
  ParentLookup to = SYS_TRY(resolve_parent(new_base, new_path));
  if (from.kind != LastComponent::normal || to.kind != LastComponent::normal)
    return sys_error(LINUX_EBUSY);
  if (&from.dir->fs() != &to.dir->fs()) return sys_error(LINUX_EXDEV);
  rtl::RefPtr<Vnode> moving = SYS_TRY(peek(*from.dir, from.name()));
  if (!moving) return sys_error(LINUX_ENOENT);
  rtl::RefPtr<Vnode> victim = SYS_TRY(peek(*to.dir, to.name()));
  if (moving->mounted_here || (victim && victim->mounted_here)) return sys_error(LINUX_EBUSY);
  if ((from.trailing_slash || to.trailing_slash) && !moving->is_directory())
    return sys_error(LINUX_ENOTDIR);
  return from.dir->ops().rename(*from.dir, from.name(), *to.dir, to.name());
}

SysResult<size_t> Vfs::readlink(Vnode* base, std::string_view path, char* buffer, size_t length) {
  if (length == 0) return sys_error(LINUX_EINVAL);
  rtl::RefPtr<Vnode> link = SYS_TRY(resolve(base, path, 0));
  if (!link->is_symlink()) return sys_error(LINUX_EINVAL);
  return link->ops().readlink(*link, buffer, length);
}

SysResult<linux_stat> Vfs::stat(Vnode* base, std::string_view path, uint32_t flags) {
  rtl::RefPtr<Vnode> vnode = SYS_TRY(resolve(base, path, flags));
  return to_linux_stat(vnode->attributes());
}

SysResult<void> Vfs::truncate(Vnode* base, std::string_view path, uint64_t size) {
  rtl::RefPtr<Vnode> vnode = SYS_TRY(resolve(base, path, kFollow));
  if (vnode->is_directory()) return sys_error(LINUX_EISDIR);
  if (vnode->type() != VnodeType::regular) return sys_error(LINUX_EINVAL);
  return vnode->ops().truncate(*vnode, size);
}

SysResult<rtl::RefPtr<Vnode>> Vfs::resolve_directory(Vnode* base, std::string_view path) {
  rtl::RefPtr<Vnode> vnode = SYS_TRY(resolve(base, path, kFollow));
  if (!vnode->is_directory()) return sys_error(LINUX_ENOTDIR);
  return vnode;
}

}  // namespace bsdlayer
