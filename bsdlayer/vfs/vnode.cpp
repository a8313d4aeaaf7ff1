// Vnode bookkeeping and the default VnodeOps: each default is the errno
// Linux returns when the vnode's type cannot do the operation, so a
// filesystem overrides only what it supports.
#include "bsdlayer/vfs/vnode.h"

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer/vfs/file_system.h"

namespace bsdlayer {

uint32_t type_bits(VnodeType type) {
  switch (type) {
    case VnodeType::regular: return LINUX_S_IFREG;
    case VnodeType::directory: return LINUX_S_IFDIR;
    case VnodeType::symlink: return LINUX_S_IFLNK;
    case VnodeType::char_device: return LINUX_S_IFCHR;
    case VnodeType::fifo: return LINUX_S_IFIFO;
  }
  return 0;
}

uint8_t dirent_type(VnodeType type) {
  switch (type) {
    case VnodeType::regular: return LINUX_DT_REG;
    case VnodeType::directory: return LINUX_DT_DIR;
    case VnodeType::symlink: return LINUX_DT_LNK;
    case VnodeType::char_device: return LINUX_DT_CHR;
    case VnodeType::fifo: return LINUX_DT_FIFO;
  }
  return LINUX_DT_UNKNOWN;
}

bool type_from_mode(uint32_t mode, VnodeType* type) {
  switch (mode & LINUX_S_IFMT) {
    case LINUX_S_IFREG: *type = VnodeType::regular; return true;
    case LINUX_S_IFDIR: *type = VnodeType::directory; return true;
    case LINUX_S_IFLNK: *type = VnodeType::symlink; return true;
    case LINUX_S_IFCHR: *type = VnodeType::char_device; return true;
    case LINUX_S_IFIFO: *type = VnodeType::fifo; return true;
    default: return false;
  }
}

linux_stat to_linux_stat(const VnodeAttributes& a) {
  linux_stat s = {};
  s.st_dev = a.dev;
  s.st_ino = a.ino;
  s.st_nlink = a.nlink;
  s.st_mode = a.mode;
  s.st_uid = a.uid;
  s.st_gid = a.gid;
  s.st_rdev = a.rdev;
  s.st_size = static_cast<int64_t>(a.size);
  s.st_blksize = a.block_size;
  s.st_blocks = static_cast<int64_t>(a.blocks);
  constexpr uint64_t kNs = 1'000'000'000;
  s.st_atim = {static_cast<int64_t>(a.atime_ns / kNs), static_cast<int64_t>(a.atime_ns % kNs)};
  s.st_mtim = {static_cast<int64_t>(a.mtime_ns / kNs), static_cast<int64_t>(a.mtime_ns % kNs)};
  s.st_ctim = {static_cast<int64_t>(a.ctime_ns / kNs), static_cast<int64_t>(a.ctime_ns % kNs)};
  return s;
}

Vnode::Vnode(FileSystem& fs, VnodeType type, uint32_t mode_permissions, const VnodeOps& ops)
    : ino(fs.allocate_inode_number()),
      permissions(mode_permissions & 07777),
      fs_(&fs),
      ops_(&ops),
      type_(type) {
  atime_ns = mtime_ns = ctime_ns = fs.now();
  ++fs.live_vnodes;
}

Vnode::~Vnode() {
  RTL_ASSERT(!mounted_here);  // the Mount holds a reference
  ops_->release(*this);
  --fs_->live_vnodes;
}

void Vnode::touch_modified() { mtime_ns = ctime_ns = fs_->now(); }
void Vnode::touch_changed() { ctime_ns = fs_->now(); }

SysResult<rtl::RefPtr<Vnode>> VnodeOps::lookup(Vnode&, std::string_view) const {
  return sys_error(LINUX_ENOTDIR);
}
SysResult<rtl::RefPtr<Vnode>> VnodeOps::create(Vnode&, std::string_view, uint32_t) const {
  return sys_error(LINUX_ENOTDIR);
}
SysResult<rtl::RefPtr<Vnode>> VnodeOps::mkdir(Vnode&, std::string_view, uint32_t) const {
  return sys_error(LINUX_ENOTDIR);
}
SysResult<rtl::RefPtr<Vnode>> VnodeOps::mknod(Vnode&, std::string_view, uint32_t, uint64_t) const {
  return sys_error(LINUX_EPERM);
}
SysResult<rtl::RefPtr<Vnode>> VnodeOps::symlink(Vnode&, std::string_view, std::string_view) const {
  return sys_error(LINUX_ENOTDIR);
}
SysResult<void> VnodeOps::unlink(Vnode&, std::string_view) const { return sys_error(LINUX_ENOTDIR); }
SysResult<void> VnodeOps::rmdir(Vnode&, std::string_view) const { return sys_error(LINUX_ENOTDIR); }
SysResult<void> VnodeOps::rename(Vnode&, std::string_view, Vnode&, std::string_view) const {
  return sys_error(LINUX_EXDEV);
}
SysResult<void> VnodeOps::readdir(Vnode&, uint64_t&, DirentWriter&) const {
  return sys_error(LINUX_ENOTDIR);
}
SysResult<size_t> VnodeOps::read(Vnode& file, uint64_t, void*, size_t) const {
  return sys_error(file.is_directory() ? LINUX_EISDIR : LINUX_EINVAL);
}
SysResult<size_t> VnodeOps::write(Vnode& file, uint64_t, const void*, size_t) const {
  return sys_error(file.is_directory() ? LINUX_EISDIR : LINUX_EINVAL);
}
SysResult<void> VnodeOps::truncate(Vnode& file, uint64_t) const {
  return sys_error(file.is_directory() ? LINUX_EISDIR : LINUX_EINVAL);
}
SysResult<size_t> VnodeOps::readlink(Vnode&, char*, size_t) const { return sys_error(LINUX_EINVAL); }

VnodeAttributes VnodeOps::getattr(const Vnode& v) const {
  VnodeAttributes a = {};
  a.dev = v.fs().device();
  a.ino = v.ino;
  a.nlink = v.nlink;
  a.mode = v.mode();
  a.uid = v.uid;
  a.gid = v.gid;
  a.rdev = v.rdev;
  a.size = v.size;
  a.blocks = v.blocks;
  a.block_size = 4096;
  a.atime_ns = v.atime_ns;
  a.mtime_ns = v.mtime_ns;
  a.ctime_ns = v.ctime_ns;
  return a;
}

}  // namespace bsdlayer
