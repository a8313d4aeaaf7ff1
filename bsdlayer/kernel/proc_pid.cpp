// /proc/<pid>/: stat, status, cmdline, maps, exe, in Linux's formats (see
// fs/proc/array.c and task_mmu.c; busybox's procps.c parses stat by field).
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/vfs/fd_table.h"
#include "executive/system_info.h"
#include "microcore/thread.h"
#include "proc_providers.h"
#include "rtl/alloc.h"

namespace bsdlayer::proc {
namespace {

constexpr uint64_t kPageSize = 4096;
constexpr uint32_t kConsoleTtyNr = (5 << 8) | 1;  // /dev/console, as tty_nr encodes it

// The controlling tty: the console, for the session that owns it.
uint32_t tty_nr(const Process& process) {
  int session = console_tty::session();
  return session && session == process.sid ? kConsoleTtyNr : 0;
}

microcore::vm::MapStatistics memory_of(const Process& process) {
  if (!process.task) return {};
  return executive::system_info::task_memory(*process.task);
}

bool gen_stat(int pid, ProcText& out) {
  Process* process = find_process(pid);
  if (!process) return false;
  microcore::vm::MapStatistics memory = memory_of(*process);
  uint32_t tty = tty_nr(*process);
  int tpgid = tty ? console_tty::foreground_pgid() : -1;
  uint32_t threads = process->task ? process->task->thread_count() : 0;
  CpuTimes times = process_cpu_times_locked(*process);
  // Fields 1-52 (man 5 proc): 14-17 are utime, stime, cutime, cstime.
  // Priority 20 / nice 0 is Linux's default.
  out.appendf("{} ({}) {} {} {} {} {} {} {} ", process->pid, process->name, process_state(*process),
              process->parent ? process->parent->pid : 0, process->pgid, process->sid, tty, tpgid,
              0x400000 /* flags: PF_RANDOMIZE, as for Linux's user processes */);
  out.appendf("0 0 0 0 {} {} {} {} 20 0 {} 0 {} ", ns_to_ticks(times.user_ns), ns_to_ticks(times.system_ns),
              ns_to_ticks(process->children_cpu_times.user_ns), ns_to_ticks(process->children_cpu_times.system_ns),
              threads, ns_to_ticks(process->start_ns));
  out.appendf("{} {} 18446744073709551615 ", memory.virtual_bytes, memory.resident_pages);
  // startcode endcode startstack kstkesp kstkeip signal blocked sigignore
  // sigcatch wchan nswap cnswap exit_signal processor rt_priority policy
  // delayacct_blkio_ticks guest_time cguest_time start_data end_data
  // start_brk arg_start arg_end env_start env_end exit_code
  out.appendf("0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 {} 0 0 0 0 {}\n", process->brk_start,
              process->state == ProcessState::zombie ? process->wait_status : 0);
  return true;
}

const char* state_name(char state) {
  switch (state) {
    case 'R': return "R (running)";
    case 'Z': return "Z (zombie)";
    default: return "S (sleeping)";
  }
}

bool gen_status(int pid, ProcText& out) {
  Process* process = find_process(pid);
  if (!process) return false;
  microcore::vm::MapStatistics memory = memory_of(*process);
  int ppid = process->parent ? process->parent->pid : 0;
  out.appendf("Name:\t{}\nUmask:\t{:04o}\nState:\t{}\n", process->name, process->umask,
              state_name(process_state(*process)));
  out.appendf("Tgid:\t{}\nNgid:\t0\nPid:\t{}\nPPid:\t{}\nTracerPid:\t0\n", process->pid, process->pid, ppid);
  out.appendf("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nFDSize:\t{}\nGroups:\t\n", FdTable::kMaxFds);
  out.appendf("NStgid:\t{}\nNSpid:\t{}\nNSpgid:\t{}\nNSsid:\t{}\n", process->pid, process->pid, process->pgid,
              process->sid);
  if (process->task) {
    out.appendf("VmSize:\t{:8} kB\nVmRSS:\t{:8} kB\n", memory.virtual_bytes / 1024,
                memory.resident_pages * kPageSize / 1024);
    out.appendf("VmData:\t{:8} kB\n", (process->brk_end - process->brk_start) / 1024);
  }
  out.appendf("Threads:\t{}\n", process->task ? process->task->thread_count() : 0);
  // Signal sets as Linux prints them (bit n-1 for signal n): what waits,
  // what is blocked, ignored and caught. Signals are process-directed here,
  // so the thread's and the process's pending sets are one.
  linux_abi::SigSet ignored = 0, caught = 0;
  for (int signo = 1; signo <= linux_abi::kNSIG; ++signo) {
    uint64_t handler = process->signals.action(signo).handler;
    if (handler == linux_abi::kSIG_IGN)
      ignored |= linux_abi::sig_bit(signo);
    else if (handler != linux_abi::kSIG_DFL)
      caught |= linux_abi::sig_bit(signo);
  }
  out.appendf(
      "SigPnd:\t{:016x}\nShdPnd:\t{:016x}\nSigBlk:\t{:016x}\nSigIgn:\t{:016x}\nSigCgt:\t{:016x}\n",
      process->signals.pending(), process->signals.pending(), process->signals.blocked(), ignored,
      caught);
  return true;
}

bool gen_cmdline(int pid, ProcText& out) {
  Process* process = find_process(pid);
  if (!process) return false;
  out.append({process->cmdline, process->cmdline_length});
  return true;
}

bool gen_exe(int pid, ProcText& out) {
  Process* process = find_process(pid);
  if (!process || !process->exe[0]) return false;  // zombies and kernel-started ones have none
  out.append(process->exe);
  return true;
}

bool gen_maps(int pid, ProcText& out) {
  Process* process = find_process(pid);
  if (!process) return false;
  if (!process->task) return true;
  constexpr size_t kMaxRegions = 256;
  size_t bytes = kMaxRegions * sizeof(microcore::vm::RegionInfo);
  auto* regions = static_cast<microcore::vm::RegionInfo*>(rtl::allocate(bytes));
  if (!regions) return true;  // nothing to show rather than a failed read
  size_t count = executive::system_info::task_regions(*process->task, regions, kMaxRegions);
  if (count > kMaxRegions) count = kMaxRegions;
  for (size_t i = 0; i < count; ++i) {
    const microcore::vm::RegionInfo& r = regions[i];
    // Amphi keeps no file behind a region (images are copied in), so only
    // the heap and the stack (the highest region) get Linux's names.
    const char* name = "";
    if (process->brk_end > process->brk_start && r.start <= process->brk_start && process->brk_start < r.end)
      name = "[heap]";
    else if (i + 1 == count)
      name = "[stack]";
    bool shared = r.inheritance == microcore::vm::Inheritance::share;
    size_t line_start = out.size();
    out.appendf("{:08x}-{:08x} {}{}{}{} {:08x} 00:00 0", r.start, r.end, r.protection.read ? 'r' : '-',
                r.protection.write ? 'w' : '-', r.protection.execute ? 'x' : '-', shared ? 's' : 'p', r.offset);
    if (name[0]) {
      // Linux pads the name to start at column 73 (at least one space).
      size_t used = out.size() - line_start;
      out.appendf("{:{}}{}", "", used < 72 ? 73 - used : 1, name);
    }
    out.append_char('\n');
  }
  rtl::deallocate(regions, bytes);
  return true;
}

}  // namespace

const ProcEntry kPidEntries[] = {
    {"stat", VnodeType::regular, gen_stat},       {"status", VnodeType::regular, gen_status},
    {"cmdline", VnodeType::regular, gen_cmdline}, {"maps", VnodeType::regular, gen_maps},
    {"exe", VnodeType::symlink, gen_exe},
};
const size_t kPidEntryCount = sizeof kPidEntries / sizeof kPidEntries[0];

char process_state(const Process& process) {
  if (process.state == ProcessState::zombie || !process.task) return 'Z';
  microcore::Thread* thread = process.task->first_thread();
  if (!thread) return 'Z';
  return thread->state == microcore::ThreadState::blocked ? 'S' : 'R';
}

}  // namespace bsdlayer::proc
