// Linux's load averages (kernel/sched/loadavg.c): exponentially decayed
// averages of the number of active threads (runnable plus uninterruptible),
// sampled every kSamplePeriodSeconds, with 1-, 5- and 15-minute time
// constants. Fixed point with kFixedShift fraction bits, as /proc/loadavg
// has always been computed, so no floating point is needed in the kernel.
//
// Portable and lock-free by design: the scheduler owns one LoadAverage and
// samples it from the timer tick; readers copy the three figures.
#pragma once

#include <cstdint>

namespace microcore {

class LoadAverage {
 public:
  static constexpr uint32_t kFixedShift = 11;
  static constexpr uint64_t kFixedOne = uint64_t{1} << kFixedShift;
  static constexpr uint32_t kSamplePeriodSeconds = 5;
  // 2048 / e^(5 s / 1 min), / e^(5 s / 5 min), / e^(5 s / 15 min).
  static constexpr uint64_t kDecay[3] = {1884, 2014, 2037};

  // One sample: `active` threads are runnable or uninterruptible now.
  void sample(uint64_t active);
  // The fixed-point averages (1, 5, 15 minutes).
  uint64_t fixed(int which) const { return averages_[which]; }

  // As /proc/loadavg prints a figure: whole part and hundredths, rounded
  // to the nearest hundredth (Linux adds FIXED_1/200 before truncating).
  struct Decimal {
    uint64_t whole;
    uint32_t hundredths;
  };
  static Decimal to_decimal(uint64_t fixed);

  // Linux's calc_load: load * decay + active * (1 - decay), rounded up
  // while the load is rising so that a steady load is eventually reached.
  static uint64_t decay(uint64_t load, uint64_t decay_factor, uint64_t active_fixed);

 private:
  uint64_t averages_[3] = {0, 0, 0};
};

// Ticks between two samples at `tick_hz`: five seconds plus one tick, as
// Linux's LOAD_FREQ, so sampling does not lock onto work that recurs
// exactly every few seconds.
constexpr uint64_t load_sample_ticks(uint32_t tick_hz) {
  return uint64_t{LoadAverage::kSamplePeriodSeconds} * tick_hz + 1;
}

}  // namespace microcore
