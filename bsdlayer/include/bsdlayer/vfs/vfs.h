// Vfs: the mount table, path resolution (namei) and the path-based calls
// the system-call layer makes (open, mkdir, unlink, rename, stat, ...).
//
// Paths are kernel copies of user strings (no NUL inside). Every call takes
// `base`: the directory relative paths start from (the cwd, or a dirfd's
// directory for the *at calls; null means the root). Absolute paths and
// ".." stop at the root; ".." at the root of a mounted filesystem crosses to
// the directory it covers, and a lookup that lands on a covered directory
// continues at the mounted root. Symbolic links are followed in the middle
// of a path always and at the end when asked (not for lstat/O_NOFOLLOW/the
// last component of a create or remove), 40 at most per resolution (ELOOP).
//
// Errors are Linux's, in Linux's precedence where the tests pin it down.
// There are no permission checks yet (every caller is root), and no locks:
// the process layer holds one VFS lock around every call. Ownership: the
// Vfs owns mounted filesystems; it must outlive every vnode reference and
// OpenFile (the kernel's never dies; tests drop theirs first).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bsdlayer/linux/stat.h"
#include "bsdlayer/vfs/char_device.h"
#include "bsdlayer/vfs/file_system.h"
#include "bsdlayer/vfs/open_file.h"
#include "rtl/intrusive_list.h"
#include "rtl/own_array.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {

inline constexpr size_t kLinuxPathMax = 4096;  // including the NUL
inline constexpr size_t kLinuxNameMax = 255;
inline constexpr int kLinuxMaxSymlinks = 40;

struct Mount {
  rtl::IntrusiveListNode node;
  rtl::OwnPtr<FileSystem> fs;
  rtl::RefPtr<Vnode> covered;  // null for the root mount
  Mount* parent = nullptr;     // the mount `covered` belongs to
  rtl::OwnArray<char> device_name;
  rtl::OwnArray<char> path;  // absolute, as /proc/mounts shows it
  rtl::OwnArray<char> options;
};

// One line of /proc/mounts.
struct MountInfo {
  std::string_view device_name;
  std::string_view mount_point;
  std::string_view fs_type;
  std::string_view options;
};

enum class LastComponent : uint8_t { normal, dot, dotdot, root };

// Where a create or remove acts: the directory and the final name.
struct ParentLookup {
  rtl::RefPtr<Vnode> dir;
  LastComponent kind = LastComponent::normal;
  bool trailing_slash = false;
  size_t name_length = 0;
  char name_storage[kLinuxNameMax + 1];
  std::string_view name() const { return {name_storage, name_length}; }
};

class Vfs {
 public:
  static constexpr uint32_t kFollow = 1;  // follow a symlink in the last component

  Vfs() = default;
  ~Vfs();  // unmounts everything, innermost first
  Vfs(const Vfs&) = delete;
  Vfs& operator=(const Vfs&) = delete;

  // --- mounts (mount_table.cpp)
  SysResult<void> mount_root(rtl::OwnPtr<FileSystem> fs, std::string_view device_name,
                             std::string_view options);
  // On an existing directory; EBUSY if something is mounted there already.
  SysResult<void> mount(Vnode* base, std::string_view path, rtl::OwnPtr<FileSystem> fs,
                        std::string_view device_name, std::string_view options);
  rtl::RefPtr<Vnode> root() const;
  // In mount order (parents before children).
  void for_each_mount(void (*visit)(const MountInfo& info, void* context), void* context) const;
  // /proc/mounts text ("tmpfs /tmp tmpfs rw 0 0\n" per mount); returns the
  // full length, writing at most `capacity` bytes.
  size_t format_mounts(char* buffer, size_t capacity) const;
  // getcwd: the absolute path of a directory, NUL-terminated; ENOENT if it
  // was removed, ERANGE if it does not fit. Returns the length with the NUL.
  SysResult<size_t> path_of(Vnode& directory, char* buffer, size_t capacity) const;

  CharDeviceRegistry& devices() { return devices_; }

  // --- namei (namei.cpp)
  SysResult<rtl::RefPtr<Vnode>> resolve(Vnode* base, std::string_view path, uint32_t flags) const;
  // Resolves all but the last component (never following it).
  SysResult<ParentLookup> resolve_parent(Vnode* base, std::string_view path) const;
  // The workhorse: `links` counts symlinks followed so far, across calls
  // that continue one resolution. With `parent`, stops before the last
  // component and fills it in.
  SysResult<rtl::RefPtr<Vnode>> walk(Vnode* base, std::string_view path, uint32_t flags,
                                     int& links, ParentLookup* parent) const;
  // One name in `dir`, crossing into anything mounted on the result.
  SysResult<rtl::RefPtr<Vnode>> lookup_child(Vnode& dir, std::string_view name) const;

  // --- path calls (vfs_calls.cpp); flags/modes are Linux's values
  SysResult<rtl::RefPtr<OpenFile>> open(Vnode* base, std::string_view path, uint32_t flags,
                                        uint32_t permissions);
  // The OpenFile for a vnode already found (devices bound, modes checked).
  SysResult<rtl::RefPtr<OpenFile>> open_vnode(rtl::RefPtr<Vnode> vnode, uint32_t flags);
  SysResult<void> mkdir(Vnode* base, std::string_view path, uint32_t permissions);
  SysResult<void> mknod(Vnode* base, std::string_view path, uint32_t mode, uint64_t rdev);
  SysResult<void> symlink(std::string_view target, Vnode* base, std::string_view path);
  SysResult<void> unlink(Vnode* base, std::string_view path);
  SysResult<void> rmdir(Vnode* base, std::string_view path);
  SysResult<void> rename(Vnode* old_base, std::string_view old_path, Vnode* new_base,
                         std::string_view new_path);
  SysResult<size_t> readlink(Vnode* base, std::string_view path, char* buffer, size_t length);
  SysResult<linux_stat> stat(Vnode* base, std::string_view path, uint32_t flags);
  SysResult<void> truncate(Vnode* base, std::string_view path, uint64_t size);
  // chdir/chroot: the directory a path names (ENOTDIR otherwise).
  SysResult<rtl::RefPtr<Vnode>> resolve_directory(Vnode* base, std::string_view path);

 private:
  SysResult<void> attach(rtl::OwnPtr<FileSystem> fs, rtl::RefPtr<Vnode> covered,
                         std::string_view device_name, std::string_view options);

  rtl::IntrusiveList<Mount, &Mount::node> mounts_;  // parents before children
  Mount* root_mount_ = nullptr;
  CharDeviceRegistry devices_;
};

}  // namespace bsdlayer
