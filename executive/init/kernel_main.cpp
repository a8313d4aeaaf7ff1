// Phase 1 of boot, on the kernel's own stack (see executive/boot.h).
//
// Steps that can fail on a real machine return errors and end in a clear
// panic naming the step; nothing here retries silently.
#include "executive/boot.h"
#include "executive/boot_report.h"
#include "executive/demo.h"
#include "executive/exit_status.h"
#include "executive/framebuffer_console.h"
#include "executive/klog.h"
#include "executive/io_manager.h"
#include "executive/object_manager.h"
#include "executive/personality.h"
#include "executive/version.h"
#include "hal/clock.h"
#include "hal/cpu.h"
#include "hal/interrupt_controller.h"
#include "hal/memory_layout.h"
#include "hal/paging.h"
#include "hal/pci_ecam.h"
#include "hal/platform.h"
#include "hal/power.h"
#include "hal/segments.h"
#include "hal/timer.h"
#include "microcore/microcore.h"
#include "microcore/physical_memory.h"
#include "microcore/scheduler.h"
#include "rtl/format.h"
#include "rtl/log.h"

namespace executive {
namespace {

constexpr uint32_t kTickHz = 1000;
rtl::CommandLine g_command_line;

template <typename T>
T must_step(rtl::Result<T>&& result, const char* step) {
  if (result.is_error()) {
    char reason[160];
    rtl::format_to_buffer(reason, sizeof reason, "{}: {}", step, result.error().what());
    rtl::panic_report({reason, nullptr});
  }
  return result.release_value();
}

void must_step(rtl::Result<void>&& result, const char* step) {
  if (result.is_error()) {
    char reason[160];
    rtl::format_to_buffer(reason, sizeof reason, "{}: {}", step, result.error().what());
    rtl::panic_report({reason, nullptr});
  }
}

uint64_t allocate_page_table_frame(void*) {
  auto frame = microcore::allocate_frame();
  return frame.is_ok() ? frame.value() : 0;
}

void release_page_table_frame(void*, uint64_t physical) { microcore::free_frame(physical); }

void parse_command_line() {
  auto parsed = rtl::CommandLine::parse(boot_info().cmdline);
  if (parsed.is_ok()) {
    g_command_line = parsed.release_value();
    return;
  }
  // A bad command line must not stop the boot: say why and boot with none.
  rtl::pr_err("Command line rejected ({}); booting with an empty one", parsed.error().what());
}

PanicAction panic_action_from_command_line() {
  auto value = g_command_line.get("panic");
  if (!value) return PanicAction::halt;
  if (*value == "poweroff") return PanicAction::power_off;
  if (*value == "reboot") return PanicAction::reboot;
  if (*value != "halt") rtl::pr_warn("panic={}: unknown action, using halt", *value);
  return PanicAction::halt;
}

// Proves the tick is live: interrupts on, wait for a few ticks, bounded by
// the TSC so a dead timer is reported instead of hanging the boot.
void verify_timer_ticks() {
  constexpr uint64_t kWantTicks = 10;
  uint64_t first = hal::timer::ticks();
  uint64_t start = hal::clock::now_ns();
  hal::x86::sti();
  while (hal::timer::ticks() - first < kWantTicks && hal::clock::now_ns() - start < 2000000000)
    hal::x86::hlt();
  uint64_t seen = hal::timer::ticks() - first;
  uint64_t elapsed_us = (hal::clock::now_ns() - start) / 1000;
  if (seen < kWantTicks)
    rtl::pr_err("timer: only {} ticks in {} us; the LAPIC timer is not interrupting", seen, elapsed_us);
  else
    rtl::pr_info("timer: LAPIC timer ticking at {} Hz ({} ticks in {} us)", hal::timer::frequency_hz(),
                 seen, elapsed_us);
}

// `init=PATH`: the first user program, run by the personality (bsdlayer)
// from the root filesystem the initramfs fills.
void start_init_program(std::string_view path) {
  static char path_storage[256];
  if (path.empty() || path.size() >= sizeof path_storage) {
    rtl::pr_err("init: path too long or empty");
    return;
  }
  __builtin_memcpy(path_storage, path.data(), path.size());
  path_storage[path.size()] = '\0';
  static const char* argv[2];
  argv[0] = path_storage;
  const amphi_boot_info& boot = boot_info();
  PersonalityBoot personality{boot.ramdisk_base ? hal::phys_to_ptr<const uint8_t>(boot.ramdisk_base) : nullptr,
                              boot.ramdisk_size, path_storage, argv, 1, kRelease, kUnameVersion};
  (void)start_personality(personality);
}

}  // namespace

const rtl::CommandLine& command_line() { return g_command_line; }

void kernel_main() {
  const amphi_boot_info& boot = boot_info();
  install_panic_handler(PanicAction::halt);
  parse_command_line();
  install_panic_handler(panic_action_from_command_line());

  // Memory first: everything after allocates page tables or heap.
  auto memory = must_step(microcore::init_physical_memory(boot), "physical memory");
  uintptr_t guards[4];
  size_t guard_count = 0;
  auto ist = hal::ist_guard_pages();
  for (uint32_t i = 0; i < ist.count; ++i) guards[guard_count++] = ist.pages[i];
  guards[guard_count++] = boot_stack_guard_page();
  hal::paging::FrameSource frames{allocate_page_table_frame, release_page_table_frame, nullptr};
  auto address_space =
      must_step(hal::paging::build_kernel_address_space(boot, frames, guards, guard_count), "kernel page tables");
  auto protection = hal::paging::enable_protection();

  // The platform and the clock, so log lines carry real timestamps.
  const hal::PlatformDescription* platform = must_step(hal::discover_platform(boot.acpi_rsdp), "ACPI");
  hal::power::init(*platform);
  auto interrupts = must_step(hal::interrupt_controller::init(platform->madt), "interrupt controllers");
  auto calibration = must_step(hal::clock::calibrate(boot.loader_entry_tsc, platform->has_hpet ? &platform->hpet : nullptr),
                               "clock calibration");

  klog::init();
  if (auto level = g_command_line.get("loglevel"); level && level->size() == 1 && (*level)[0] >= '0' && (*level)[0] <= '8')
    klog::set_console_level(static_cast<uint8_t>((*level)[0] - '0'));
  boot_report::banner();
  if (boot.framebuffer.format != AMPHI_PIXEL_NONE) {
    auto console = attach_framebuffer_console(boot);
    if (console.is_error()) rtl::pr_warn("fbcon: {}", console.error().what());
  }
  boot_report::firmware(boot);
  boot_report::memory_map(boot, memory);
  boot_report::cpu(protection);
  boot_report::address_space(address_space);
  boot_report::acpi(*platform);
  rtl::pr_info("APIC: boot CPU APIC id {}, {} I/O APIC pins, 8259 PICs {}", interrupts.boot_cpu_apic_id,
               interrupts.io_apic_pins, interrupts.legacy_pic_masked ? "masked" : "absent");
  boot_report::clock(calibration);
  if (platform->has_mcfg) {
    if (auto ecam = hal::pci::init_ecam(platform->mcfg); ecam.is_ok())
      boot_report::pci_devices();
    else
      rtl::pr_warn("PCI: {}", ecam.error().what());
  } else {
    rtl::pr_warn("PCI: no MCFG table; PCI devices not enumerated");
  }

  must_step(hal::timer::start_periodic(kTickHz, nullptr, nullptr), "timer");
  microcore::init();
  verify_timer_ticks();

  must_step(ob::init_object_manager(), "object manager");
  io::init_io_manager(g_command_line);

  if (auto test = g_command_line.get("test")) run_boot_self_test(*test);
  if (auto demo = g_command_line.get("demo")) start_demo(*demo);
  // Like Linux, run /sbin/init unless told otherwise; the demos and the
  // self-tests own the machine when they are asked for.
  if (auto init = g_command_line.get("init"))
    start_init_program(*init);
  else if (boot.ramdisk_size && !g_command_line.has("demo") && !g_command_line.has("test"))
    start_init_program("/sbin/init");

  uint64_t ready_ms = hal::clock::now_ns() / 1000000;
  rtl::pr_notice("Amphi {} ready in {} ms", kVersion, ready_ms);

  if (g_command_line.get("poweroff") == "ready") {
    rtl::pr_notice("reboot: Power down (poweroff=ready)");
    hal::power::power_off(kExitSuccess);
  }
  // The boot thread's work is done; the scheduler's idle thread takes over
  // whenever nothing else is ready.
  microcore::WaitQueue parked;
  for (;;) microcore::block_on(parked, 0);
}

}  // namespace executive
