// Result<T>, TRY and MUST: errors propagate as values, values move out.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "rtl/hosted.h"
#include "rtl/result.h"

namespace {

rtl::Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return rtl::Error(rtl::Errc::invalid_argument, "not a digit");
  return c - '0';
}

int g_after_try_calls = 0;

rtl::Result<int> sum_of_digits(char a, char b) {
  int x = TRY(parse_digit(a));
  ++g_after_try_calls;  // must not run when the first TRY fails
  int y = TRY(parse_digit(b));
  return x + y;
}

rtl::Result<void> check_even(int value) {
  if (value % 2 != 0) return rtl::Errc::out_of_range;
  return {};
}

rtl::Result<int> half_of_even(int value) {
  TRY(check_even(value));
  return value / 2;
}

TEST(RtlResult, HoldsValueOrError) {
  rtl::Result<int> ok = parse_digit('7');
  ASSERT_TRUE(ok.is_ok());
  EXPECT_FALSE(ok.is_error());
  EXPECT_EQ(ok.value(), 7);

  rtl::Result<int> bad = parse_digit('x');
  ASSERT_TRUE(bad.is_error());
  EXPECT_EQ(bad.error().code(), rtl::Errc::invalid_argument);
  EXPECT_STREQ(bad.error().what(), "not a digit");
  EXPECT_EQ(bad.value_or(-1), -1);
}

TEST(RtlResult, TryPropagatesTheFirstError) {
  g_after_try_calls = 0;
  rtl::Result<int> result = sum_of_digits('x', '3');
  ASSERT_TRUE(result.is_error());
  EXPECT_TRUE(result.error() == rtl::Errc::invalid_argument);
  EXPECT_EQ(g_after_try_calls, 0);

  rtl::Result<int> both = sum_of_digits('4', '5');
  ASSERT_TRUE(both.is_ok());
  EXPECT_EQ(both.value(), 9);
  EXPECT_EQ(g_after_try_calls, 1);
}

TEST(RtlResult, VoidResultWorksWithTry) {
  rtl::Result<void> fine = check_even(4);
  EXPECT_TRUE(fine.is_ok());
  EXPECT_EQ(half_of_even(10).value(), 5);
  rtl::Result<int> odd = half_of_even(3);
  ASSERT_TRUE(odd.is_error());
  EXPECT_EQ(odd.error().code(), rtl::Errc::out_of_range);
  // Without a message, what() falls back to the code's name.
  EXPECT_STREQ(odd.error().what(), "out of range");
}

rtl::Result<std::unique_ptr<int>> make_box(int value) { return std::make_unique<int>(value); }

rtl::Result<int> unbox() {
  std::unique_ptr<int> box = TRY(make_box(42));
  return *box;
}

TEST(RtlResult, MoveOnlyValuesMoveThroughTryAndRelease) {
  EXPECT_EQ(unbox().value(), 42);
  rtl::Result<std::unique_ptr<int>> result = make_box(8);
  std::unique_ptr<int> taken = result.release_value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 8);
  EXPECT_EQ(result.value(), nullptr);  // moved from, still a value

  rtl::Result<std::string> text = std::string("moved");
  rtl::Result<std::string> moved(std::move(text));
  EXPECT_EQ(moved.value(), "moved");
}

TEST(RtlResult, MustYieldsValueOrPanics) {
  EXPECT_EQ(MUST(parse_digit('2')), 2);
  rtl::hosted::ScopedPanicHandler throwing;
  try {
    (void)MUST(parse_digit('?'));
    FAIL() << "MUST did not panic";
  } catch (const rtl::hosted::Panicked& panic) {
    EXPECT_NE(panic.reason.find("not a digit"), std::string::npos) << panic.reason;
  }
}

TEST(RtlResult, AccessingTheWrongAlternativePanics) {
  rtl::hosted::ScopedPanicHandler throwing;
  rtl::Result<int> bad = parse_digit('x');
  EXPECT_THROW((void)bad.value(), rtl::hosted::Panicked);
  rtl::Result<int> good = parse_digit('1');
  EXPECT_THROW((void)good.error(), rtl::hosted::Panicked);
}

}  // namespace
