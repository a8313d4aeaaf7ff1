// brk, mmap, munmap, mprotect: a process's memory over its task's address map.
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "bsdlayer/vfs/vfs.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kUserEnd = 0x0000800000000000;
constexpr uint32_t kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20;
constexpr uint32_t kMapFixedNoReplace = 0x100000;
constexpr uint32_t kProtMask = 7;

uint64_t page_up(uint64_t value) { return (value + kPage - 1) & ~(kPage - 1); }

int errno_of(const rtl::Error& error) {
  switch (error.code()) {
    case rtl::Errc::no_memory: return -LINUX_ENOMEM;
    case rtl::Errc::permission_denied: return -LINUX_EACCES;
    case rtl::Errc::not_found: return -LINUX_ENOMEM;  // Linux: munmap/mprotect of a hole
    default: return -LINUX_EINVAL;
  }
}

int64_t sys_brk(SyscallContext& c) {
  Process* process = current_process();
  uint64_t requested = c.arg[0];
  if (requested < process->brk_start || requested > kUserEnd) return static_cast<int64_t>(process->brk_end);
  uint64_t old_top = page_up(process->brk_end), new_top = page_up(requested);
  microcore::Task& task = microcore::current_task();
  if (new_top > old_top) {
    if (microcore::map_anonymous(task, old_top, new_top - old_top, 3, true).is_error())
      return static_cast<int64_t>(process->brk_end);  // Linux reports failure by not moving
  } else if (new_top < old_top) {
    (void)microcore::unmap(task, new_top, old_top - new_top);
  }
  process->brk_end = requested;
  return static_cast<int64_t>(requested);
}

// Private file mappings are filled by copy: a private mapping never writes
// back, so a copy is exactly its semantics.
int64_t fill_from_file(int fd, uint64_t address, uint64_t length, uint64_t offset) {
  Process* process = current_process();
  uint8_t chunk[1024];
  for (uint64_t done = 0; done < length;) {
    uint64_t want = length - done < sizeof chunk ? length - done : sizeof chunk;
    size_t got;
    {
      BsdLock lock;
      auto file = process->files->get(fd);
      if (file.is_error()) return file.error();
      auto read = file.value()->read_at(offset + done, chunk, want);
      if (read.is_error()) return read.error();
      got = read.value();
    }
    if (got == 0) break;  // past the end of the file: the rest stays zero
    if (!microcore::copy_to_user(address + done, chunk, got)) return -LINUX_EFAULT;
    done += got;
  }
  return 0;
}

int64_t sys_mmap(SyscallContext& c) {
  uint64_t address = c.arg[0], length = c.arg[1];
  uint32_t protection = static_cast<uint32_t>(c.arg[2]) & kProtMask, flags = static_cast<uint32_t>(c.arg[3]);
  int fd = static_cast<int>(c.arg[4]);
  uint64_t offset = c.arg[5];
  if (length == 0 || length > kUserEnd || (offset & (kPage - 1))) return -LINUX_EINVAL;
  if (!(flags & (kMapShared | kMapPrivate))) return -LINUX_EINVAL;
  bool anonymous = flags & kMapAnonymous;
  if (!anonymous && (flags & kMapShared)) return -LINUX_ENODEV;  // no shared file mappings yet
  bool fixed = flags & (kMapFixed | kMapFixedNoReplace);
  if (fixed && (address & (kPage - 1))) return -LINUX_EINVAL;
  length = page_up(length);
  microcore::Task& task = microcore::current_task();
  Process* process = current_process();
  if (!anonymous) {
    BsdLock lock;
    if (process->files->get(fd).is_error()) return -LINUX_EBADF;
  }
  if (flags & kMapFixed) (void)microcore::unmap(task, address, length);
  uint64_t hint = fixed ? address : (address ? page_up(address) : process->mmap_hint);
  uint32_t initial = anonymous ? protection : (protection | 2);  // file data is copied in first
  uint64_t at = 0;
  if (auto mapped = microcore::map_anonymous(task, hint, length, initial, fixed); mapped.is_ok()) {
    at = mapped.value();
  } else if (fixed) {
    return mapped.error().code() == rtl::Errc::no_memory ? -LINUX_ENOMEM : -LINUX_EEXIST;
  } else if (auto anywhere = microcore::map_anonymous(task, 0, length, initial, false); anywhere.is_ok()) {
    at = anywhere.value();  // the hint's neighbourhood is full: first fit anywhere
  } else {
    return -LINUX_ENOMEM;
  }
  if (!anonymous) {
    if (int64_t error = fill_from_file(fd, at, c.arg[1], offset); error < 0) {
      (void)microcore::unmap(task, at, length);
      return error;
    }
    if (!(protection & 2)) (void)microcore::protect(task, at, length, protection);
  }
  return static_cast<int64_t>(at);
}

int64_t sys_munmap(SyscallContext& c) {
  if ((c.arg[0] & (kPage - 1)) || c.arg[1] == 0 || c.arg[1] > kUserEnd) return -LINUX_EINVAL;
  auto result = microcore::unmap(microcore::current_task(), c.arg[0], page_up(c.arg[1]));
  return result.is_ok() || result.error().code() == rtl::Errc::not_found ? 0 : errno_of(result.error());
}

int64_t sys_mprotect(SyscallContext& c) {
  if (c.arg[0] & (kPage - 1)) return -LINUX_EINVAL;
  if (c.arg[1] == 0) return 0;
  auto result = microcore::protect(microcore::current_task(), c.arg[0], page_up(c.arg[1]),
                                   static_cast<uint32_t>(c.arg[2]) & kProtMask);
  return result.is_ok() ? 0 : errno_of(result.error());
}

int64_t sys_madvise(SyscallContext&) { return 0; }  // advice only

uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

}  // namespace

void register_memory_syscalls() {
  register_syscall(nr(Syscall::brk), sys_brk);
  register_syscall(nr(Syscall::mmap), sys_mmap);
  register_syscall(nr(Syscall::munmap), sys_munmap);
  register_syscall(nr(Syscall::mprotect), sys_mprotect);
  register_syscall(nr(Syscall::madvise), sys_madvise);
}

}  // namespace bsdlayer
