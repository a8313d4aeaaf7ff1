// Vnode: one file of any type, in memory and reference-counted (an inode in
// Linux terms, a vnode in BSD's). Who may hold one: directory entries of its
// filesystem, OpenFiles, current directories, mounts, and callers between
// system calls' steps.
//
// Not polymorphic: RefCounted<T> frees with sizeof(T) (rtl/ref_counted.h), so
// filesystems do not derive from Vnode. Each keeps its per-file state behind
// `fs_private` and its behaviour in a VnodeOps table (an abstract class with
// one stateless, statically allocated instance per filesystem); the table's
// release() frees fs_private when the last reference goes.
//
// Invariants: the FileSystem outlives every one of its vnodes (the mount
// table owns filesystems and is torn down last). The type never changes.
// No locks inside: the whole VFS is serialized by the caller (the process
// layer holds one VFS lock around every call for now).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bsdlayer/linux/stat.h"
#include "bsdlayer/vfs/sys_result.h"
#include "rtl/ref_ptr.h"

namespace bsdlayer {

class DirentWriter;
class FileSystem;
struct Mount;
class Vnode;

// Wall-clock time in nanoseconds since the Unix epoch.
using Clock = uint64_t (*)();

enum class VnodeType : uint8_t { regular, directory, symlink, char_device, fifo };

uint32_t type_bits(VnodeType type);         // LINUX_S_IF*
uint8_t dirent_type(VnodeType type);        // LINUX_DT_*
bool type_from_mode(uint32_t mode, VnodeType* type);  // false for sockets, block devices

// What stat(2) reports, in the kernel's units.
struct VnodeAttributes {
  uint64_t dev;
  uint64_t ino;
  uint64_t nlink;
  uint32_t mode;  // type bits | permissions
  uint32_t uid;
  uint32_t gid;
  uint64_t rdev;
  uint64_t size;
  uint64_t blocks;  // 512-byte units
  uint32_t block_size;
  uint64_t atime_ns;
  uint64_t mtime_ns;
  uint64_t ctime_ns;
};

linux_stat to_linux_stat(const VnodeAttributes& attributes);

// Names passed to directory operations are single components: non-empty, at
// most 255 bytes, no '/', never "." (the VFS handles that); ".." only to
// lookup(). Buffers are kernel memory; the process layer copies to and from
// user space. Every default returns the error Linux gives for a vnode that
// cannot do the operation.
class VnodeOps {
 public:
  virtual SysResult<rtl::RefPtr<Vnode>> lookup(Vnode& dir, std::string_view name) const;
  virtual SysResult<rtl::RefPtr<Vnode>> create(Vnode& dir, std::string_view name,
                                               uint32_t permissions) const;
  virtual SysResult<rtl::RefPtr<Vnode>> mkdir(Vnode& dir, std::string_view name,
                                              uint32_t permissions) const;
  // mode carries the type (LINUX_S_IFCHR, LINUX_S_IFIFO, LINUX_S_IFREG).
  virtual SysResult<rtl::RefPtr<Vnode>> mknod(Vnode& dir, std::string_view name, uint32_t mode,
                                              uint64_t rdev) const;
  virtual SysResult<rtl::RefPtr<Vnode>> symlink(Vnode& dir, std::string_view name,
                                                std::string_view target) const;
  virtual SysResult<void> unlink(Vnode& dir, std::string_view name) const;
  virtual SysResult<void> rmdir(Vnode& dir, std::string_view name) const;
  // Same filesystem; the VFS has refused "." / ".." and mount points.
  virtual SysResult<void> rename(Vnode& old_dir, std::string_view old_name, Vnode& new_dir,
                                 std::string_view new_name) const;
  // Emits entries from `cookie` on (0 is the start) until `out` is full,
  // advancing `cookie` past each one emitted.
  virtual SysResult<void> readdir(Vnode& dir, uint64_t& cookie, DirentWriter& out) const;

  virtual SysResult<size_t> read(Vnode& file, uint64_t offset, void* buffer, size_t length) const;
  virtual SysResult<size_t> write(Vnode& file, uint64_t offset, const void* buffer,
                                  size_t length) const;
  virtual SysResult<void> truncate(Vnode& file, uint64_t size) const;
  // Copies at most `length` bytes of the target (no NUL); returns the count.
  virtual SysResult<size_t> readlink(Vnode& link, char* buffer, size_t length) const;
  virtual VnodeAttributes getattr(const Vnode& vnode) const;

  // Frees fs_private. Called exactly once, from ~Vnode.
  virtual void release(Vnode&) const {}

 protected:
  ~VnodeOps() = default;  // instances are static; never deleted through this
};

class Vnode : public rtl::RefCounted<Vnode> {
 public:
  Vnode(FileSystem& fs, VnodeType type, uint32_t permissions, const VnodeOps& ops);
  ~Vnode();

  FileSystem& fs() const { return *fs_; }
  const VnodeOps& ops() const { return *ops_; }
  VnodeType type() const { return type_; }
  bool is_directory() const { return type_ == VnodeType::directory; }
  bool is_symlink() const { return type_ == VnodeType::symlink; }
  uint32_t mode() const { return type_bits(type_) | permissions; }
  VnodeAttributes attributes() const { return ops_->getattr(*this); }

  // Sets mtime and ctime (content changed) or just ctime, from the fs clock.
  void touch_modified();
  void touch_changed();

  // Plain attributes, maintained by the filesystem.
  uint64_t ino;
  uint32_t permissions;  // 07777 bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t nlink = 1;
  uint64_t size = 0;
  uint64_t rdev = 0;
  uint64_t blocks = 0;  // 512-byte units actually allocated
  uint64_t atime_ns;
  uint64_t mtime_ns;
  uint64_t ctime_ns;

  void* fs_private = nullptr;  // owned; freed by ops().release()
  // The mount whose root covers this directory, or null (set by the mount
  // table; the Mount holds a reference to this vnode meanwhile).
  Mount* mounted_here = nullptr;

 private:
  FileSystem* fs_;
  const VnodeOps* ops_;
  VnodeType type_;
};

// A new counted reference to a vnode the caller can already see.
inline rtl::RefPtr<Vnode> retain(Vnode& vnode) {
  vnode.ref();
  return rtl::adopt_ref(vnode);
}

}  // namespace bsdlayer
