// Hosted HAL: the clock for portable code running in host tests, backed by
// the host's monotonic clock so timeouts and timestamps behave as in the
// kernel. Only the functions portable code may call are provided.
#include <chrono>

#include "hal/clock.h"

namespace hal::clock {
namespace {
const auto g_start = std::chrono::steady_clock::now();
}

uint64_t now_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now() - g_start)
                                   .count());
}
uint64_t read_tsc() { return now_ns(); }
uint64_t tsc_hz() { return 1000000000; }
uint64_t lapic_timer_hz() { return 0; }
uint64_t tsc_to_ns(uint64_t delta) { return delta; }
void delay_us(uint64_t microseconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(microseconds);
  while (std::chrono::steady_clock::now() < until) {
  }
}

}  // namespace hal::clock
