// adjust_cpu_times: Linux's tick-proportional, never-decreasing split of a
// process's exact CPU time into user and system time.
#include <gtest/gtest.h>

#include <cstdint>

#include "bsdlayer/accounting/cpu_times.h"

using bsdlayer::adjust_cpu_times;
using bsdlayer::CpuTimes;
using bsdlayer::scale_by_ratio;

namespace {

constexpr uint64_t kMs = 1'000'000;

TEST(CpuTimes, SplitsTheExactTotalByTheTickRatio) {
  CpuTimes previous;
  CpuTimes times = adjust_cpu_times(previous, 1000 * kMs, 750, 250);
  EXPECT_EQ(times.user_ns, 750 * kMs);
  EXPECT_EQ(times.system_ns, 250 * kMs);
  EXPECT_EQ(previous.user_ns, times.user_ns);
}

TEST(CpuTimes, WithoutSystemTicksEverythingIsUserTime) {
  CpuTimes previous;
  CpuTimes times = adjust_cpu_times(previous, 3 * kMs, 0, 0);  // ran between ticks
  EXPECT_EQ(times.user_ns, 3 * kMs);
  EXPECT_EQ(times.system_ns, 0u);
  CpuTimes other;
  EXPECT_EQ(adjust_cpu_times(other, 5 * kMs, 0, 4).system_ns, 5 * kMs);
}

TEST(CpuTimes, NeitherFigureGoesDownWhenTheRatioShifts) {
  CpuTimes previous;
  CpuTimes first = adjust_cpu_times(previous, 100 * kMs, 90, 10);  // 90/10
  // Now mostly system ticks: a plain split of 110 ms would cut user time to 27.5 ms.
  CpuTimes second = adjust_cpu_times(previous, 110 * kMs, 100, 300);
  EXPECT_GE(second.user_ns, first.user_ns);
  EXPECT_GE(second.system_ns, first.system_ns);
  EXPECT_EQ(second.total_ns(), 110 * kMs);
}

TEST(CpuTimes, AStaleTotalReturnsThePreviousReport) {
  CpuTimes previous;
  CpuTimes first = adjust_cpu_times(previous, 50 * kMs, 1, 1);
  CpuTimes again = adjust_cpu_times(previous, 40 * kMs, 5, 1);
  EXPECT_EQ(again.user_ns, first.user_ns);
  EXPECT_EQ(again.system_ns, first.system_ns);
}

TEST(CpuTimes, AddsUpForChildren) {
  CpuTimes children;
  children += CpuTimes{2, 3};
  children += CpuTimes{10, 20};
  EXPECT_EQ(children.user_ns, 12u);
  EXPECT_EQ(children.system_ns, 23u);
  EXPECT_EQ(children.total_ns(), 35u);
}

TEST(CpuTimes, ScalingDoesNotOverflowForLongRuns) {
  // 100 days of CPU time at 1000 ticks a second, one third system.
  const uint64_t total = 100ull * 86400 * 1'000'000'000;
  const uint64_t ticks = 100ull * 86400 * 1000;
  uint64_t system = scale_by_ratio(total, ticks / 3, ticks);
  EXPECT_NEAR(static_cast<double>(system), static_cast<double>(total) / 3, static_cast<double>(total) * 1e-9);
  // A denominator beyond 32 bits loses precision in the ratio only.
  EXPECT_EQ(scale_by_ratio(UINT64_MAX, 1ull << 40, 1ull << 41), UINT64_MAX / 2);
  EXPECT_EQ(scale_by_ratio(7, 1, 0), 0u);
}

}  // namespace
