// RateLimit: a burst per window, the rest counted and owned up to by the
// next line that gets through.
#include <gtest/gtest.h>

#include <cstdint>

#include "rtl/rate_limit.h"

namespace {

constexpr uint64_t kSecond = 1'000'000'000;

TEST(RtlRateLimit, LetsTheBurstThroughThenSuppresses) {
  rtl::RateLimit limit(5 * kSecond, 3);
  for (int i = 0; i < 3; ++i) {
    auto decision = limit.decide(100 + i);
    EXPECT_TRUE(decision.report) << i;
    EXPECT_EQ(decision.suppressed, 0u);
  }
  EXPECT_FALSE(limit.decide(200).report);
  EXPECT_FALSE(limit.decide(5 * kSecond + 99).report);  // the window began at 100
}

TEST(RtlRateLimit, NextWindowReportsWhatWasDropped) {
  rtl::RateLimit limit(kSecond, 1);
  EXPECT_TRUE(limit.decide(0).report);
  for (int i = 0; i < 7; ++i) EXPECT_FALSE(limit.decide(10 + i).report);
  auto decision = limit.decide(kSecond);
  EXPECT_TRUE(decision.report);
  EXPECT_EQ(decision.suppressed, 7u);
  // Owned up to once: the count starts again.
  EXPECT_FALSE(limit.decide(kSecond + 1).report);
  auto later = limit.decide(2 * kSecond);
  EXPECT_TRUE(later.report);
  EXPECT_EQ(later.suppressed, 1u);
}

TEST(RtlRateLimit, FirstEventAtTimeZeroStartsAWindow) {
  rtl::RateLimit limit(kSecond, 2);
  EXPECT_TRUE(limit.decide(0).report);
  EXPECT_TRUE(limit.decide(0).report);
  EXPECT_FALSE(limit.decide(kSecond - 1).report);
  EXPECT_TRUE(limit.decide(kSecond).report);
}

TEST(RtlRateLimit, ZeroBurstReportsNothingButCountsAll) {
  rtl::RateLimit limit(kSecond, 0);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(limit.decide(i * kSecond).report);
}

}  // namespace
