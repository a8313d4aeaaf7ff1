// LoadAverage: Linux's fixed-point decayed run-queue averages.
#include <gtest/gtest.h>

#include "microcore/load_average.h"

using microcore::LoadAverage;

namespace {

double as_double(uint64_t fixed) { return static_cast<double>(fixed) / LoadAverage::kFixedOne; }

TEST(LoadAverage, StartsAtZeroAndStaysThereWhenIdle) {
  LoadAverage load;
  for (int i = 0; i < 100; ++i) load.sample(0);
  for (int which = 0; which < 3; ++which) EXPECT_EQ(load.fixed(which), 0u);
}

TEST(LoadAverage, OneSampleOfOneActiveThreadMatchesLinux) {
  // calc_load(0, EXP_n, FIXED_1) rounds up while rising: (2048 - EXP_n) + 2047 >> 11.
  LoadAverage load;
  load.sample(1);
  EXPECT_EQ(load.fixed(0), 164u);
  EXPECT_EQ(load.fixed(1), 34u);
  EXPECT_EQ(load.fixed(2), 11u);
  LoadAverage::Decimal one_minute = LoadAverage::to_decimal(load.fixed(0));
  EXPECT_EQ(one_minute.whole, 0u);
  EXPECT_EQ(one_minute.hundredths, 8u);  // "0.08" five seconds into a busy loop
}

TEST(LoadAverage, OneMinuteOfLoadReachesOneMinusOneOverE) {
  LoadAverage load;
  for (int i = 0; i < 12; ++i) load.sample(1);  // 12 samples of 5 s
  EXPECT_NEAR(as_double(load.fixed(0)), 1.0 - 0.3679, 0.01);
  EXPECT_LT(load.fixed(1), load.fixed(0));  // longer constants rise slower
  EXPECT_LT(load.fixed(2), load.fixed(1));
}

TEST(LoadAverage, SteadyLoadIsReachedExactly) {
  LoadAverage load;
  for (int i = 0; i < 2000; ++i) load.sample(3);
  for (int which = 0; which < 3; ++which) EXPECT_EQ(load.fixed(which), 3 * LoadAverage::kFixedOne);
  LoadAverage::Decimal figure = LoadAverage::to_decimal(load.fixed(2));
  EXPECT_EQ(figure.whole, 3u);
  EXPECT_EQ(figure.hundredths, 0u);
}

TEST(LoadAverage, DecaysBackToZeroOnceTheLoadEnds) {
  LoadAverage load;
  for (int i = 0; i < 50; ++i) load.sample(2);
  uint64_t before = load.fixed(0);
  load.sample(0);
  EXPECT_LT(load.fixed(0), before);
  for (int i = 0; i < 3000; ++i) load.sample(0);
  for (int which = 0; which < 3; ++which) EXPECT_EQ(load.fixed(which), 0u);
}

TEST(LoadAverage, DecimalRoundsToTheNearestHundredth) {
  EXPECT_EQ(LoadAverage::to_decimal(LoadAverage::kFixedOne * 3 / 2).whole, 1u);
  EXPECT_EQ(LoadAverage::to_decimal(LoadAverage::kFixedOne * 3 / 2).hundredths, 50u);
  // 0.999 shows as 1.00, not 0.99.
  LoadAverage::Decimal almost_one = LoadAverage::to_decimal(LoadAverage::kFixedOne - 2);
  EXPECT_EQ(almost_one.whole, 1u);
  EXPECT_EQ(almost_one.hundredths, 0u);
}

TEST(LoadAverage, SamplesEveryFiveSecondsAndOneTick) {
  EXPECT_EQ(microcore::load_sample_ticks(1000), 5001u);
  EXPECT_EQ(microcore::load_sample_ticks(100), 501u);
}

}  // namespace
