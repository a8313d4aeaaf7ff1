// CPU time reports: times(2), getrusage(2) and wait4's rusage, from the
// microcore's per-thread tick split (accounting/cpu_times.h explains the
// arithmetic). Children's times are what wait4 added up when it reaped them,
// as on Linux: a child that is still running, or was never waited for,
// does not count.
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

constexpr uint64_t kNsPerClockTick = 10'000'000;  // USER_HZ = 100, what times(2) counts in
constexpr int kRusageSelf = 0, kRusageChildren = -1, kRusageThread = 1;

struct LinuxTimeval {
  int64_t seconds;
  int64_t microseconds;
};

LinuxTimeval to_timeval(uint64_t ns) {
  return {static_cast<int64_t>(ns / 1'000'000'000), static_cast<int64_t>(ns % 1'000'000'000 / 1000)};
}

// struct rusage: two timevals, then 14 longs (maxrss ... nivcsw).
struct LinuxRusage {
  LinuxTimeval user;
  LinuxTimeval system;
  int64_t counters[14];
};
static_assert(sizeof(LinuxRusage) == 144);

int64_t sys_times(SyscallContext& c) {
  CpuTimes self, children;
  {
    BsdLock lock;
    Process& process = *current_process();
    self = process_cpu_times_locked(process);
    children = process.children_cpu_times;
  }
  if (c.arg[0]) {
    const int64_t tms[4] = {static_cast<int64_t>(self.user_ns / kNsPerClockTick),
                            static_cast<int64_t>(self.system_ns / kNsPerClockTick),
                            static_cast<int64_t>(children.user_ns / kNsPerClockTick),
                            static_cast<int64_t>(children.system_ns / kNsPerClockTick)};
    if (!microcore::copy_to_user(c.arg[0], tms, sizeof tms)) return -LINUX_EFAULT;
  }
  // Clock ticks since an arbitrary point: boot, as Linux's jiffies-based value.
  return static_cast<int64_t>(microcore::now_ns() / kNsPerClockTick);
}

int64_t sys_getrusage(SyscallContext& c) {
  const int who = static_cast<int>(c.arg[0]);
  CpuTimes times;
  {
    BsdLock lock;
    Process& process = *current_process();
    switch (who) {
      // One thread's own share is not kept apart from its process's.
      case kRusageSelf:
      case kRusageThread: times = process_cpu_times_locked(process); break;
      case kRusageChildren: times = process.children_cpu_times; break;
      default: return -LINUX_EINVAL;
    }
  }
  return copy_rusage_to_user(c.arg[1], times);
}

}  // namespace

CpuTimes process_cpu_times_locked(Process& process) {
  if (!process.task) return process.cpu_times;  // a zombie's are final
  const microcore::Task::CpuUsage usage = process.task->cpu_usage();
  return adjust_cpu_times(process.cpu_times, usage.ns, usage.user_ticks, usage.system_ticks);
}

int64_t copy_rusage_to_user(uint64_t user, const CpuTimes& times) {
  LinuxRusage rusage{};
  rusage.user = to_timeval(times.user_ns);
  rusage.system = to_timeval(times.system_ns);
  return microcore::copy_to_user(user, &rusage, sizeof rusage) ? 0 : -LINUX_EFAULT;
}

void register_resource_syscalls() {
  register_syscall(nr(Syscall::times), sys_times);
  register_syscall(nr(Syscall::getrusage), sys_getrusage);
}

}  // namespace bsdlayer
