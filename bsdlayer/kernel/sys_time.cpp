// Time: clock_gettime, gettimeofday, time, nanosleep, clock_nanosleep — real
// system calls, since there is no vDSO yet. The wall clock starts at the
// RTC's time of boot (kernel/wall_clock.cpp would refine it); until then it
// counts from the epoch.
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

struct Timespec {
  int64_t seconds;
  int64_t nanoseconds;
};

constexpr int kClockRealtime = 0, kClockMonotonic = 1, kClockProcessCpu = 2, kClockThreadCpu = 3,
              kClockMonotonicRaw = 4, kClockRealtimeCoarse = 5, kClockMonotonicCoarse = 6, kClockBoottime = 7;
constexpr uint64_t kBillion = 1000000000ull;
uint64_t g_boot_wall_ns = 0;  // wall-clock time at boot, set once

int64_t clock_value(int clock, uint64_t& ns) {
  uint64_t now = microcore::now_ns();
  switch (clock) {
    case kClockRealtime:
    case kClockRealtimeCoarse: ns = g_boot_wall_ns + now; return 0;
    case kClockMonotonic:
    case kClockMonotonicRaw:
    case kClockMonotonicCoarse:
    case kClockBoottime: ns = now; return 0;
    case kClockProcessCpu:
    case kClockThreadCpu: ns = microcore::current_task().cpu_time_ns(); return 0;
    default: return -LINUX_EINVAL;
  }
}

int64_t sys_clock_gettime(SyscallContext& c) {
  uint64_t ns;
  if (int64_t error = clock_value(static_cast<int>(c.arg[0]), ns); error < 0) return error;
  Timespec ts{static_cast<int64_t>(ns / kBillion), static_cast<int64_t>(ns % kBillion)};
  return microcore::copy_to_user(c.arg[1], &ts, sizeof ts) ? 0 : -LINUX_EFAULT;
}

int64_t sys_clock_getres(SyscallContext& c) {
  uint64_t ignored;
  if (int64_t error = clock_value(static_cast<int>(c.arg[0]), ignored); error < 0) return error;
  Timespec ts{0, 1};
  return !c.arg[1] || microcore::copy_to_user(c.arg[1], &ts, sizeof ts) ? 0 : -LINUX_EFAULT;
}

int64_t sys_gettimeofday(SyscallContext& c) {
  uint64_t ns = g_boot_wall_ns + microcore::now_ns();
  int64_t tv[2] = {static_cast<int64_t>(ns / kBillion), static_cast<int64_t>(ns % kBillion / 1000)};
  if (c.arg[0] && !microcore::copy_to_user(c.arg[0], tv, sizeof tv)) return -LINUX_EFAULT;
  if (c.arg[1]) {
    int32_t zone[2] = {0, 0};
    if (!microcore::copy_to_user(c.arg[1], zone, sizeof zone)) return -LINUX_EFAULT;
  }
  return 0;
}

int64_t sys_time(SyscallContext& c) {
  int64_t seconds = static_cast<int64_t>((g_boot_wall_ns + microcore::now_ns()) / kBillion);
  if (c.arg[0] && !microcore::copy_to_user(c.arg[0], &seconds, sizeof seconds)) return -LINUX_EFAULT;
  return seconds;
}

// Sleeps until `deadline` (monotonic ns); on interruption writes what is
// left to `remaining` (if given) and returns -EINTR.
int64_t sleep_until(uint64_t deadline, uint64_t remaining) {
  auto queue = microcore::create_wait_queue();
  if (queue.is_error()) return -LINUX_ENOMEM;
  int64_t result = 0;
  while (microcore::now_ns() < deadline) {
    if (microcore::wait_on(*queue.value(), deadline) == microcore::WaitOutcome::interrupted) {
      result = -LINUX_EINTR;
      break;
    }
  }
  microcore::destroy_wait_queue(queue.value());
  if (result < 0 && remaining) {
    uint64_t now = microcore::now_ns();
    uint64_t left = deadline > now ? deadline - now : 0;
    Timespec ts{static_cast<int64_t>(left / kBillion), static_cast<int64_t>(left % kBillion)};
    (void)microcore::copy_to_user(remaining, &ts, sizeof ts);
  }
  return result;
}

bool read_timespec(uint64_t address, uint64_t& ns) {
  Timespec ts;
  if (!microcore::copy_from_user(&ts, address, sizeof ts)) return false;
  if (ts.seconds < 0 || ts.nanoseconds < 0 || ts.nanoseconds >= int64_t(kBillion)) return false;
  ns = uint64_t(ts.seconds) * kBillion + uint64_t(ts.nanoseconds);
  return true;
}

int64_t sys_nanosleep(SyscallContext& c) {
  Timespec probe;
  if (!microcore::copy_from_user(&probe, c.arg[0], sizeof probe)) return -LINUX_EFAULT;
  uint64_t ns;
  if (!read_timespec(c.arg[0], ns)) return -LINUX_EINVAL;
  return sleep_until(microcore::now_ns() + ns, c.arg[1]);
}

int64_t sys_clock_nanosleep(SyscallContext& c) {
  constexpr uint64_t kAbsolute = 1;
  uint64_t now;
  if (int64_t error = clock_value(static_cast<int>(c.arg[0]), now); error < 0) return error;
  Timespec probe;
  if (!microcore::copy_from_user(&probe, c.arg[2], sizeof probe)) return -LINUX_EFAULT;
  uint64_t ns;
  if (!read_timespec(c.arg[2], ns)) return -LINUX_EINVAL;
  uint64_t monotonic = microcore::now_ns();
  uint64_t deadline = (c.arg[1] & kAbsolute) ? (ns > now ? monotonic + (ns - now) : monotonic) : monotonic + ns;
  int64_t result = sleep_until(deadline, (c.arg[1] & kAbsolute) ? 0 : c.arg[3]);
  return result;
}

}  // namespace

uint64_t boot_wall_clock_ns() { return g_boot_wall_ns; }  // for futex's CLOCK_REALTIME deadlines

void register_time_syscalls() {
  register_syscall(nr(Syscall::clock_gettime), sys_clock_gettime);
  register_syscall(nr(Syscall::clock_getres), sys_clock_getres);
  register_syscall(nr(Syscall::gettimeofday), sys_gettimeofday);
  register_syscall(nr(Syscall::time), sys_time);
  register_syscall(nr(Syscall::nanosleep), sys_nanosleep);
  register_syscall(nr(Syscall::clock_nanosleep), sys_clock_nanosleep);
}

}  // namespace bsdlayer
