// File-descriptor system calls: read/write and their vector and positioned
// forms, lseek, close and dup*, fcntl, fstat, getdents64, pipes, sendfile,
// fsync, ioctl (the console tty's termios, window size and job control).
// Path-based calls live in sys_path.cpp, poll/select in sys_poll.cpp;
// sys_file_common.h states the locking rules all three follow.
#include <cstring>

#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/linux/signal.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/linux/termios.h"
#include "bsdlayer/pipe.h"
#include "bsdlayer/tty/line_discipline.h"
#include "bsdlayer/vfs/vfs.h"
#include "driver_devices.h"
#include "rtl/alloc.h"
#include "rtl/platform.h"
#include "sys_file_common.h"

namespace bsdlayer::file_calls {

// --- shared helpers (declared in sys_file_common.h)

KernelBuffer::KernelBuffer(size_t size) : data_(static_cast<uint8_t*>(rtl::allocate(size))), size_(size) {}

KernelBuffer::~KernelBuffer() {
  if (data_) rtl::deallocate(data_, size_);
}

int64_t UserPath::copy_in(uint64_t user_address, bool allow_empty) {
  if (!buffer_.ok()) return -LINUX_ENOMEM;
  auto copied = microcore::copy_string_from_user(reinterpret_cast<char*>(buffer_.data()), user_address,
                                                 kLinuxPathMaxBytes);
  if (copied.is_error())
    return copied.error().code() == rtl::Errc::too_big ? -LINUX_ENAMETOOLONG : -LINUX_EFAULT;
  length_ = copied.value();
  if (length_ == 0 && !allow_empty) return -LINUX_ENOENT;
  return 0;
}

void FileRef::reset() {
  if (!file_) return;
  BsdLock lock;
  file_ = nullptr;
}

int64_t get_file(int fd, FileRef& out) {
  BsdLock lock;
  auto file = current_process()->files->get(fd);
  if (file.is_error()) return file.error();
  out.slot() = file.release_value();
  return 0;
}

SysResult<Vnode*> at_base(int dirfd, std::string_view path) {
  Process* process = current_process();
  if (!path.empty() && path[0] == '/') return process->cwd.get();
  if (dirfd == LINUX_AT_FDCWD) return process->cwd.get();
  rtl::RefPtr<OpenFile> file = SYS_TRY(process->files->get(dirfd));
  if (!file->vnode().is_directory()) return sys_error(LINUX_ENOTDIR);
  return &file->vnode();  // the descriptor table keeps it alive while locked
}

bool is_console_tty(const OpenFile& file) {
  return file.vnode().type() == VnodeType::char_device && console_tty::is_console(file.vnode().rdev);
}

microcore::WaitQueue* wait_queue_for(const OpenFile& file, bool for_write) {
  if (is_pipe(file.vnode())) return pipe_wait_queue(file.vnode(), for_write);
  if (!for_write && is_console_tty(file)) return &console_tty::readers();
  return nullptr;
}

namespace {

// Runs `attempt` under the lock until it answers something other than
// EAGAIN, sleeping on the file's queue in between. Interrupts stay off from
// the attempt to the sleep: on this single CPU the waker (an interrupt, or
// another thread under the lock) cannot slip in between.
template <typename Attempt>
int64_t retry_while_blocked(OpenFile& file, bool for_write, bool may_block, Attempt attempt) {
  // A sleeping device waits inside the call, outside the VFS lock. (Two
  // threads reading one shared descriptor may then race on its offset, as
  // they would on Linux without f_pos locking.)
  if (file.device_sleeps()) return attempt();
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_bsd();
    int64_t result = attempt();
    microcore::WaitQueue* queue = nullptr;
    if (result == -LINUX_EAGAIN && may_block && !(file.flags() & LINUX_O_NONBLOCK))
      queue = wait_queue_for(file, for_write);
    unlock_bsd();
    if (!queue) {
      rtl::platform::irq_restore(interrupts);
      return result;
    }
    microcore::WaitOutcome outcome = microcore::wait_on(*queue, 0);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted) return -LINUX_EINTR;
  }
}

int64_t to_int(SysResult<size_t>&& result) {
  return result.is_error() ? int64_t{result.error()} : static_cast<int64_t>(result.value());
}

}  // namespace

int64_t read_chunk(OpenFile& file, void* buffer, size_t length, int64_t offset, bool may_block) {
  return retry_while_blocked(file, false, may_block, [&] {
    return to_int(offset < 0 ? file.read(buffer, length) : file.read_at(offset, buffer, length));
  });
}

int64_t write_chunk(OpenFile& file, const void* buffer, size_t length, int64_t offset, bool may_block) {
  size_t done = 0;
  while (done < length) {
    const uint8_t* from = static_cast<const uint8_t*>(buffer) + done;
    int64_t written = retry_while_blocked(file, true, may_block, [&] {
      return to_int(offset < 0 ? file.write(from, length - done)
                               : file.write_at(offset + done, from, length - done));
    });
    if (written < 0) return done ? static_cast<int64_t>(done) : written;
    if (written == 0) break;
    done += written;
  }
  return static_cast<int64_t>(done);
}

namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }
int fd_arg(uint64_t value) { return static_cast<int>(static_cast<uint32_t>(value)); }

constexpr int64_t kMaxIo = 0x7ffff000;  // Linux's MAX_RW_COUNT
constexpr int kIovMax = 1024;

bool is_pipe_file(const OpenFile& file) { return is_pipe(file.vnode()); }

// Reads up to `count` bytes into user memory. Only the first chunk may
// sleep; a tty returns after one chunk (one line, in canonical mode), other
// files stop at a short chunk.
int64_t read_to_user(OpenFile& file, uint64_t user, size_t count, int64_t offset, bool may_block,
                     KernelBuffer& buffer) {
  // The device copies into user memory itself and splits the request by
  // its own transfer size: no bounce through `buffer`, no 4 KiB chunks.
  if (file.moves_user_memory()) return to_int(file.read_user(offset, user, count));
  size_t total = 0;
  while (total < count) {
    size_t want = count - total < buffer.size() ? count - total : buffer.size();
    int64_t n = read_chunk(file, buffer.data(), want, offset < 0 ? -1 : offset + int64_t(total),
                           may_block && total == 0);
    if (n < 0) return total ? static_cast<int64_t>(total) : n;
    if (n == 0) break;
    if (!microcore::copy_to_user(user + total, buffer.data(), n))
      return total ? static_cast<int64_t>(total) : -LINUX_EFAULT;
    total += n;
    if (static_cast<size_t>(n) < want || is_console_tty(file)) break;
  }
  return static_cast<int64_t>(total);
}

int64_t write_from_user(OpenFile& file, uint64_t user, size_t count, int64_t offset, KernelBuffer& buffer) {
  if (file.moves_user_memory()) return to_int(file.write_user(offset, user, count));
  size_t total = 0;
  while (total < count) {
    size_t want = count - total < buffer.size() ? count - total : buffer.size();
    if (!microcore::copy_from_user(buffer.data(), user + total, want))
      return total ? static_cast<int64_t>(total) : -LINUX_EFAULT;
    int64_t n = write_chunk(file, buffer.data(), want, offset < 0 ? -1 : offset + int64_t(total), true);
    if (n < 0) return total ? static_cast<int64_t>(total) : n;  // EPIPE: SIGPIPE is the signal code's
    total += n;
    if (static_cast<size_t>(n) < want) break;
  }
  return static_cast<int64_t>(total);
}

size_t io_buffer_size(uint64_t count) { return count < kIoChunk ? (count ? count : 1) : kIoChunk; }
// A device that reaches user memory itself needs no bounce buffer.
size_t io_buffer_size(const OpenFile& file, uint64_t count) {
  return file.moves_user_memory() ? 1 : io_buffer_size(count);
}

int64_t do_read(int fd, uint64_t user, uint64_t count, int64_t offset) {
  FileRef file;
  if (int64_t rc = get_file(fd, file)) return rc;
  if (!file->readable()) return -LINUX_EBADF;
  if (offset >= 0 && (is_pipe_file(*file) || is_console_tty(*file))) return -LINUX_ESPIPE;
  if (file->vnode().is_directory()) return -LINUX_EISDIR;
  if (count > uint64_t(kMaxIo)) count = kMaxIo;
  if (count == 0) return 0;
  KernelBuffer buffer(io_buffer_size(*file, count));
  if (!buffer.ok()) return -LINUX_ENOMEM;
  return read_to_user(*file, user, count, offset, true, buffer);
}

int64_t do_write(int fd, uint64_t user, uint64_t count, int64_t offset) {
  FileRef file;
  if (int64_t rc = get_file(fd, file)) return rc;
  if (!file->writable()) return -LINUX_EBADF;
  if (offset >= 0 && (is_pipe_file(*file) || is_console_tty(*file))) return -LINUX_ESPIPE;
  if (count > uint64_t(kMaxIo)) count = kMaxIo;
  if (count == 0) return 0;
  KernelBuffer buffer(io_buffer_size(*file, count));
  if (!buffer.ok()) return -LINUX_ENOMEM;
  return write_from_user(*file, user, count, offset, buffer);
}

int64_t sys_read(SyscallContext& c) { return do_read(fd_arg(c.arg[0]), c.arg[1], c.arg[2], -1); }
int64_t sys_write(SyscallContext& c) { return do_write(fd_arg(c.arg[0]), c.arg[1], c.arg[2], -1); }

int64_t sys_pread64(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[3]) < 0) return -LINUX_EINVAL;
  return do_read(fd_arg(c.arg[0]), c.arg[1], c.arg[2], static_cast<int64_t>(c.arg[3]));
}
int64_t sys_pwrite64(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[3]) < 0) return -LINUX_EINVAL;
  return do_write(fd_arg(c.arg[0]), c.arg[1], c.arg[2], static_cast<int64_t>(c.arg[3]));
}

struct LinuxIovec {
  uint64_t base;
  uint64_t length;
};

// readv/writev/preadv/pwritev: one call per segment, stopping at a short one.
int64_t do_vector(int fd, uint64_t user_iov, uint64_t count, int64_t offset, bool writing) {
  if (count > uint64_t(kIovMax)) return -LINUX_EINVAL;
  FileRef file;
  if (int64_t rc = get_file(fd, file)) return rc;
  if (writing ? !file->writable() : !file->readable()) return -LINUX_EBADF;
  if (offset >= 0 && (is_pipe_file(*file) || is_console_tty(*file))) return -LINUX_ESPIPE;
  if (!writing && file->vnode().is_directory()) return -LINUX_EISDIR;
  if (count == 0) return 0;
  KernelBuffer vectors(count * sizeof(LinuxIovec));
  if (!vectors.ok()) return -LINUX_ENOMEM;
  if (!microcore::copy_from_user(vectors.data(), user_iov, count * sizeof(LinuxIovec))) return -LINUX_EFAULT;
  auto* iov = reinterpret_cast<LinuxIovec*>(vectors.data());
  uint64_t sum = 0;
  for (uint64_t i = 0; i < count; ++i) {
    if (iov[i].length > uint64_t(INT64_MAX) - sum) return -LINUX_EINVAL;
    sum += iov[i].length;
  }
  KernelBuffer buffer(io_buffer_size(*file, sum));
  if (!buffer.ok()) return -LINUX_ENOMEM;
  int64_t total = 0;
  for (uint64_t i = 0; i < count && total < kMaxIo; ++i) {
    uint64_t length = iov[i].length;
    if (length > uint64_t(kMaxIo - total)) length = kMaxIo - total;
    if (length == 0) continue;
    int64_t at = offset < 0 ? -1 : offset + total;
    int64_t n = writing ? write_from_user(*file, iov[i].base, length, at, buffer)
                        : read_to_user(*file, iov[i].base, length, at, total == 0, buffer);
    if (n < 0) return total ? total : n;
    total += n;
    if (static_cast<uint64_t>(n) < length) break;
    if (!writing && is_console_tty(*file)) break;  // one line per read
  }
  return total;
}

int64_t sys_readv(SyscallContext& c) { return do_vector(fd_arg(c.arg[0]), c.arg[1], c.arg[2], -1, false); }
int64_t sys_writev(SyscallContext& c) { return do_vector(fd_arg(c.arg[0]), c.arg[1], c.arg[2], -1, true); }
int64_t sys_preadv(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[3]) < 0) return -LINUX_EINVAL;
  return do_vector(fd_arg(c.arg[0]), c.arg[1], c.arg[2], static_cast<int64_t>(c.arg[3]), false);
}
int64_t sys_pwritev(SyscallContext& c) {
  if (static_cast<int64_t>(c.arg[3]) < 0) return -LINUX_EINVAL;
  return do_vector(fd_arg(c.arg[0]), c.arg[1], c.arg[2], static_cast<int64_t>(c.arg[3]), true);
}

int64_t sys_lseek(SyscallContext& c) {
  BsdLock lock;
  auto file = current_process()->files->get(fd_arg(c.arg[0]));
  if (file.is_error()) return file.error();
  if (is_console_tty(*file.value()) || is_pipe_file(*file.value())) return -LINUX_ESPIPE;
  auto position = file.value()->seek(static_cast<int64_t>(c.arg[1]), static_cast<int>(c.arg[2]));
  if (position.is_error()) return position.error();
  return static_cast<int64_t>(position.value());
}

int64_t sys_close(SyscallContext& c) {
  BsdLock lock;
  auto closed = current_process()->files->close(fd_arg(c.arg[0]));
  return closed.is_error() ? closed.error() : 0;
}

int64_t int_result(SysResult<int>&& result) { return result.is_error() ? result.error() : result.value(); }

int64_t sys_dup(SyscallContext& c) {
  BsdLock lock;
  return int_result(current_process()->files->dup(fd_arg(c.arg[0])));
}

int64_t sys_dup2(SyscallContext& c) {
  BsdLock lock;
  return int_result(current_process()->files->dup2(fd_arg(c.arg[0]), fd_arg(c.arg[1])));
}

int64_t sys_dup3(SyscallContext& c) {
  BsdLock lock;
  return int_result(
      current_process()->files->dup3(fd_arg(c.arg[0]), fd_arg(c.arg[1]), static_cast<uint32_t>(c.arg[2])));
}

// Record locks: every process is alone with its files as far as locking
// goes (no lock is ever held against another), so F_GETLK reports F_UNLCK.
constexpr int kFGetlk = 5, kFSetlk = 6, kFSetlkw = 7, kFSetown = 8, kFGetown = 9, kFSetsig = 10,
              kFGetsig = 11, kFOfdGetlk = 36, kFOfdSetlk = 37, kFOfdSetlkw = 38, kFSetlease = 1024,
              kFGetlease = 1025, kFNotify = 1026, kFSetpipeSz = 1031, kFGetpipeSz = 1032;
constexpr int16_t kFUnlck = 2;

int64_t sys_fcntl(SyscallContext& c) {
  int fd = fd_arg(c.arg[0]);
  int command = static_cast<int>(c.arg[1]);
  switch (command) {
    case kFGetlk:
    case kFOfdGetlk: {
      FileRef file;
      if (int64_t rc = get_file(fd, file)) return rc;
      int16_t type = kFUnlck;
      if (!microcore::copy_to_user(c.arg[2], &type, sizeof type)) return -LINUX_EFAULT;
      return 0;
    }
    case kFSetlk:
    case kFSetlkw:
    case kFOfdSetlk:
    case kFOfdSetlkw:
    case kFSetown:
    case kFGetown:
    case kFSetsig:
    case kFGetsig:
    case kFNotify:
    case kFSetlease: {
      FileRef file;
      return get_file(fd, file);
    }
    case kFGetlease: {
      FileRef file;
      if (int64_t rc = get_file(fd, file)) return rc;
      return kFUnlck;
    }
    case kFSetpipeSz:
    case kFGetpipeSz: {
      FileRef file;
      if (int64_t rc = get_file(fd, file)) return rc;
      if (!is_pipe_file(*file)) return -LINUX_EBADF;
      return static_cast<int64_t>(kPipeCapacity);  // fixed size
    }
    default: {
      BsdLock lock;
      auto result = current_process()->files->fcntl(fd, command, c.arg[2]);
      return result.is_error() ? int64_t{result.error()} : result.value();
    }
  }
}

int64_t sys_fstat(SyscallContext& c) {
  linux_stat st;
  {
    BsdLock lock;
    auto file = current_process()->files->get(fd_arg(c.arg[0]));
    if (file.is_error()) return file.error();
    st = file.value()->stat();
  }
  return microcore::copy_to_user(c.arg[1], &st, sizeof st) ? 0 : -LINUX_EFAULT;
}

int64_t sys_getdents64(SyscallContext& c) {
  FileRef file;
  if (int64_t rc = get_file(fd_arg(c.arg[0]), file)) return rc;
  uint64_t count = c.arg[2];
  KernelBuffer buffer(count < kIoChunk ? (count ? count : 1) : kIoChunk);
  if (!buffer.ok()) return -LINUX_ENOMEM;
  size_t used;
  {
    BsdLock lock;
    auto result = file->read_directory(buffer.data(), count < buffer.size() ? count : buffer.size());
    if (result.is_error()) return result.error();
    used = result.value();
  }
  if (used && !microcore::copy_to_user(c.arg[1], buffer.data(), used)) return -LINUX_EFAULT;
  return static_cast<int64_t>(used);
}

int64_t make_pipe(uint64_t user_fds, uint64_t flags) {
  if (flags & ~uint64_t(LINUX_O_CLOEXEC | LINUX_O_NONBLOCK | LINUX_O_DIRECT)) return -LINUX_EINVAL;
  int fds[2];
  {
    BsdLock lock;
    rtl::RefPtr<OpenFile> read_end, write_end;
    auto made = create_pipe(static_cast<uint32_t>(flags), read_end, write_end);
    if (made.is_error()) return made.error();
    FdTable& files = *current_process()->files;
    bool cloexec = flags & LINUX_O_CLOEXEC;
    auto first = files.install(std::move(read_end), cloexec);
    if (first.is_error()) return first.error();
    auto second = files.install(std::move(write_end), cloexec);
    if (second.is_error()) {
      (void)files.close(first.value());
      return second.error();
    }
    fds[0] = first.value();
    fds[1] = second.value();
  }
  if (!microcore::copy_to_user(user_fds, fds, sizeof fds)) {
    BsdLock lock;
    (void)current_process()->files->close(fds[0]);
    (void)current_process()->files->close(fds[1]);
    return -LINUX_EFAULT;
  }
  return 0;
}

int64_t sys_pipe(SyscallContext& c) { return make_pipe(c.arg[0], 0); }
int64_t sys_pipe2(SyscallContext& c) { return make_pipe(c.arg[0], c.arg[1]); }

// sendfile(out, in, offset*, count) through a kernel buffer.
int64_t sys_sendfile(SyscallContext& c) {
  FileRef out, in;
  if (int64_t rc = get_file(fd_arg(c.arg[0]), out)) return rc;
  if (int64_t rc = get_file(fd_arg(c.arg[1]), in)) return rc;
  if (!in->readable() || !out->writable()) return -LINUX_EBADF;
  if (in->vnode().type() != VnodeType::regular && in->vnode().type() != VnodeType::char_device)
    return -LINUX_EINVAL;
  if (out->flags() & LINUX_O_APPEND) return -LINUX_EINVAL;
  int64_t offset = -1;
  if (c.arg[2]) {
    if (!microcore::copy_from_user(&offset, c.arg[2], sizeof offset)) return -LINUX_EFAULT;
    if (offset < 0) return -LINUX_EINVAL;
  }
  uint64_t count = c.arg[3] > uint64_t(kMaxIo) ? kMaxIo : c.arg[3];
  KernelBuffer buffer(io_buffer_size(count));
  if (!buffer.ok()) return -LINUX_ENOMEM;
  int64_t total = 0;
  int64_t error = 0;
  while (uint64_t(total) < count) {
    size_t want = count - total < buffer.size() ? count - total : buffer.size();
    int64_t n = read_chunk(*in, buffer.data(), want, offset < 0 ? -1 : offset + total, total == 0);
    if (n <= 0) {
      error = n;
      break;
    }
    int64_t written = write_chunk(*out, buffer.data(), n, -1, true);
    if (written < 0) {
      error = written;
      break;
    }
    total += written;
    if (written < n || static_cast<size_t>(n) < want) break;
  }
  if (c.arg[2]) {
    int64_t updated = offset + total;
    if (!microcore::copy_to_user(c.arg[2], &updated, sizeof updated)) return -LINUX_EFAULT;
  }
  return total ? total : error;
}

// fsync, fdatasync, syncfs: tmpfs has nothing to write back; a driver's
// block device flushes its write cache (outside the lock: it sleeps).
int64_t sys_fsync(SyscallContext& c) {
  FileRef file;
  if (int64_t rc = get_file(fd_arg(c.arg[0]), file)) return rc;
  const CharDevice* device = file->sleeping_device();
  if (!device || !device->sync) return 0;
  SysResult<void> synced = device->sync(file->device_context());
  return synced.is_error() ? int64_t{synced.error()} : 0;
}

int64_t sys_sync(SyscallContext&) {
  driver_devices::sync_all();
  return 0;
}

// --- ioctl

constexpr uint32_t kFIONBIO = 0x5421, kFIONCLEX = 0x5450, kFIOCLEX = 0x5451, kFIOASYNC = 0x5452;
constexpr uint32_t kBaudRate = 38400;

int64_t copy_out(uint64_t user, const void* value, size_t size) {
  return microcore::copy_to_user(user, value, size) ? 0 : -LINUX_EFAULT;
}

int64_t tty_ioctl(OpenFile& file, uint32_t request, uint64_t argument) {
  using namespace linux_abi;
  LineDiscipline& tty = console_tty::discipline();
  Process* process = current_process();
  switch (request) {
    case kTCGETS: {
      Termios termios;
      {
        BsdLock lock;
        termios = tty.termios();
      }
      return copy_out(argument, &termios, sizeof termios);
    }
    case kTCGETS2: {
      Termios2 termios{};
      {
        BsdLock lock;
        termios.base = tty.termios();
      }
      termios.c_ispeed = termios.c_ospeed = kBaudRate;
      return copy_out(argument, &termios, sizeof termios);
    }
    case kTCSETS:
    case kTCSETSW:
    case kTCSETSF:
    case kTCSETS2:
    case kTCSETSW2:
    case kTCSETSF2: {
      Termios termios;
      if (!microcore::copy_from_user(&termios, argument, sizeof termios)) return -LINUX_EFAULT;
      BsdLock lock;
      if (int64_t rc = console_tty::check_job_control_locked(kSIGTTOU)) return rc;
      // Output is written synchronously, so the "W" (drain) forms need no wait.
      if (request == kTCSETSF || request == kTCSETSF2) tty.flush_input();
      tty.set_termios(termios);
      microcore::wake_waiters(console_tty::readers());  // VMIN/ICANON may make input readable
      return 0;
    }
    case kTIOCGWINSZ: {
      WinSize size;
      {
        BsdLock lock;
        size = tty.winsize();
      }
      return copy_out(argument, &size, sizeof size);
    }
    case kTIOCSWINSZ: {
      WinSize size;
      if (!microcore::copy_from_user(&size, argument, sizeof size)) return -LINUX_EFAULT;
      BsdLock lock;
      // Only a real change tells the foreground job (Linux's tty_do_resize).
      if (tty.set_winsize(size) && console_tty::foreground_pgid()) {
        SigInfo info{};
        info.signo = kSIGWINCH;
        info.code = kSI_KERNEL;
        post_group_signal_locked(console_tty::foreground_pgid(), kSIGWINCH, &info);
      }
      return 0;
    }
    case kTIOCGPGRP: {
      int pgid;
      {
        BsdLock lock;
        // Until someone claims the terminal, report the caller's group as
        // the foreground one, so a shell started on the console finds
        // itself in the foreground and enables job control.
        pgid = console_tty::foreground_pgid() ? console_tty::foreground_pgid() : process->pgid;
      }
      return copy_out(argument, &pgid, sizeof pgid);
    }
    case kTIOCSPGRP: {
      int pgid;
      if (!microcore::copy_from_user(&pgid, argument, sizeof pgid)) return -LINUX_EFAULT;
      if (pgid < 0) return -LINUX_EINVAL;
      BsdLock lock;
      if (int64_t rc = console_tty::check_job_control_locked(kSIGTTOU)) return rc;
      console_tty::set_foreground_pgid(pgid);
      if (!console_tty::session()) console_tty::set_session(process->sid);
      return 0;
    }
    case kTIOCSCTTY: {
      BsdLock lock;
      console_tty::set_session(process->sid);
      console_tty::set_foreground_pgid(process->pgid);
      return 0;
    }
    case kTIOCNOTTY:
      return 0;
    case kTIOCGSID: {
      int sid;
      {
        BsdLock lock;
        sid = console_tty::session() ? console_tty::session() : process->sid;
      }
      return copy_out(argument, &sid, sizeof sid);
    }
    case kFIONREAD: {
      int count;
      {
        BsdLock lock;
        count = static_cast<int>(tty.readable_bytes());
      }
      return copy_out(argument, &count, sizeof count);
    }
    case kTCFLSH: {
      int which = static_cast<int>(argument);
      if (which != kTCIFLUSH && which != kTCOFLUSH && which != kTCIOFLUSH) return -LINUX_EINVAL;
      BsdLock lock;
      if (int64_t rc = console_tty::check_job_control_locked(kSIGTTOU)) return rc;
      if (which != kTCOFLUSH) tty.flush_input();
      return 0;
    }
    case kTCSBRK:
    case kTCXONC:
      return 0;
    default:
      (void)file;
      return -LINUX_ENOTTY;
  }
}

int64_t sys_ioctl(SyscallContext& c) {
  int fd = fd_arg(c.arg[0]);
  uint32_t request = static_cast<uint32_t>(c.arg[1]);
  uint64_t argument = c.arg[2];
  FileRef file;
  if (int64_t rc = get_file(fd, file)) return rc;
  switch (request) {
    case kFIOCLEX:
    case kFIONCLEX: {
      BsdLock lock;
      auto result = current_process()->files->fcntl(fd, LINUX_F_SETFD, request == kFIOCLEX ? LINUX_FD_CLOEXEC : 0);
      return result.is_error() ? int64_t{result.error()} : 0;
    }
    case kFIONBIO: {
      int on;
      if (!microcore::copy_from_user(&on, argument, sizeof on)) return -LINUX_EFAULT;
      BsdLock lock;
      uint32_t flags = file->flags();
      file->set_status_flags(on ? flags | LINUX_O_NONBLOCK : flags & ~LINUX_O_NONBLOCK);
      return 0;
    }
    case kFIOASYNC:
      return 0;
    default:
      break;
  }
  if (is_console_tty(*file)) return tty_ioctl(*file, request, argument);
  if (const CharDevice* device = file->sleeping_device(); device && device->control) {
    SysResult<size_t> answered = device->control(file->device_context(), request, argument);
    return answered.is_error() ? int64_t{answered.error()} : int64_t(answered.value());
  }
  if (request == linux_abi::kFIONREAD) {
    int count = 0;
    {
      BsdLock lock;
      Vnode& vnode = file->vnode();
      if (is_pipe(vnode))
        count = static_cast<int>(pipe_readable_bytes(vnode));
      else if (vnode.type() == VnodeType::regular)
        count = vnode.size > file->offset() ? static_cast<int>(vnode.size - file->offset()) : 0;
      else
        return -LINUX_ENOTTY;
    }
    return copy_out(argument, &count, sizeof count);
  }
  return -LINUX_ENOTTY;
}

}  // namespace
}  // namespace bsdlayer::file_calls

namespace bsdlayer {

void register_file_syscalls() {
  using namespace file_calls;
  register_syscall(nr(Syscall::read), sys_read);
  register_syscall(nr(Syscall::write), sys_write);
  register_syscall(nr(Syscall::readv), sys_readv);
  register_syscall(nr(Syscall::writev), sys_writev);
  register_syscall(nr(Syscall::pread64), sys_pread64);
  register_syscall(nr(Syscall::pwrite64), sys_pwrite64);
  register_syscall(nr(Syscall::preadv), sys_preadv);
  register_syscall(nr(Syscall::pwritev), sys_pwritev);
  register_syscall(nr(Syscall::lseek), sys_lseek);
  register_syscall(nr(Syscall::close), sys_close);
  register_syscall(nr(Syscall::dup), sys_dup);
  register_syscall(nr(Syscall::dup2), sys_dup2);
  register_syscall(nr(Syscall::dup3), sys_dup3);
  register_syscall(nr(Syscall::fcntl), sys_fcntl);
  register_syscall(nr(Syscall::fstat), sys_fstat);
  register_syscall(nr(Syscall::getdents64), sys_getdents64);
  register_syscall(nr(Syscall::pipe), sys_pipe);
  register_syscall(nr(Syscall::pipe2), sys_pipe2);
  register_syscall(nr(Syscall::sendfile), sys_sendfile);
  register_syscall(nr(Syscall::fsync), sys_fsync);
  register_syscall(nr(Syscall::fdatasync), sys_fsync);
  register_syscall(nr(Syscall::syncfs), sys_fsync);
  register_syscall(nr(Syscall::sync), sys_sync);
  register_syscall(nr(Syscall::ioctl), sys_ioctl);
  register_path_syscalls();
  register_poll_syscalls();
}

}  // namespace bsdlayer
