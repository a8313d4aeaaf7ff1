#include "microcore/load_average.h"

namespace microcore {

uint64_t LoadAverage::decay(uint64_t load, uint64_t decay_factor, uint64_t active_fixed) {
  uint64_t next = load * decay_factor + active_fixed * (kFixedOne - decay_factor);
  if (active_fixed >= load) next += kFixedOne - 1;
  return next / kFixedOne;
}

void LoadAverage::sample(uint64_t active) {
  const uint64_t active_fixed = active * kFixedOne;
  for (int i = 0; i < 3; ++i) averages_[i] = decay(averages_[i], kDecay[i], active_fixed);
}

LoadAverage::Decimal LoadAverage::to_decimal(uint64_t fixed) {
  const uint64_t rounded = fixed + kFixedOne / 200;
  const uint64_t fraction = rounded & (kFixedOne - 1);
  return {rounded >> kFixedShift, static_cast<uint32_t>((fraction * 100) >> kFixedShift)};
}

}  // namespace microcore
