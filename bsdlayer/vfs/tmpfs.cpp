// tmpfs: creation, per-type private data and its release, symlink targets.
// Directory operations are in tmpfs_directory.cpp, file data in tmpfs_file.cpp.
#include <cstring>

#include "tmpfs_node.h"

namespace bsdlayer::tmpfs {

const Ops g_ops;

Directory::~Directory() {
  while (Dirent* entry = entries.pop_front()) rtl::detail::destroy_on_heap(entry);
}

SysResult<rtl::RefPtr<Vnode>> new_vnode(FileSystem& fs, VnodeType type, uint32_t permissions) {
  void* state = nullptr;
  if (type == VnodeType::directory) {
    state = rtl::detail::create_on_heap<Directory>();
  } else if (type == VnodeType::regular) {
    state = rtl::detail::create_on_heap<File>();
  } else if (type == VnodeType::symlink) {
    state = rtl::detail::create_on_heap<Symlink>();
  }
  bool needs_state = type == VnodeType::directory || type == VnodeType::regular ||
                     type == VnodeType::symlink;
  if (needs_state && !state) return sys_error(LINUX_ENOMEM);
  Vnode* vnode = rtl::detail::create_on_heap<Vnode>(fs, type, permissions, g_ops);
  if (!vnode) {
    // Not yet owned by a vnode: free it as release() would.
    if (type == VnodeType::directory) rtl::detail::destroy_on_heap(static_cast<Directory*>(state));
    if (type == VnodeType::regular) rtl::detail::destroy_on_heap(static_cast<File*>(state));
    if (type == VnodeType::symlink) rtl::detail::destroy_on_heap(static_cast<Symlink*>(state));
    return sys_error(LINUX_ENOMEM);
  }
  vnode->fs_private = state;
  if (type == VnodeType::directory) vnode->nlink = 2;
  return rtl::adopt_ref(*vnode);
}

void Ops::release(Vnode& vnode) const {
  switch (vnode.type()) {
    case VnodeType::directory:
      rtl::detail::destroy_on_heap(&directory_of(vnode));
      break;
    case VnodeType::regular:
      discard_pages(vnode, 0);
      rtl::detail::destroy_on_heap(&file_of(vnode));
      break;
    case VnodeType::symlink:
      rtl::detail::destroy_on_heap(&symlink_of(vnode));
      break;
    default:
      break;
  }
  vnode.fs_private = nullptr;
}

SysResult<size_t> Ops::readlink(Vnode& link, char* buffer, size_t length) const {
  if (!link.is_symlink()) return sys_error(LINUX_EINVAL);
  const rtl::OwnArray<char>& target = symlink_of(link).target;
  size_t count = target.size() < length ? target.size() : length;
  memcpy(buffer, target.data(), count);
  return count;
}

}  // namespace bsdlayer::tmpfs

namespace bsdlayer {

SysResult<rtl::OwnPtr<FileSystem>> create_tmpfs(uint64_t device, Clock clock,
                                                uint32_t root_permissions, uint64_t page_limit,
                                                const char* type_name) {
  rtl::OwnPtr<FileSystem> fs = SYS_TRY(to_sys(rtl::try_make<FileSystem>(type_name, device, clock)));
  fs->page_limit = page_limit;
  fs->root = SYS_TRY(tmpfs::new_vnode(*fs, VnodeType::directory, root_permissions));
  return fs;
}

}  // namespace bsdlayer
