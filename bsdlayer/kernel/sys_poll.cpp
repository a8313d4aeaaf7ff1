// poll, ppoll, select, pselect6: readiness of the console tty, pipes,
// devices with a poll hook (CharDevice::poll: /dev/kbd0) and always-ready
// files (regular files, directories, other devices), with a timeout.
// select is poll underneath.
//
// Sleeping: there is no wait on several queues at once, so a poller picks
// one. Pipes wake pipe_poll_queue() on every change, the tty wakes
// console_tty::readers() on input, and a device names its own queue; a set
// watching only one queue sleeps exactly on it. A set watching several
// sleeps on one of them (the tty's first, then a device's) in slices of
// kMixedSlice, so changes behind the others are seen within a slice.
// Signal masks of ppoll/pselect6 are ignored until signals exist.
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/poll.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/pipe.h"
#include "bsdlayer/tty/line_discipline.h"
#include "rtl/platform.h"
#include "sys_file_common.h"

namespace bsdlayer::file_calls {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr uint64_t kMixedSlice = 10'000'000;  // ns
constexpr uint64_t kNsPerSecond = 1'000'000'000;

struct PollFd {  // struct pollfd
  int32_t fd;
  int16_t events;
  int16_t revents;
};
static_assert(sizeof(PollFd) == 8);

struct Timespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};

// When to give up: never, or at an absolute time (now for "don't wait").
struct Deadline {
  bool forever = true;
  uint64_t at_ns = 0;
};

// Where a poller may sleep: the queues its files named, at most one of
// each kind (several devices' queues: the first, and slices).
struct Sleep {
  bool tty = false;
  bool pipe = false;
  microcore::WaitQueue* device = nullptr;
  bool several_devices = false;

  void add_device(microcore::WaitQueue* queue) {
    if (!queue || queue == device) return;
    if (device)
      several_devices = true;
    else
      device = queue;
  }
  bool mixed() const {
    return int(tty) + int(pipe) + int(device != nullptr) > 1 || several_devices;
  }
};

// Under the lock, interrupts off.
int16_t file_events(const OpenFile& file, Sleep& sleep) {
  int16_t events;
  const CharDevice* device = file.sleeping_device();
  if (is_pipe(file.vnode())) {
    events = static_cast<int16_t>(pipe_poll_events(file.vnode()));
    sleep.pipe = true;
  } else if (is_console_tty(file)) {
    events = (console_tty::discipline().can_read() ? LINUX_POLLIN : 0) | LINUX_POLLOUT;
    sleep.tty = true;
  } else if (device && device->poll) {
    microcore::WaitQueue* queue = nullptr;
    events = device->poll(file.device_context(), &queue);
    sleep.add_device(queue);
  } else {
    events = LINUX_POLLIN | LINUX_POLLOUT;
  }
  if (events & LINUX_POLLIN) events |= LINUX_POLLRDNORM;
  if (events & LINUX_POLLOUT) events |= LINUX_POLLWRNORM;
  return events;
}

// Fills every revents; returns how many entries have any, or -EINTR.
int64_t poll_entries(PollFd* entries, size_t count, Deadline deadline) {
  for (;;) {
    // Interrupts off from the scan to the sleep: no wakeup slips between.
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_bsd();
    int64_t ready = 0;
    Sleep sleep;
    FdTable& files = *current_process()->files;
    for (size_t i = 0; i < count; ++i) {
      PollFd& entry = entries[i];
      entry.revents = 0;
      if (entry.fd < 0) continue;
      auto file = files.get(entry.fd);
      if (file.is_error()) {
        entry.revents = LINUX_POLLNVAL;
        ++ready;
        continue;
      }
      const OpenFile& open_file = *file.value();
      entry.revents = file_events(open_file, sleep) & (entry.events | LINUX_POLLERR | LINUX_POLLHUP);
      if (entry.revents) ++ready;
    }
    uint64_t now = microcore::now_ns();
    bool expired = !deadline.forever && now >= deadline.at_ns;
    if (ready || expired) {
      unlock_bsd();
      rtl::platform::irq_restore(interrupts);
      return ready;
    }
    microcore::WaitQueue* queue;
    uint64_t wake_at = deadline.forever ? 0 : deadline.at_ns;
    if (sleep.tty)
      queue = &console_tty::readers();
    else if (sleep.device)
      queue = sleep.device;
    else
      queue = pipe_poll_queue();  // also the place to sleep out a pure timeout
    if (sleep.mixed() && (wake_at == 0 || wake_at > now + kMixedSlice)) wake_at = now + kMixedSlice;
    unlock_bsd();
    if (!queue) {  // out of memory for the queue: degrade to yielding
      rtl::platform::irq_restore(interrupts);
      microcore::yield_cpu();
      continue;
    }
    microcore::WaitOutcome outcome = microcore::wait_on(*queue, wake_at);
    rtl::platform::irq_restore(interrupts);
    if (outcome == microcore::WaitOutcome::interrupted) return -LINUX_EINTR;
  }
}

int64_t poll_user(uint64_t user_fds, uint64_t count, Deadline deadline) {
  if (count > uint64_t(FdTable::kMaxFds)) return -LINUX_EINVAL;
  KernelBuffer buffer(count ? count * sizeof(PollFd) : 1);
  if (!buffer.ok()) return -LINUX_ENOMEM;
  auto* entries = reinterpret_cast<PollFd*>(buffer.data());
  if (count && !microcore::copy_from_user(entries, user_fds, count * sizeof(PollFd))) return -LINUX_EFAULT;
  int64_t ready = poll_entries(entries, count, deadline);
  if (ready < 0) return ready;
  if (count && !microcore::copy_to_user(user_fds, entries, count * sizeof(PollFd))) return -LINUX_EFAULT;
  return ready;
}

Deadline after_ns(uint64_t ns) {
  Deadline deadline;
  deadline.forever = false;
  deadline.at_ns = microcore::now_ns() + ns;
  return deadline;
}

// A user timespec (null: forever); EINVAL if malformed.
int64_t read_timespec(uint64_t user, Deadline& deadline) {
  if (!user) return 0;
  Timespec time;
  if (!microcore::copy_from_user(&time, user, sizeof time)) return -LINUX_EFAULT;
  if (time.tv_sec < 0 || time.tv_nsec < 0 || uint64_t(time.tv_nsec) >= kNsPerSecond) return -LINUX_EINVAL;
  uint64_t seconds = uint64_t(time.tv_sec) > 100'000'000'000ull ? 100'000'000'000ull : uint64_t(time.tv_sec);
  deadline = after_ns(seconds * kNsPerSecond + uint64_t(time.tv_nsec));
  return 0;
}

uint64_t remaining_ns(const Deadline& deadline) {
  uint64_t now = microcore::now_ns();
  return deadline.at_ns > now ? deadline.at_ns - now : 0;
}

int64_t sys_poll(SyscallContext& c) {
  int timeout_ms = static_cast<int>(c.arg[2]);
  Deadline deadline;
  if (timeout_ms >= 0) deadline = after_ns(uint64_t(timeout_ms) * 1'000'000);
  return poll_user(c.arg[0], c.arg[1], deadline);
}

int64_t sys_ppoll(SyscallContext& c) {
  Deadline deadline;
  if (int64_t rc = read_timespec(c.arg[2], deadline)) return rc;
  int64_t ready = poll_user(c.arg[0], c.arg[1], deadline);
  if (c.arg[2] && ready >= 0) {  // Linux writes back the time left
    uint64_t left = remaining_ns(deadline);
    Timespec time{int64_t(left / kNsPerSecond), int64_t(left % kNsPerSecond)};
    if (!microcore::copy_to_user(c.arg[2], &time, sizeof time)) return -LINUX_EFAULT;
  }
  return ready;
}

// select: fd_set bitmaps (unsigned long words) turned into poll entries.
int64_t do_select(int64_t nfds, uint64_t user_read, uint64_t user_write, uint64_t user_except, Deadline deadline) {
  if (nfds < 0) return -LINUX_EINVAL;
  if (nfds > FdTable::kMaxFds) nfds = FdTable::kMaxFds;
  constexpr size_t kWords = FdTable::kMaxFds / 64;
  size_t words = (static_cast<size_t>(nfds) + 63) / 64;
  uint64_t sets[3][kWords] = {};
  uint64_t users[3] = {user_read, user_write, user_except};
  for (int s = 0; s < 3; ++s)
    if (users[s] && words && !microcore::copy_from_user(sets[s], users[s], words * 8)) return -LINUX_EFAULT;

  KernelBuffer buffer(static_cast<size_t>(nfds ? nfds : 1) * sizeof(PollFd));
  if (!buffer.ok()) return -LINUX_ENOMEM;
  auto* entries = reinterpret_cast<PollFd*>(buffer.data());
  size_t count = 0;
  for (int fd = 0; fd < nfds; ++fd) {
    uint64_t bit = uint64_t{1} << (fd % 64);
    int16_t events = 0;
    if (sets[0][fd / 64] & bit) events |= LINUX_POLLIN;
    if (sets[1][fd / 64] & bit) events |= LINUX_POLLOUT;
    if (sets[2][fd / 64] & bit) events |= LINUX_POLLPRI;
    if (events) entries[count++] = {fd, events, 0};
  }
  int64_t ready = poll_entries(entries, count, deadline);
  if (ready < 0) return ready;

  uint64_t results[3][kWords] = {};
  int64_t bits = 0;
  for (size_t i = 0; i < count; ++i) {
    const PollFd& entry = entries[i];
    if (entry.revents & LINUX_POLLNVAL) return -LINUX_EBADF;
    uint64_t bit = uint64_t{1} << (entry.fd % 64);
    size_t word = static_cast<size_t>(entry.fd) / 64;
    if ((entry.events & LINUX_POLLIN) && (entry.revents & (LINUX_POLLIN | LINUX_POLLHUP | LINUX_POLLERR))) {
      results[0][word] |= bit;
      ++bits;
    }
    if ((entry.events & LINUX_POLLOUT) && (entry.revents & (LINUX_POLLOUT | LINUX_POLLERR))) {
      results[1][word] |= bit;
      ++bits;
    }
    if ((entry.events & LINUX_POLLPRI) && (entry.revents & LINUX_POLLPRI)) {
      results[2][word] |= bit;
      ++bits;
    }
  }
  for (int s = 0; s < 3; ++s)
    if (users[s] && words && !microcore::copy_to_user(users[s], results[s], words * 8)) return -LINUX_EFAULT;
  return bits;
}

int64_t sys_select(SyscallContext& c) {
  struct Timeval {
    int64_t tv_sec;
    int64_t tv_usec;
  };
  Deadline deadline;
  if (c.arg[4]) {
    Timeval time;
    if (!microcore::copy_from_user(&time, c.arg[4], sizeof time)) return -LINUX_EFAULT;
    if (time.tv_sec < 0 || time.tv_usec < 0) return -LINUX_EINVAL;
    // Linux normalises over-large microseconds rather than refusing them.
    uint64_t seconds = uint64_t(time.tv_sec) + uint64_t(time.tv_usec) / 1'000'000;
    if (seconds > 100'000'000'000ull) seconds = 100'000'000'000ull;
    deadline = after_ns(seconds * kNsPerSecond + (uint64_t(time.tv_usec) % 1'000'000) * 1000);
  }
  int64_t ready = do_select(static_cast<int>(c.arg[0]), c.arg[1], c.arg[2], c.arg[3], deadline);
  if (c.arg[4] && ready >= 0) {
    uint64_t left = remaining_ns(deadline);
    Timeval time{int64_t(left / kNsPerSecond), int64_t(left % kNsPerSecond / 1000)};
    if (!microcore::copy_to_user(c.arg[4], &time, sizeof time)) return -LINUX_EFAULT;
  }
  return ready;
}

int64_t sys_pselect6(SyscallContext& c) {
  Deadline deadline;
  if (int64_t rc = read_timespec(c.arg[4], deadline)) return rc;
  int64_t ready = do_select(static_cast<int>(c.arg[0]), c.arg[1], c.arg[2], c.arg[3], deadline);
  if (c.arg[4] && ready >= 0) {
    uint64_t left = remaining_ns(deadline);
    Timespec time{int64_t(left / kNsPerSecond), int64_t(left % kNsPerSecond)};
    if (!microcore::copy_to_user(c.arg[4], &time, sizeof time)) return -LINUX_EFAULT;
  }
  return ready;
}

}  // namespace

void register_poll_syscalls() {
  register_syscall(nr(Syscall::poll), sys_poll);
  register_syscall(nr(Syscall::ppoll), sys_ppoll);
  register_syscall(nr(Syscall::select), sys_select);
  register_syscall(nr(Syscall::pselect6), sys_pselect6);
}

}  // namespace bsdlayer::file_calls
