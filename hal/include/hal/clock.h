// Time since boot, from the TSC.
//
// Boot time zero is the loader's first instruction (amphi_boot_info::
// loader_entry_tsc), so "ready in N ms" counts the loader too. The TSC rate
// is measured against a reference timer (HPET, else the PIT) by calibrate();
// until then now_ns() reads 0.
#pragma once

#include <cstdint>

#include "hal/acpi.h"
#include "rtl/result.h"

namespace hal::clock {

struct Calibration {
  uint64_t tsc_hz;
  uint64_t lapic_timer_hz;  // after the divide-by-16 the timer uses
  const char* reference;    // "HPET" or "PIT"
  bool invariant_tsc;
};

// `hpet` may be null (no HPET table): the PIT is used instead.
rtl::Result<Calibration> calibrate(uint64_t boot_tsc, const acpi::HpetInfo* hpet);

uint64_t now_ns();
uint64_t tsc_to_ns(uint64_t tsc_delta);
uint64_t read_tsc();
uint64_t tsc_hz();
uint64_t lapic_timer_hz();  // 0 before calibrate()

// Busy-wait, for device bring-up before the scheduler exists.
void delay_us(uint64_t microseconds);

}  // namespace hal::clock
