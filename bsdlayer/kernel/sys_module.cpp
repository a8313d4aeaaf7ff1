// Loadable kernel modules: init_module, finit_module, delete_module, on the
// executive's loader (executive/modules.h; the format is in
// executive/module_abi.h). The image is copied into a kernel buffer first,
// from user memory or from the file, so the loader never touches user space.
//
// Errors as Linux reports them: not a module -> ENOEXEC, unknown symbol or
// missing dependency -> ENOENT, already loaded -> EEXIST, in use -> EBUSY,
// no such module -> ENOENT; a nonzero init result is returned as -|result|.
// Module parameters are accepted and ignored (Amphi modules take none).
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/syscall_table.h"
#include "bsdlayer/vfs/sys_result.h"
#include "executive/module_object.h"
#include "executive/modules.h"
#include "rtl/alloc.h"
#include "sys_file_common.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr uint64_t kMaxImage = executive::modules::kMaxModuleImageBytes;
constexpr size_t kReadChunk = 64 * 1024;
constexpr uint64_t kFinitKnownFlags = 0x7;  // IGNORE_MODVERSIONS | IGNORE_VERMAGIC | COMPRESSED_FILE

class ImageBuffer {
 public:
  explicit ImageBuffer(size_t size) : data_(static_cast<uint8_t*>(rtl::allocate(size ? size : 1))), size_(size) {}
  ~ImageBuffer() {
    if (data_) rtl::deallocate(data_, size_ ? size_ : 1);
  }
  ImageBuffer(const ImageBuffer&) = delete;
  ImageBuffer& operator=(const ImageBuffer&) = delete;
  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  uint8_t* data_;
  size_t size_;
};

int64_t load(const uint8_t* image, size_t size) {
  auto outcome = executive::modules::load_module(image, size);
  if (outcome.error != rtl::Errc::ok) return -errno_from_errc(outcome.error);
  if (outcome.init_result < 0) return outcome.init_result;
  return outcome.init_result > 0 ? -static_cast<int64_t>(outcome.init_result) : 0;
}

// init_module(image, length, params)
int64_t sys_init_module(SyscallContext& c) {
  uint64_t length = c.arg[1];
  if (length > kMaxImage) return -LINUX_EFBIG;
  if (length == 0) return -LINUX_ENOEXEC;
  ImageBuffer image(length);
  if (!image.data()) return -LINUX_ENOMEM;
  if (!microcore::copy_from_user(image.data(), c.arg[0], length)) return -LINUX_EFAULT;
  return load(image.data(), length);
}

// finit_module(fd, params, flags)
int64_t sys_finit_module(SyscallContext& c) {
  if (c.arg[2] & ~kFinitKnownFlags) return -LINUX_EINVAL;
  file_calls::FileRef file;
  if (int64_t rc = file_calls::get_file(static_cast<int>(c.arg[0]), file)) return rc;
  uint64_t size;
  {
    BsdLock lock;
    if (!file->readable()) return -LINUX_EBADF;
    if (file->vnode().type() != VnodeType::regular) return -LINUX_EINVAL;
    size = file->vnode().size;
  }
  if (size > kMaxImage) return -LINUX_EFBIG;
  if (size == 0) return -LINUX_ENOEXEC;
  ImageBuffer image(size);
  if (!image.data()) return -LINUX_ENOMEM;
  uint64_t done = 0;
  while (done < size) {
    size_t chunk = size - done < kReadChunk ? size - done : kReadChunk;
    BsdLock lock;
    auto got = file->read_at(done, image.data() + done, chunk);
    if (got.is_error()) return got.error();
    if (got.value() == 0) break;  // truncated meanwhile
    done += got.value();
  }
  return load(image.data(), done);
}

// delete_module(name, flags)
int64_t sys_delete_module(SyscallContext& c) {
  char name[AMPHI_MODULE_NAME_MAX];
  auto copied = microcore::copy_string_from_user(name, c.arg[0], sizeof name);
  if (copied.is_error()) return copied.error().code() == rtl::Errc::too_big ? -LINUX_ENOENT : -LINUX_EFAULT;
  auto unloaded = executive::modules::unload_module(name);
  return unloaded.is_ok() ? 0 : -errno_from_errc(unloaded.error().code());
}

}  // namespace

void register_module_syscalls() {
  register_syscall(nr(Syscall::init_module), sys_init_module);
  register_syscall(nr(Syscall::finit_module), sys_finit_module);
  register_syscall(nr(Syscall::delete_module), sys_delete_module);
}

}  // namespace bsdlayer
