// tmpfs internals shared by its source files: the per-vnode private data and
// the one VnodeOps instance.
//
// Ownership: a directory's entries each hold a reference to their vnode;
// a directory knows its parent by raw pointer, valid because a directory
// with children cannot be removed (ENOTEMPTY), so the parent lives as long
// as any child names it. `parent` is null exactly when the directory is not
// linked anywhere: the root, or a removed directory (nlink 0, "dead": no
// new entries, ".." is ENOENT).
#pragma once

#include <cstdint>
#include <string_view>

#include "bsdlayer/vfs/tmpfs.h"
#include "bsdlayer/vfs/vnode.h"
#include "rtl/intrusive_list.h"
#include "rtl/own_array.h"

namespace bsdlayer::tmpfs {

// Linux tmpfs's BOGO_DIRENT_SIZE: a directory's st_size grows by this per entry.
inline constexpr uint64_t kDirentSize = 20;

struct Dirent {
  rtl::IntrusiveListNode node;
  rtl::RefPtr<Vnode> vnode;
  uint64_t cookie;  // readdir position; increases along the list
  rtl::OwnArray<char> name;
  std::string_view name_view() const { return {name.data(), name.size()}; }
};

struct Directory {
  ~Directory();
  rtl::IntrusiveList<Dirent, &Dirent::node> entries;  // in creation order
  uint64_t next_cookie = 2;                            // 0 ".", 1 ".."
  Vnode* parent = nullptr;
};

struct File {
  ~File();
  rtl::OwnArray<uint8_t*> pages;  // null entries are holes
};

struct Symlink {
  rtl::OwnArray<char> target;
};

class Ops final : public VnodeOps {
 public:
  SysResult<rtl::RefPtr<Vnode>> lookup(Vnode& dir, std::string_view name) const override;
  SysResult<rtl::RefPtr<Vnode>> create(Vnode& dir, std::string_view name,
                                       uint32_t permissions) const override;
  SysResult<rtl::RefPtr<Vnode>> mkdir(Vnode& dir, std::string_view name,
                                      uint32_t permissions) const override;
  SysResult<rtl::RefPtr<Vnode>> mknod(Vnode& dir, std::string_view name, uint32_t mode,
                                      uint64_t rdev) const override;
  SysResult<rtl::RefPtr<Vnode>> symlink(Vnode& dir, std::string_view name,
                                        std::string_view target) const override;
  SysResult<void> unlink(Vnode& dir, std::string_view name) const override;
  SysResult<void> rmdir(Vnode& dir, std::string_view name) const override;
  SysResult<void> rename(Vnode& old_dir, std::string_view old_name, Vnode& new_dir,
                         std::string_view new_name) const override;
  SysResult<void> readdir(Vnode& dir, uint64_t& cookie, DirentWriter& out) const override;
  SysResult<size_t> read(Vnode& file, uint64_t offset, void* buffer, size_t length) const override;
  SysResult<size_t> write(Vnode& file, uint64_t offset, const void* buffer,
                          size_t length) const override;
  SysResult<void> truncate(Vnode& file, uint64_t size) const override;
  SysResult<size_t> readlink(Vnode& link, char* buffer, size_t length) const override;
  void release(Vnode& vnode) const override;
};

extern const Ops g_ops;

inline Directory& directory_of(Vnode& v) { return *static_cast<Directory*>(v.fs_private); }
inline File& file_of(Vnode& v) { return *static_cast<File*>(v.fs_private); }
inline Symlink& symlink_of(Vnode& v) { return *static_cast<Symlink*>(v.fs_private); }

// Frees a regular file's data pages from index `first` on (tmpfs_file.cpp).
void discard_pages(Vnode& vnode, uint64_t first);

// A new, unlinked vnode of `type` with its private data (none for devices
// and fifos).
SysResult<rtl::RefPtr<Vnode>> new_vnode(FileSystem& fs, VnodeType type, uint32_t permissions);

}  // namespace bsdlayer::tmpfs
