#include "bsdlayer/accounting/cpu_times.h"

namespace bsdlayer {

uint64_t scale_by_ratio(uint64_t value, uint64_t numerator, uint64_t denominator) {
  if (denominator == 0) return 0;
  // Keep the denominator below 2^32 so that (value % d) * n fits 64 bits.
  while (denominator >> 32) {
    numerator >>= 1;
    denominator >>= 1;
  }
  return value / denominator * numerator + value % denominator * numerator / denominator;
}

CpuTimes adjust_cpu_times(CpuTimes& previous, uint64_t total_ns, uint64_t user_ticks, uint64_t system_ticks) {
  if (previous.total_ns() >= total_ns) return previous;
  uint64_t system_ns;
  if (system_ticks == 0)
    system_ns = 0;
  else if (user_ticks == 0)
    system_ns = total_ns;
  else
    system_ns = scale_by_ratio(total_ns, system_ticks, user_ticks + system_ticks);
  if (system_ns < previous.system_ns) system_ns = previous.system_ns;
  uint64_t user_ns = total_ns - system_ns;
  if (user_ns < previous.user_ns) {
    user_ns = previous.user_ns;
    system_ns = total_ns - user_ns;
  }
  previous = {user_ns, system_ns};
  return previous;
}

}  // namespace bsdlayer
