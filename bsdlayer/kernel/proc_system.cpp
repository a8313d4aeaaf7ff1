// System-wide /proc files in Linux's formats: version, cpuinfo, meminfo,
// stat, uptime, loadavg, mounts, filesystems, and the "self" link; plus the
// tables that tie them and proc_pid.cpp's entries to procfs.
//
// No floating point in the kernel: decimals are printed as integer parts.
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/vfs/vfs.h"
#include "executive/io_manager.h"
#include "executive/modules.h"
#include "executive/object_manager.h"
#include "executive/system_info.h"
#include "microcore/load_average.h"
#include "microcore/personality.h"
#include "proc_providers.h"
#include "rtl/alloc.h"

namespace bsdlayer::proc {
namespace {

constexpr uint64_t kNsPerCentisecond = 10'000'000;

bool gen_version(int, ProcText& out) {
  // Linux's linux_banner, with the uname values (release, version).
  out.appendf("Linux version {} (amphi@amphi) ({}) {}\n", uname_release(), executive::system_info::compiler(),
              uname_version());
  return true;
}

bool gen_cpuinfo(int, ProcText& out) {
  executive::system_info::CpuFigures cpu = executive::system_info::cpu();
  uint64_t khz = cpu.tsc_hz / 1000;
  uint64_t bogomips_hundredths = cpu.tsc_hz / 5000;  // 2 * MHz, as Linux reports with a TSC delay loop
  out.appendf("processor\t: 0\nvendor_id\t: {}\ncpu family\t: {}\nmodel\t\t: {}\nmodel name\t: {}\n", cpu.vendor,
              cpu.family, cpu.model, cpu.brand);
  out.appendf("stepping\t: {}\ncpu MHz\t\t: {}.{:03}\n", cpu.stepping, khz / 1000, khz % 1000);
  out.appendf("physical id\t: 0\nsiblings\t: 1\ncore id\t\t: 0\ncpu cores\t: 1\napicid\t\t: 0\ninitial apicid\t: 0\n");
  out.appendf("fpu\t\t: yes\nfpu_exception\t: yes\ncpuid level\t: {}\nwp\t\t: yes\nflags\t\t: ", cpu.max_basic_leaf);
  char flags[1024];
  size_t length = executive::system_info::format_cpu_flags(flags, sizeof flags);
  out.append({flags, length});
  out.appendf("\nbogomips\t: {}.{:02}\nclflush size\t: 64\ncache_alignment\t: 64\n", bogomips_hundredths / 100,
              bogomips_hundredths % 100);
  out.appendf("address sizes\t: {} bits physical, {} bits virtual\npower management:\n\n", cpu.physical_address_bits,
              cpu.linear_address_bits);
  return true;
}

bool gen_meminfo(int, ProcText& out) {
  executive::system_info::MemoryFigures memory = executive::system_info::memory();
  uint64_t total = memory.total_bytes / 1024, free = memory.free_bytes / 1024;
  // No page cache and no swap: free memory is all there is to have.
  out.appendf("MemTotal:       {:8} kB\nMemFree:        {:8} kB\nMemAvailable:   {:8} kB\n", total, free, free);
  out.appendf("Buffers:        {:8} kB\nCached:         {:8} kB\nSwapCached:     {:8} kB\n", 0, 0, 0);
  out.appendf("SwapTotal:      {:8} kB\nSwapFree:       {:8} kB\nShmem:          {:8} kB\n", 0, 0, 0);
  return true;
}

bool gen_stat(int, ProcText& out) {
  executive::system_info::SchedulerFigures scheduler = executive::system_info::scheduler();
  // The whole CPU's time by what each timer tick interrupted: Ring 3, the
  // kernel, the idle thread. Each count only grows, as top expects.
  const uint64_t hz = scheduler.tick_hz ? scheduler.tick_hz : kUserHz;
  const uint64_t user = scheduler.user_ticks * kUserHz / hz, system = scheduler.system_ticks * kUserHz / hz;
  const uint64_t idle = scheduler.idle_ticks * kUserHz / hz;
  for (const char* name : {"cpu ", "cpu0"}) out.appendf("{} {} 0 {} {} 0 0 0 0 0 0\n", name, user, system, idle);
  // Linux's intr line: the total, then one count per interrupt number;
  // ours are the CPU's vectors. Read twice, so the total may lag the
  // counts after it by an interrupt or two, as on Linux.
  uint64_t total = 0;
  for (unsigned vector = 0; vector < 256; ++vector)
    total += executive::system_info::interrupts_on(uint8_t(vector));
  out.appendf("intr {}", total);
  for (unsigned vector = 0; vector < 256; ++vector)
    out.appendf(" {}", executive::system_info::interrupts_on(uint8_t(vector)));
  // btime 0: the wall clock starts at the epoch at boot (sys_time.cpp).
  out.appendf("\nctxt {}\nbtime 0\nprocesses {}\nprocs_running {}\nprocs_blocked 0\nsoftirq 0\n",
              scheduler.context_switches, last_allocated_pid(), scheduler.runnable);
  return true;
}

bool gen_uptime(int, ProcText& out) {
  uint64_t now = microcore::now_ns() / kNsPerCentisecond;
  uint64_t idle = executive::system_info::scheduler().idle_ns / kNsPerCentisecond;
  out.appendf("{}.{:02} {}.{:02}\n", now / 100, now % 100, idle / 100, idle % 100);
  return true;
}

bool gen_loadavg(int, ProcText& out) {
  // The microcore's decayed averages, then runnable/all threads and the
  // last pid handed out, as Linux's loadavg_proc_show.
  executive::system_info::SchedulerFigures scheduler = executive::system_info::scheduler();
  for (uint64_t fixed : scheduler.load) {
    microcore::LoadAverage::Decimal figure = microcore::LoadAverage::to_decimal(fixed);
    out.appendf("{}.{:02} ", figure.whole, figure.hundredths);
  }
  out.appendf("{}/{} {}\n", scheduler.runnable, scheduler.threads, last_allocated_pid());
  return true;
}

// Text from a formatter that reports the full length it needs (like
// snprintf): try a page, then exactly what it asked for.
void append_formatted(ProcText& out, size_t (*format)(char* buffer, size_t capacity)) {
  size_t capacity = 4096;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto* buffer = static_cast<char*>(rtl::allocate(capacity));
    if (!buffer) return;
    size_t length = format(buffer, capacity);
    if (length <= capacity || attempt == 1) out.append({buffer, length < capacity ? length : capacity});
    rtl::deallocate(buffer, capacity);
    if (length <= capacity) break;
    capacity = length + 1;
  }
}

bool gen_mounts(int, ProcText& out) {
  append_formatted(out, [](char* buffer, size_t capacity) { return vfs().format_mounts(buffer, capacity); });
  return true;
}

// lsmod reads this: "name size refcount deps, state address" per module.
bool gen_modules(int, ProcText& out) {
  append_formatted(out, executive::modules::format_proc_modules);
  return true;
}

// drvctl list reads this: one line per device object and its instance.
bool gen_drivers(int, ProcText& out) {
  append_formatted(out, executive::io::format_driver_table);
  return true;
}

// How each device was found: the ACPI namespace, PCI, fixed legacy ports.
bool gen_device_sources(int, ProcText& out) {
  append_formatted(out, executive::io::format_device_sources);
  return true;
}

// WinObj for the shell: every object in the object manager's namespace,
// with its type, references and link target.
bool gen_objects(int, ProcText& out) {
  append_formatted(out, [](char* buffer, size_t capacity) {
    return executive::ob::format_object_table(executive::ob::object_namespace(), buffer, capacity);
  });
  return true;
}

bool gen_filesystems(int, ProcText& out) {
  out.append("nodev\ttmpfs\nnodev\tdevtmpfs\nnodev\tproc\n");
  return true;
}

bool gen_self(int, ProcText& out) {
  Process* process = current_process();
  if (!process) return false;
  out.appendf("{}", process->pid);
  return true;
}

const ProcEntry kRootEntries[] = {
    {"self", VnodeType::symlink, gen_self},          {"version", VnodeType::regular, gen_version},
    {"cpuinfo", VnodeType::regular, gen_cpuinfo},    {"meminfo", VnodeType::regular, gen_meminfo},
    {"stat", VnodeType::regular, gen_stat},          {"uptime", VnodeType::regular, gen_uptime},
    {"loadavg", VnodeType::regular, gen_loadavg},    {"mounts", VnodeType::regular, gen_mounts},
    {"filesystems", VnodeType::regular, gen_filesystems}, {"modules", VnodeType::regular, gen_modules},
    {"drivers", VnodeType::regular, gen_drivers},    {"objects", VnodeType::regular, gen_objects},
    {"device_sources", VnodeType::regular, gen_device_sources},
};

const ProcfsTables kTables{
    kRootEntries,
    sizeof kRootEntries / sizeof kRootEntries[0],
    kPidEntries,
    kPidEntryCount,
    [](void (*visit)(int, void*), void* context) {
      struct Visit {
        void (*visit)(int, void*);
        void* context;
      } v{visit, context};
      for_each_process([](Process& process, void* c) {
        auto& vv = *static_cast<Visit*>(c);
        vv.visit(process.pid, vv.context);
      }, &v);
    },
    [](int pid) { return find_process(pid) != nullptr; },
};

}  // namespace

const ProcfsTables& tables() { return kTables; }

}  // namespace bsdlayer::proc
