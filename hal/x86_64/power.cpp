// See hal/power.h.
#include "hal/power.h"

#include "hal/clock.h"
#include "hal/cpu.h"
#include "hal/io.h"
#include "rtl/platform.h"

namespace hal::power {
namespace {

constexpr uint16_t kQemuDebugExitPort = 0xf4;
constexpr uint16_t kSleepEnable = 1u << 13;

// Copied once at boot so power-off works even if the tables are damaged later.
bool g_have_s5 = false;
uint32_t g_pm1a = 0, g_pm1b = 0;
acpi::SleepType g_s5{};
bool g_have_reset_register = false;
acpi::GenericAddress g_reset_register{};
uint8_t g_reset_value = 0;

bool running_under_qemu() {
  if (!(x86::cpuid(1).ecx & (1u << 31))) return false;
  auto r = x86::cpuid(0x40000000);
  char vendor[13];
  __builtin_memcpy(vendor + 0, &r.ebx, 4);
  __builtin_memcpy(vendor + 4, &r.ecx, 4);
  __builtin_memcpy(vendor + 8, &r.edx, 4);
  vendor[12] = 0;
  return __builtin_memcmp(vendor, "TCGTCGTCGTCG", 12) == 0 ||
         __builtin_memcmp(vendor, "KVMKVMKVM\0\0\0", 12) == 0;
}

}  // namespace

void init(const PlatformDescription& platform) {
  if (platform.has_fadt && platform.has_s5 && platform.fadt.pm1a_control_port) {
    g_have_s5 = true;
    g_pm1a = platform.fadt.pm1a_control_port;
    g_pm1b = platform.fadt.pm1b_control_port;
    g_s5 = platform.s5;
  }
  if (platform.has_fadt && platform.fadt.reset_register_supported() &&
      platform.fadt.reset_register.is(acpi::AddressSpace::system_io)) {
    g_have_reset_register = true;
    g_reset_register = platform.fadt.reset_register;
    g_reset_value = platform.fadt.reset_value;
  }
}

void power_off(int status) {
  x86::cli();
  if (status != 0 && running_under_qemu()) outb(kQemuDebugExitPort, static_cast<uint8_t>(status));
  if (g_have_s5) {
    outw(static_cast<uint16_t>(g_pm1a), static_cast<uint16_t>(g_s5.slp_typ_a << 10) | kSleepEnable);
    if (g_pm1b)
      outw(static_cast<uint16_t>(g_pm1b), static_cast<uint16_t>(g_s5.slp_typ_b << 10) | kSleepEnable);
    clock::delay_us(100000);
  }
  if (running_under_qemu()) outb(kQemuDebugExitPort, static_cast<uint8_t>(status));
  static constexpr char kStuck[] = "power: the machine did not power off; halted\n";
  rtl::platform::early_write(kStuck, sizeof kStuck - 1);
  rtl::platform::halt_forever();
}

void reboot() {
  x86::cli();
  if (g_have_reset_register) {
    outb(static_cast<uint16_t>(g_reset_register.address), g_reset_value);
    clock::delay_us(100000);
  }
  outb(0xcf9, 0x02);  // PCI reset control: request a hard reset
  outb(0xcf9, 0x06);
  clock::delay_us(100000);
  outb(0x64, 0xfe);   // 8042: pulse the CPU reset line
  clock::delay_us(100000);
  // Last resort: an empty IDT turns the next exception into a triple fault.
  struct [[gnu::packed]] {
    uint16_t limit;
    uint64_t base;
  } empty{0, 0};
  asm volatile("lidt %0; int3" : : "m"(empty));
  rtl::platform::halt_forever();
}

}  // namespace hal::power
