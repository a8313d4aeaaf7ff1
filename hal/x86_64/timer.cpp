// Periodic tick on the local APIC timer (see hal/timer.h).
#include "hal/timer.h"

#include "hal/clock.h"
#include "hal/interrupt_controller.h"
#include "hal/trap.h"

namespace hal::timer {
namespace {

// Written in interrupt context only (one CPU); readers tolerate a stale value.
volatile uint64_t g_ticks = 0;
uint32_t g_hz = 0;
TickFunction g_tick = nullptr;
void* g_context = nullptr;

void on_tick(TrapFrame& frame, void*) {
  g_ticks = g_ticks + 1;
  if (g_tick) g_tick(g_context, frame.from_user());
}

}  // namespace

rtl::Result<void> start_periodic(uint32_t hz, TickFunction tick, void* context) {
  if (hz == 0 || hz > 10000) return rtl::Error(rtl::Errc::invalid_argument, "tick rate out of range");
  uint64_t lapic_hz = clock::lapic_timer_hz();
  if (lapic_hz == 0) return rtl::Error(rtl::Errc::not_supported, "LAPIC timer not calibrated");
  uint64_t count = lapic_hz / hz;
  if (count == 0 || count > 0xffffffff) return rtl::Error(rtl::Errc::out_of_range, "tick rate unreachable");
  g_tick = tick;
  g_context = context;
  g_hz = hz;
  if (!set_interrupt_handler(kTimerVector, on_tick, nullptr))
    return rtl::Error(rtl::Errc::busy, "timer vector taken");
  interrupt_controller::lapic_timer_periodic(kTimerVector, static_cast<uint32_t>(count));
  return {};
}

void set_tick_function(TickFunction tick, void* context) {
  g_context = context;
  g_tick = tick;
}

uint64_t ticks() { return g_ticks; }
uint32_t frequency_hz() { return g_hz; }

}  // namespace hal::timer
