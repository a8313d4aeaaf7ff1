// tmpfs directories: a list of named entries in creation order, each with a
// readdir cookie that never changes, so entries added or removed during a
// readdir neither repeat nor hide the others. Lookup is linear (directories
// here are small; a hash arrives when one is not).
//
// nlink follows Unix: a directory has 2 + its subdirectories, a file one per
// entry. Each operation allocates everything it needs before it changes the
// tree, so ENOMEM leaves the tree as it was.
#include <cstring>

#include "bsdlayer/vfs/dirent_writer.h"
#include "tmpfs_node.h"

namespace bsdlayer::tmpfs {
namespace {

Dirent* find(Vnode& dir, std::string_view name) {
  for (Dirent& entry : directory_of(dir).entries)
    if (entry.name_view() == name) return &entry;
  return nullptr;
}

bool is_dead(Vnode& dir) { return dir.nlink == 0; }

SysResult<Dirent*> new_dirent(std::string_view name) {
  Dirent* entry = rtl::detail::create_on_heap<Dirent>();
  if (!entry) return sys_error(LINUX_ENOMEM);
  auto chars = rtl::try_allocate_array<char>(name.size());
  if (chars.is_error()) {
    rtl::detail::destroy_on_heap(entry);
    return sys_error(LINUX_ENOMEM);
  }
  entry->name = chars.release_value();
  memcpy(entry->name.data(), name.data(), name.size());
  return entry;
}

// Links a prepared entry for `vnode` into `dir`.
void link(Vnode& dir, Dirent* entry, rtl::RefPtr<Vnode> vnode) {
  Directory& directory = directory_of(dir);
  if (vnode->is_directory()) {
    directory_of(*vnode).parent = &dir;
    ++dir.nlink;
  }
  entry->vnode = std::move(vnode);
  entry->cookie = directory.next_cookie++;
  directory.entries.push_back(*entry);
  dir.size += kDirentSize;
  dir.touch_modified();
}

// Unlinks and frees `entry`; the vnode loses a link (a directory all of
// them: it becomes dead).
void unlink_entry(Vnode& dir, Dirent* entry) {
  Vnode& vnode = *entry->vnode;
  if (vnode.is_directory()) {
    directory_of(vnode).parent = nullptr;
    vnode.nlink = 0;
    --dir.nlink;
  } else {
    --vnode.nlink;
  }
  vnode.touch_changed();
  directory_of(dir).entries.remove(*entry);
  dir.size -= kDirentSize;
  dir.touch_modified();
  rtl::detail::destroy_on_heap(entry);
}

SysResult<rtl::RefPtr<Vnode>> add(Vnode& dir, std::string_view name, VnodeType type,
                                  uint32_t permissions) {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  if (is_dead(dir)) return sys_error(LINUX_ENOENT);
  if (find(dir, name)) return sys_error(LINUX_EEXIST);
  rtl::RefPtr<Vnode> vnode = SYS_TRY(new_vnode(dir.fs(), type, permissions));
  Dirent* entry = SYS_TRY(new_dirent(name));
  link(dir, entry, vnode);
  return vnode;
}

}  // namespace

SysResult<rtl::RefPtr<Vnode>> Ops::lookup(Vnode& dir, std::string_view name) const {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  if (name == "..") {
    if (is_dead(dir)) return sys_error(LINUX_ENOENT);
    Vnode* parent = directory_of(dir).parent;
    Vnode& up = parent ? *parent : dir;  // the root is its own parent
    up.ref();
    return rtl::adopt_ref(up);
  }
  Dirent* entry = find(dir, name);
  if (!entry) return sys_error(LINUX_ENOENT);
  return entry->vnode;
}

SysResult<rtl::RefPtr<Vnode>> Ops::create(Vnode& dir, std::string_view name,
                                          uint32_t permissions) const {
  return add(dir, name, VnodeType::regular, permissions);
}

SysResult<rtl::RefPtr<Vnode>> Ops::mkdir(Vnode& dir, std::string_view name,
                                         uint32_t permissions) const {
  return add(dir, name, VnodeType::directory, permissions);
}

SysResult<rtl::RefPtr<Vnode>> Ops::mknod(Vnode& dir, std::string_view name, uint32_t mode,
                                         uint64_t rdev) const {
  VnodeType type;
  if (!type_from_mode(mode, &type) || type == VnodeType::directory || type == VnodeType::symlink)
    return sys_error(LINUX_EINVAL);
  rtl::RefPtr<Vnode> vnode = SYS_TRY(add(dir, name, type, mode));
  if (type == VnodeType::char_device) vnode->rdev = rdev;
  return vnode;
}

SysResult<rtl::RefPtr<Vnode>> Ops::symlink(Vnode& dir, std::string_view name,
                                           std::string_view target) const {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  if (is_dead(dir)) return sys_error(LINUX_ENOENT);
  if (find(dir, name)) return sys_error(LINUX_EEXIST);
  rtl::RefPtr<Vnode> vnode = SYS_TRY(new_vnode(dir.fs(), VnodeType::symlink, 0777));
  symlink_of(*vnode).target = SYS_TRY(to_sys(rtl::try_allocate_array<char>(target.size())));
  memcpy(symlink_of(*vnode).target.data(), target.data(), target.size());
  vnode->size = target.size();
  Dirent* entry = SYS_TRY(new_dirent(name));
  link(dir, entry, vnode);
  return vnode;
}

SysResult<void> Ops::unlink(Vnode& dir, std::string_view name) const {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  Dirent* entry = find(dir, name);
  if (!entry) return sys_error(LINUX_ENOENT);
  if (entry->vnode->is_directory()) return sys_error(LINUX_EISDIR);
  unlink_entry(dir, entry);
  return {};
}

SysResult<void> Ops::rmdir(Vnode& dir, std::string_view name) const {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  Dirent* entry = find(dir, name);
  if (!entry) return sys_error(LINUX_ENOENT);
  if (!entry->vnode->is_directory()) return sys_error(LINUX_ENOTDIR);
  if (!directory_of(*entry->vnode).entries.empty()) return sys_error(LINUX_ENOTEMPTY);
  unlink_entry(dir, entry);
  return {};
}

SysResult<void> Ops::rename(Vnode& old_dir, std::string_view old_name, Vnode& new_dir,
                            std::string_view new_name) const {
  if (!old_dir.is_directory() || !new_dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  Dirent* source = find(old_dir, old_name);
  if (!source) return sys_error(LINUX_ENOENT);
  if (is_dead(new_dir)) return sys_error(LINUX_ENOENT);
  Vnode& moving = *source->vnode;
  Dirent* target = find(new_dir, new_name);
  if (target && target->vnode.get() == &moving) return {};  // same file: nothing to do
  if (moving.is_directory()) {
    // Into its own subtree would detach a cycle from the tree.
    for (Vnode* up = &new_dir; up; up = directory_of(*up).parent)
      if (up == &moving) return sys_error(LINUX_EINVAL);
  }
  if (target) {
    Vnode& victim = *target->vnode;
    if (moving.is_directory() && !victim.is_directory()) return sys_error(LINUX_ENOTDIR);
    if (!moving.is_directory() && victim.is_directory()) return sys_error(LINUX_EISDIR);
    if (victim.is_directory() && !directory_of(victim).entries.empty())
      return sys_error(LINUX_ENOTEMPTY);
  }
  Dirent* fresh = SYS_TRY(new_dirent(new_name));
  // Nothing can fail from here on. A move neither adds nor removes names of
  // `moving` (nor, for a directory, its subdirectories' ".." links).
  uint32_t links = moving.nlink;
  rtl::RefPtr<Vnode> keep = source->vnode;
  unlink_entry(old_dir, source);
  if (target) unlink_entry(new_dir, target);
  link(new_dir, fresh, std::move(keep));
  moving.nlink = links;
  moving.touch_changed();
  return {};
}

SysResult<void> Ops::readdir(Vnode& dir, uint64_t& cookie, DirentWriter& out) const {
  if (!dir.is_directory()) return sys_error(LINUX_ENOTDIR);
  if (cookie == 0) {
    if (!out.add(dir.ino, 1, dirent_type(VnodeType::directory), ".")) return {};
    cookie = 1;
  }
  if (cookie == 1) {
    Vnode* parent = directory_of(dir).parent;
    if (!out.add(parent ? parent->ino : dir.ino, 2, dirent_type(VnodeType::directory), ".."))
      return {};
    cookie = 2;
  }
  for (Dirent& entry : directory_of(dir).entries) {
    if (entry.cookie < cookie) continue;
    if (!out.add(entry.vnode->ino, entry.cookie + 1, dirent_type(entry.vnode->type()),
                 entry.name_view()))
      return {};
    cookie = entry.cookie + 1;
  }
  dir.atime_ns = dir.fs().now();
  return {};
}

}  // namespace bsdlayer::tmpfs
