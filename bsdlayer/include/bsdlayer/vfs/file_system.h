// FileSystem: one mounted instance (a superblock): its root vnode, device
// number (st_dev), clock, inode numbering and space accounting.
//
// Concrete, not derived per type: filesystem behaviour lives in VnodeOps.
// Ownership: the mount table owns mounted filesystems (OwnPtr); a filesystem
// owns a reference to its root, and its directories own their children.
// Invariant: every vnode of this filesystem is gone before the FileSystem
// is (checked by live_vnodes in the destructor). No locks: see vnode.h.
#pragma once

#include <cstdint>

#include "bsdlayer/vfs/vnode.h"

namespace bsdlayer {

class FileSystem {
 public:
  FileSystem(const char* type_name, uint64_t device, Clock clock)
      : type_name_(type_name), device_(device), clock_(clock) {}
  ~FileSystem();
  FileSystem(const FileSystem&) = delete;
  FileSystem& operator=(const FileSystem&) = delete;

  const char* type_name() const { return type_name_; }  // "tmpfs", as /proc/mounts says
  uint64_t device() const { return device_; }
  uint64_t now() const { return clock_ ? clock_() : 0; }
  uint64_t allocate_inode_number() { return next_inode_++; }

  rtl::RefPtr<Vnode> root;  // set once by the filesystem's creator
  Mount* mount = nullptr;   // while mounted

  // Data pages in use and the most allowed (0: no limit); ENOSPC beyond it.
  uint64_t pages_used = 0;
  uint64_t page_limit = 0;

  uint64_t live_vnodes = 0;  // maintained by Vnode's constructor/destructor

 private:
  const char* type_name_;
  uint64_t device_;
  Clock clock_;
  uint64_t next_inode_ = 1;
};

}  // namespace bsdlayer
