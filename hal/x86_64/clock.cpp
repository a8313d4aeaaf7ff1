// TSC clock and its calibration (see hal/clock.h).
//
// Calibration counts TSC cycles and local-APIC-timer decrements across a
// fixed span of a reference clock whose rate is known from the hardware:
// the HPET (period in femtoseconds in its capabilities register) or, failing
// that, PIT channel 2 (1.193182 MHz), gated through port 0x61.
#include "hal/clock.h"

#include "hal/cpu.h"
#include "hal/cpu_identity.h"
#include "hal/interrupt_controller.h"
#include "hal/io.h"
#include "hal/paging.h"

namespace hal::clock {
namespace {

constexpr uint64_t kCalibrationUs = 10000;

// Set once by calibrate(), read-only afterwards.
uint64_t g_boot_tsc = 0;
uint64_t g_tsc_hz = 0;
uint64_t g_lapic_hz = 0;
uint64_t g_ns_per_tsc_fixed = 0;  // ns per cycle, 32.32 fixed point

struct Sample {
  uint64_t tsc;
  uint32_t lapic;
};

Sample sample() { return {x86::rdtsc(), interrupt_controller::lapic_timer_current()}; }

rtl::Result<void> wait_hpet(const acpi::HpetInfo& hpet, Sample& start, Sample& end) {
  uintptr_t base = TRY(paging::map_device_memory(hpet.base_address, 0x400));
  uint64_t capabilities = mmio_read<uint64_t>(base + 0x0);
  uint64_t period_fs = capabilities >> 32;
  if (period_fs == 0 || period_fs > 100000000)
    return rtl::Error(rtl::Errc::bad_format, "HPET reports an impossible period");
  mmio_write<uint64_t>(base + 0x10, mmio_read<uint64_t>(base + 0x10) | 1);  // enable counter
  uint64_t ticks = kCalibrationUs * 1000000000ull / period_fs;
  uint64_t first = mmio_read<uint64_t>(base + 0xf0);
  start = sample();
  while (mmio_read<uint64_t>(base + 0xf0) - first < ticks) {
  }
  end = sample();
  return {};
}

void wait_pit(Sample& start, Sample& end) {
  constexpr uint32_t kPitHz = 1193182;
  uint16_t count = static_cast<uint16_t>(kPitHz * kCalibrationUs / 1000000);
  outb(0x61, (inb(0x61) & ~0x02) | 0x01);  // gate on, speaker off
  outb(0x43, 0xb0);                        // channel 2, lobyte/hibyte, mode 0
  outb(0x42, count & 0xff);
  outb(0x42, count >> 8);
  // Restart the count by toggling the gate.
  uint8_t gate = inb(0x61);
  outb(0x61, gate & ~0x01);
  outb(0x61, gate | 0x01);
  start = sample();
  while (!(inb(0x61) & 0x20)) {
  }
  end = sample();
}

}  // namespace

rtl::Result<Calibration> calibrate(uint64_t boot_tsc, const acpi::HpetInfo* hpet) {
  Calibration result{};
  Sample start{}, end{};
  interrupt_controller::lapic_timer_one_shot(0xffffffff);
  bool used_hpet = false;
  if (hpet) {
    auto waited = wait_hpet(*hpet, start, end);
    used_hpet = waited.is_ok();
  }
  if (!used_hpet) wait_pit(start, end);
  interrupt_controller::lapic_timer_stop();

  uint64_t tsc_cycles = end.tsc - start.tsc;
  if (tsc_cycles == 0) return rtl::Error(rtl::Errc::not_supported, "TSC does not advance");
  result.tsc_hz = tsc_cycles * (1000000 / kCalibrationUs);
  result.lapic_timer_hz = static_cast<uint64_t>(start.lapic - end.lapic) * (1000000 / kCalibrationUs);
  result.reference = used_hpet ? "HPET" : "PIT";
  result.invariant_tsc = cpu_info().has(Feature::invariant_tsc);

  g_boot_tsc = boot_tsc;
  g_tsc_hz = result.tsc_hz;
  g_lapic_hz = result.lapic_timer_hz;
  g_ns_per_tsc_fixed = (1000000000ull << 32) / result.tsc_hz;
  return result;
}

uint64_t read_tsc() { return x86::rdtsc(); }
uint64_t tsc_hz() { return g_tsc_hz; }
uint64_t lapic_timer_hz() { return g_lapic_hz; }

uint64_t tsc_to_ns(uint64_t delta) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(delta) * g_ns_per_tsc_fixed) >> 32);
}

uint64_t now_ns() {
  if (!g_tsc_hz) return 0;
  return tsc_to_ns(x86::rdtsc() - g_boot_tsc);
}

void delay_us(uint64_t microseconds) {
  uint64_t start = x86::rdtsc();
  uint64_t cycles = g_tsc_hz ? g_tsc_hz / 1000000 * microseconds : microseconds * 3000;
  while (x86::rdtsc() - start < cycles) asm volatile("pause");
}

}  // namespace hal::clock
