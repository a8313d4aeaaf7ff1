// System-wide calls: uname, sysinfo, getrandom, sched_yield, reboot.
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall/uname.h"
#include "bsdlayer/syscall_table.h"
#include "executive/power.h"
#include "executive/system_info.h"
#include "proc_providers.h"
#include "random_device.h"

namespace bsdlayer {
namespace {

using linux_abi::Syscall;
uint32_t nr(Syscall call) { return static_cast<uint32_t>(call); }

char g_hostname[65] = "amphi";  // sethostname; under BsdLock

int64_t sys_sethostname(SyscallContext& c) {
  if (c.arg[1] > 64) return -LINUX_EINVAL;
  char name[65] = {};
  if (!microcore::copy_from_user(name, c.arg[0], c.arg[1])) return -LINUX_EFAULT;
  BsdLock lock;
  __builtin_memcpy(g_hostname, name, sizeof name);
  return 0;
}

int64_t sys_uname(SyscallContext& c) {
  linux_abi::NewUtsname name;
  UtsIdentity identity;
  char hostname[65];
  {
    BsdLock lock;
    __builtin_memcpy(hostname, g_hostname, sizeof hostname);
  }
  identity.nodename = hostname;
  identity.release = uname_release();
  identity.version = uname_version();
  fill_utsname(name, identity);
  return microcore::copy_to_user(c.arg[0], &name, sizeof name) ? 0 : -LINUX_EFAULT;
}

// The kernel's ChaCha20 generator (random_device.cpp), shared with
// /dev/urandom. GRND_RANDOM and GRND_NONBLOCK change nothing: it never blocks.
int64_t sys_getrandom(SyscallContext& c) {
  if (c.arg[2] & ~uint64_t(0x7)) return -LINUX_EINVAL;
  uint64_t length = c.arg[1] > 33554431 ? 33554431 : c.arg[1];
  uint8_t chunk[256];
  for (uint64_t done = 0; done < length; done += sizeof chunk) {
    uint64_t size = length - done < sizeof chunk ? length - done : sizeof chunk;
    random_device::fill(chunk, size);
    if (!microcore::copy_to_user(c.arg[0] + done, chunk, size)) return -LINUX_EFAULT;
  }
  __builtin_memset(chunk, 0, sizeof chunk);
  return static_cast<int64_t>(length);
}

int64_t sys_sched_yield(SyscallContext&) {
  microcore::yield_cpu();
  return 0;
}

int64_t sys_sysinfo(SyscallContext& c) {
  struct {
    int64_t uptime;
    uint64_t loads[3];
    uint64_t totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
  } info{};
  info.uptime = static_cast<int64_t>(microcore::now_ns() / 1000000000ull);
  // The page allocator's figures (free, uptime read them); no swap, no
  // shared or buffer memory. Loads: the run queue now, as /proc/loadavg.
  executive::system_info::MemoryFigures memory = executive::system_info::memory();
  info.totalram = memory.total_bytes;
  info.freeram = memory.free_bytes;
  info.mem_unit = 1;
  struct Counts {
    uint16_t total = 0;
    uint64_t runnable = 0;
  } counts;
  {
    BsdLock lock;
    for_each_process([](Process& process, void* context) {
      auto& tally = *static_cast<Counts*>(context);
      ++tally.total;
      if (proc::process_state(process) == 'R') ++tally.runnable;
    }, &counts);
  }
  info.procs = counts.total;
  for (uint64_t& load : info.loads) load = counts.runnable << 16;  // SI_LOAD_SHIFT
  return microcore::copy_to_user(c.arg[0], &info, sizeof info) ? 0 : -LINUX_EFAULT;
}

int64_t sys_reboot(SyscallContext& c) {
  constexpr uint64_t kMagic1 = 0xfee1dead, kMagic2 = 672274793;
  constexpr uint64_t kPowerOff = 0x4321fedc, kHalt = 0xcdef0123, kRestart = 0x01234567;
  if (c.arg[0] != kMagic1 || (c.arg[1] != kMagic2 && c.arg[1] != 85072278 && c.arg[1] != 369367448 &&
                              c.arg[1] != 537993216))
    return -LINUX_EINVAL;
  switch (c.arg[2]) {
    case kPowerOff:
    case kHalt: executive::power::power_off(0);
    case kRestart: executive::power::restart();
    default: return -LINUX_EINVAL;
  }
}

}  // namespace

void register_system_syscalls() {
  register_syscall(nr(Syscall::uname), sys_uname);
  register_syscall(nr(Syscall::sethostname), sys_sethostname);
  register_syscall(nr(Syscall::getrandom), sys_getrandom);
  register_syscall(nr(Syscall::sched_yield), sys_sched_yield);
  register_syscall(nr(Syscall::sysinfo), sys_sysinfo);
  register_syscall(nr(Syscall::reboot), sys_reboot);
}

}  // namespace bsdlayer
