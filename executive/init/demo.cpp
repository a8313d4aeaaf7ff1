// The microcore demonstrations (`demo=` on the command line):
//
//   demo=tasks     ping and pong exchange Mach messages; spin never yields;
//                  badptr writes to a kernel address and another badptr to an
//                  unmapped one. The two badptrs are terminated, the rest run.
//   demo=fairness  three spinners at equal priority; after three seconds a
//                  kernel thread reports each one's share of the CPU from the
//                  scheduler's own accounting.
//   demo=bench     ipcbench: the IPC benchmark (scripts/bench ipc).
//   demo=memhog    a task that allocates until memory runs out.
#include "executive/demo.h"

#include "executive/boot.h"
#include "executive/cpio_archive.h"
#include "hal/clock.h"
#include "hal/memory_layout.h"
#include "microcore/program_loader.h"
#include "microcore/scheduler.h"
#include "rtl/log.h"

namespace executive {
namespace {

struct ProgramSpec {
  const char* path;
  const char* name;
  const char* arguments;
};

rtl::Result<void> spawn(const CpioArchive& archive, const ProgramSpec& spec) {
  auto entry = archive.find(spec.path);
  if (entry.is_error()) {
    rtl::pr_err("demo: {} not in the initial ramdisk", spec.path);
    return entry.error();
  }
  auto task = microcore::spawn_program(spec.name, entry.value().data, entry.value().size, spec.arguments);
  if (task.is_error()) {
    rtl::pr_err("demo: cannot start {}: {}", spec.path, task.error().what());
    return task.error();
  }
  rtl::pr_info("demo: started task {} ({}) from {}", task.value()->id(), spec.name, spec.path);
  return {};
}

struct FairnessShare {
  uint64_t ids[8];
  uint64_t cpu_ns[8];
  uint32_t count;
};

void collect_spinners(microcore::Task& task, void* context) {
  auto* share = static_cast<FairnessShare*>(context);
  if (share->count < 8 && std::string_view(task.name()) == "spin") {
    share->ids[share->count] = task.id();
    share->cpu_ns[share->count] = task.cpu_time_ns();
    ++share->count;
  }
}

// Measures each spinner's CPU time over a window, from the scheduler's own
// accounting, and reports its share of the window.
void fairness_monitor(void*) {
  FairnessShare before{}, after{};
  microcore::for_each_task(collect_spinners, &before);
  uint64_t start = hal::clock::now_ns();
  microcore::sleep_until(start + 3000000000ull);
  microcore::for_each_task(collect_spinners, &after);
  uint64_t window = hal::clock::now_ns() - start;
  for (uint32_t i = 0; i < after.count && i < before.count; ++i) {
    uint64_t used = after.cpu_ns[i] - before.cpu_ns[i];
    rtl::pr_info("fairness: task {} (spin) ran {} ms of {} ms ({} per mille)", after.ids[i], used / 1000000,
                 window / 1000000, used * 1000 / window);
  }
  rtl::pr_info("fairness: done");
}

}  // namespace

void start_demo(std::string_view name) {
  const amphi_boot_info& boot = boot_info();
  if (!boot.ramdisk_size) {
    rtl::pr_err("demo: no initial ramdisk; add ramdisk= to the boot configuration");
    return;
  }
  auto archive = CpioArchive::open(hal::phys_to_ptr<const uint8_t>(boot.ramdisk_base), boot.ramdisk_size);
  if (archive.is_error()) {
    rtl::pr_err("demo: initial ramdisk unreadable: {}", archive.error().what());
    return;
  }
  const CpioArchive& initrd = archive.value();
  if (name == "tasks") {
    static const ProgramSpec kPrograms[] = {
        {"sbin/pong", "pong", "5"},
        {"sbin/ping", "ping", "5"},
        {"sbin/spin", "spin", ""},
        {"sbin/badptr", "badptr", "kernel"},
        {"sbin/badptr", "badptr", "unmapped"},
    };
    for (const ProgramSpec& spec : kPrograms) (void)spawn(initrd, spec);
  } else if (name == "fairness") {
    for (int i = 0; i < 3; ++i) (void)spawn(initrd, {"sbin/spin", "spin", ""});
    if (auto monitor = microcore::create_kernel_thread(microcore::kernel_task(), fairness_monitor, nullptr,
                                                       microcore::kDefaultPriority + 4);
        monitor.is_ok())
      microcore::make_ready(monitor.value());
  } else if (name == "bench") {
    (void)spawn(initrd, {"sbin/ipcbench", "ipcbench", "server"});
    (void)spawn(initrd, {"sbin/ipcbench", "ipcbench", "client"});
  } else if (name == "memhog") {
    (void)spawn(initrd, {"sbin/memhog", "memhog", ""});
  } else {
    rtl::pr_err("demo: unknown demo '{}' (known: tasks, fairness, bench, memhog)", name);
  }
}

}  // namespace executive
