// The ELF entry point. Runs on the loader's stack with the loader's page
// tables, interrupts off and the firmware's GDT/IDT still loaded (now
// unmapped), so the order here matters: serial for diagnostics, our own
// GDT/TSS/IDT so a fault is reported instead of triple-faulting, the vector
// unit for fmt, then a copy of the boot record and the switch to the
// kernel's own boot stack, which has a guard page the loader's lacks in the
// direct map.
#include <cstring>

#include "executive/boot.h"
#include "hal/cpu_identity.h"
#include "hal/fpu.h"
#include "hal/segments.h"
#include "hal/serial.h"
#include "hal/trap.h"
#include "rtl/platform.h"

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace executive {
namespace {

constexpr size_t kBootStackSize = 64 * 1024;
struct alignas(4096) BootStack {
  uint8_t guard[4096];
  uint8_t stack[kBootStackSize];
};
BootStack g_boot_stack;
amphi_boot_info g_boot_info;

[[noreturn]] void stop(const char* message) {
  rtl::platform::early_write(message, std::strlen(message));
  rtl::platform::halt_forever();
}

[[noreturn]] void continue_on_boot_stack() { kernel_main(); }

}  // namespace

const amphi_boot_info& boot_info() { return g_boot_info; }

bool is_stack_guard_address(uintptr_t address) {
  auto guard = reinterpret_cast<uintptr_t>(g_boot_stack.guard);
  return address >= guard && address < guard + sizeof g_boot_stack.guard;
}

uintptr_t boot_stack_guard_page() { return reinterpret_cast<uintptr_t>(g_boot_stack.guard); }

}  // namespace executive

extern "C" [[noreturn]] void amphi_start(const amphi_boot_info* boot) {
  using namespace executive;
  hal::serial::init();
  hal::install_segments();
  hal::install_trap_table();
  hal::fpu::init();
  hal::identify_cpu();
  for (auto* constructor = __init_array_start; constructor != __init_array_end; ++constructor)
    (*constructor)();

  if (!boot || boot->magic != AMPHI_BOOT_MAGIC)
    stop("amphi: boot record missing or corrupt (bad magic); loader and kernel do not match\n");
  if (boot->version != AMPHI_BOOT_VERSION || boot->size < sizeof(amphi_boot_info))
    stop("amphi: boot record version mismatch; rebuild loader and kernel together\n");
  std::memcpy(&g_boot_info, boot, sizeof g_boot_info);
  g_boot_info.cmdline[AMPHI_CMDLINE_MAX - 1] = '\0';

  uintptr_t top = reinterpret_cast<uintptr_t>(g_boot_stack.stack + kBootStackSize);
  // A zero return address and frame pointer end every backtrace here.
  asm volatile(
      "movq %0, %%rsp\n"
      "xorl %%ebp, %%ebp\n"
      "pushq $0\n"
      "jmp *%1\n"
      :
      : "r"(top), "r"(&continue_on_boot_stack)
      : "memory");
  __builtin_unreachable();
}
