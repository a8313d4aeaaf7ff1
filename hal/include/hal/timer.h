// The periodic tick: the local APIC timer in periodic mode, at a rate the
// caller picks. Each tick calls one registered function in interrupt context
// (the scheduler's, from the microcore issue on).
#pragma once

#include <cstdint>

#include "rtl/result.h"

namespace hal::timer {

inline constexpr uint8_t kTimerVector = 0x20;

// from_user: the tick interrupted Ring 3 (its trap frame's CS), so the
// scheduler can charge the tick to user or system time.
using TickFunction = void (*)(void* context, bool from_user);

// Needs clock::calibrate() and interrupt_controller::init() first.
rtl::Result<void> start_periodic(uint32_t hz, TickFunction tick, void* context);
// Replaces the function called on every tick (the scheduler's).
void set_tick_function(TickFunction tick, void* context);
uint64_t ticks();
uint32_t frequency_hz();

}  // namespace hal::timer
