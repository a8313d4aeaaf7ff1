// The microcore demonstrations (`demo=` on the command line):
//
//   demo=tasks     ping and pong exchange Mach messages; spin never yields;
//                  badptr writes to a kernel address and another badptr to an
//                  unmapped one. The two badptrs are terminated, the rest run.
//   demo=fairness  three spinners at equal priority; after three seconds a
//                  kernel thread reports each one's share of the CPU from the
//                  scheduler's own accounting.
//   demo=bench     ipcbench: the IPC benchmark (scripts/bench ipc).
//   demo=fpu       three fputest tasks keep SSE values live across preemption.
//   demo=devices   devtest drives the RTC and HPET from Ring 3 with granted
//                  ports, device memory, DMA and interrupts-as-messages, and
//                  probes the virtio disk's PCI configuration and an MSI.
//   demo=memhog    a task that allocates until memory runs out.
//   demo=ipctest   ipctest: bad-input and notification checks of the Mach
//                  traps, with a peer copy whose death it is notified of.
#include "executive/demo.h"

#include "executive/boot.h"
#include "executive/cpio_archive.h"
#include "hal/clock.h"
#include "hal/memory_layout.h"
#include "hal/pci_ecam.h"
#include "microcore/device_services.h"
#include "microcore/kernel_heap.h"
#include "microcore/physical_memory.h"
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

// The first modern virtio-blk function on bus 0 (scripts/lib/amphi_qemu.py
// attaches one to every boot); false if there is none.
bool find_virtio_disk(uint8_t* device, uint8_t* function) {
  const hal::pci::ConfigAccess& ecam = hal::pci::ecam();
  for (uint8_t d = 0; d < 32; ++d) {
    for (uint8_t f = 0; f < 8; ++f) {
      if (ecam.read32(ecam.context, 0, d, f, 0) == 0x10421af4) {
        *device = d;
        *function = f;
        return true;
      }
    }
  }
  return false;
}

// A user-mode driver gets exactly its device's resources: the RTC's two
// ports and interrupt line, the HPET's register page, a DMA allowance. A
// second instance, granted nothing, tries a port and is stopped by the CPU.
void start_device_demo(const CpioArchive& initrd) {
  auto entry = initrd.find("sbin/devtest");
  if (entry.is_error()) {
    rtl::pr_err("demo: sbin/devtest not in the initial ramdisk");
    return;
  }
  for (const char* arguments : {"", "denied"}) {
    auto task = microcore::spawn_program_suspended("devtest", entry.value().data, entry.value().size, arguments);
    if (task.is_error()) {
      rtl::pr_err("demo: cannot start devtest: {}", task.error().what());
      return;
    }
    microcore::Task& t = *task.value();
    if (arguments[0] == '\0') {
      auto granted = [&]() -> rtl::Result<void> {
        TRY(microcore::grant_io_ports(t, 0x70, 2));
        TRY(microcore::grant_interrupt(t, 8));
        TRY(microcore::grant_device_memory(t, 0xfed00000, 0x1000));
        TRY(microcore::grant_dma(t, 64 * 1024));
        uint8_t device = 0, function = 0;
        if (!find_virtio_disk(&device, &function)) return rtl::Error(rtl::Errc::not_found, "no virtio disk");
        TRY(microcore::grant_pci_device(t, 0, device, function));
        return {};
      }();
      if (granted.is_error()) rtl::pr_err("demo: grants failed: {}", granted.error().what());
    }
    microcore::resume_program(t);
    rtl::pr_info("demo: started task {} (devtest{}{})", t.id(), arguments[0] ? " " : "", arguments);
  }
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
  } else if (name == "fpu") {
    for (const char* seed : {"1", "2", "3"}) (void)spawn(initrd, {"sbin/fputest", "fputest", seed});
  } else if (name == "devices") {
    start_device_demo(initrd);
  } else if (name == "memhog") {
    // The kernel must survive memhog and get every page back. A kernel
    // monitor compares the frame allocator's own count from just before the
    // spawn with the count once the task is destroyed. The heap keeps pages
    // it grew into on its free lists by design, so those are reported apart.
    struct MemhogWatch {
      uint64_t task_id;
      microcore::FrameStatistics frames_before;
      microcore::HeapStatistics heap_before;
    };
    static MemhogWatch watch;
    auto monitor = microcore::create_kernel_thread(
        microcore::kernel_task(),
        [](void*) {
          auto alive = [] {
            bool found = false;
            microcore::for_each_task(
                [](microcore::Task& task, void* context) {
                  if (task.id() == watch.task_id) *static_cast<bool*>(context) = true;
                },
                &found);
            return found;
          };
          while (alive()) microcore::sleep_until(hal::clock::now_ns() + 20000000ull);
          microcore::FrameStatistics frames = microcore::frame_statistics();
          microcore::HeapStatistics heap = microcore::heap_statistics();
          rtl::pr_info("memhog: task gone, free memory back to {} of {} pages (heap: {} bytes in use before, {} "
                       "after; {} pages held before, {} after)",
                       frames.free_pages, watch.frames_before.free_pages, watch.heap_before.bytes_in_use,
                       heap.bytes_in_use, watch.heap_before.pages_held, heap.pages_held);
        },
        nullptr, microcore::kDefaultPriority + 4);
    if (monitor.is_error()) {
      rtl::pr_err("demo: memhog monitor: {}", monitor.error().what());
      return;
    }
    watch.frames_before = microcore::frame_statistics();
    watch.heap_before = microcore::heap_statistics();
    auto entry = initrd.find("sbin/memhog");
    auto task = entry.is_ok() ? microcore::spawn_program("memhog", entry.value().data, entry.value().size, "")
                              : rtl::Result<microcore::Task*>(entry.error());
    if (task.is_error()) {
      rtl::pr_err("demo: cannot start sbin/memhog: {}", task.error().what());
      watch.task_id = ~0ull;  // the monitor reports at once
    } else {
      watch.task_id = task.value()->id();
      rtl::pr_info("demo: started task {} (memhog) from sbin/memhog", watch.task_id);
    }
    microcore::make_ready(monitor.value());
  } else if (name == "ipctest") {
    (void)spawn(initrd, {"sbin/ipctest", "ipctest", "peer"});
    (void)spawn(initrd, {"sbin/ipctest", "ipctest", ""});
  } else {
    rtl::pr_err("demo: unknown demo '{}' (known: tasks, fairness, bench, devices, memhog, ipctest)", name);
  }
}

}  // namespace executive
