// initramfs unpacking; see initramfs.h. Intermediate directories are found
// with Vfs::lookup_child-like steps that follow symlinks (an archive may
// put "lib" -> "usr/lib" before "lib/x"), creating what is missing.
#include "bsdlayer/vfs/initramfs.h"

#include "bsdlayer/linux/stat.h"

namespace bsdlayer {
namespace {

std::string_view strip_prefix(std::string_view name) {
  for (;;) {
    if (name.starts_with("/")) {
      name.remove_prefix(1);
    } else if (name.starts_with("./")) {
      name.remove_prefix(2);
    } else {
      return name;
    }
  }
}

bool has_dotdot(std::string_view name) {
  while (!name.empty()) {
    size_t end = name.find('/');
    if (name.substr(0, end) == "..") return true;
    if (end == std::string_view::npos) break;
    name.remove_prefix(end + 1);
  }
  return false;
}

// Removes whatever `name` holds in `dir` so a new entry can take it.
SysResult<void> clear(Vnode& dir, std::string_view name, const Vnode& existing) {
  if (existing.is_directory()) return dir.ops().rmdir(dir, name);
  return dir.ops().unlink(dir, name);
}

SysResult<void> unpack_entry(Vfs& vfs, Vnode& target, std::string_view name,
                             const executive::CpioEntry& entry) {
  // Walk to the parent, creating missing directories.
  rtl::RefPtr<Vnode> dir = retain(target);
  for (;;) {
    size_t slash = name.find('/');
    if (slash == std::string_view::npos) break;
    std::string_view component = name.substr(0, slash);
    name.remove_prefix(slash + 1);
    if (component.empty() || component == ".") continue;
    if (component.size() > kLinuxNameMax) return sys_error(LINUX_ENAMETOOLONG);
    auto next = vfs.resolve(dir.get(), component, Vfs::kFollow);
    if (next.is_ok()) {
      dir = next.release_value();
    } else if (next.error() == -LINUX_ENOENT) {
      SYS_TRY(dir->ops().mkdir(*dir, component, 0755));
      dir = SYS_TRY(vfs.lookup_child(*dir, component));
    } else {
      return SysError{next.error()};
    }
    if (!dir->is_directory()) return sys_error(LINUX_ENOTDIR);
  }
  if (name.empty() || name == ".") return {};  // the target itself
  if (name.size() > kLinuxNameMax) return sys_error(LINUX_ENAMETOOLONG);

  rtl::RefPtr<Vnode> existing;
  auto found = dir->ops().lookup(*dir, name);
  if (found.is_ok()) existing = found.release_value();
  if (existing && existing->mounted_here) return sys_error(LINUX_EBUSY);
  if (existing && !(existing->is_directory() && entry.is_directory())) {
    SYS_TRY(clear(*dir, name, *existing));
    existing.reset();
  }

  rtl::RefPtr<Vnode> vnode;
  VnodeType type;
  if (!type_from_mode(entry.mode, &type)) return {};  // skipped type
  uint32_t permissions = entry.permissions();
  switch (type) {
    case VnodeType::directory:
      vnode = existing ? existing : SYS_TRY(dir->ops().mkdir(*dir, name, permissions));
      vnode->permissions = permissions;
      break;
    case VnodeType::regular: {
      vnode = SYS_TRY(dir->ops().create(*dir, name, permissions));
      size_t written = 0;
      while (written < entry.size) {
        auto count = vnode->ops().write(*vnode, written, entry.data + written, entry.size - written);
        if (count.is_error()) {
          (void)dir->ops().unlink(*dir, name);  // no half files
          return SysError{count.error()};
        }
        written += count.value();
      }
      break;
    }
    case VnodeType::symlink:
      vnode = SYS_TRY(dir->ops().symlink(
          *dir, name, std::string_view(reinterpret_cast<const char*>(entry.data), entry.size)));
      break;
    case VnodeType::char_device:
    case VnodeType::fifo:
      vnode = SYS_TRY(dir->ops().mknod(*dir, name, entry.mode,
                                       linux_makedev(entry.rdev_major, entry.rdev_minor)));
      break;
  }
  vnode->uid = entry.uid;
  vnode->gid = entry.gid;
  vnode->mtime_ns = uint64_t{entry.mtime} * 1'000'000'000;
  return {};
}

}  // namespace

SysResult<size_t> unpack_initramfs(Vfs& vfs, Vnode& target, const executive::CpioArchive& archive) {
  if (!target.is_directory()) return sys_error(LINUX_ENOTDIR);
  for (const executive::CpioEntry& entry : archive)
    if (has_dotdot(std::string_view(entry.name, entry.name_length))) return sys_error(LINUX_EINVAL);
  size_t unpacked = 0;
  for (const executive::CpioEntry& entry : archive) {
    std::string_view name = strip_prefix(std::string_view(entry.name, entry.name_length));
    SYS_TRY(unpack_entry(vfs, target, name, entry));
    ++unpacked;
  }
  return unpacked;
}

}  // namespace bsdlayer
