// Alignment helpers: exact at boundaries, reject non-powers of two.
#include <gtest/gtest.h>

#include <cstdint>

#include "rtl/bits.h"
#include "rtl/hosted.h"

namespace {

// Usable in constant expressions (page-table layouts are computed at compile time).
static_assert(rtl::align_up(uint64_t{1}, 4096) == 4096);
static_assert(rtl::align_down(uint64_t{8191}, 4096) == 4096);
static_assert(rtl::is_aligned(uint64_t{2} * rtl::MiB, 2 * rtl::MiB));
static_assert(rtl::div_round_up(uint64_t{4097}, 4096) == 2);

TEST(RtlBits, AlignUpAndDown) {
  EXPECT_EQ(rtl::align_up(uint64_t{0}, 4096), 0u);
  EXPECT_EQ(rtl::align_up(uint64_t{4096}, 4096), 4096u);
  EXPECT_EQ(rtl::align_up(uint64_t{4097}, 4096), 8192u);
  EXPECT_EQ(rtl::align_down(uint64_t{4095}, 4096), 0u);
  EXPECT_EQ(rtl::align_down(uint64_t{0xffff'ffff'ffff'ffff}, 8), 0xffff'ffff'ffff'fff8u);
  EXPECT_EQ(rtl::align_up(uint32_t{13}, 1), 13u);
  EXPECT_EQ(rtl::KiB * 4, 4096u);
  EXPECT_EQ(rtl::GiB, 1024 * rtl::MiB);
}

TEST(RtlBits, IsAlignedAndPowers) {
  EXPECT_TRUE(rtl::is_aligned(uint64_t{0x200000}, 0x200000));
  EXPECT_FALSE(rtl::is_aligned(uint64_t{0x200008}, 0x200000));
  alignas(16) char buffer[32];
  EXPECT_TRUE(rtl::is_aligned(buffer, 16));
  EXPECT_FALSE(rtl::is_aligned(buffer + 1, 2));
  EXPECT_TRUE(rtl::is_power_of_two(1u));
  EXPECT_FALSE(rtl::is_power_of_two(0u));
  EXPECT_FALSE(rtl::is_power_of_two(12u));
  EXPECT_EQ(rtl::div_round_up(uint64_t{0}, 4096), 0u);
  EXPECT_EQ(rtl::div_round_up(uint64_t{8192}, 4096), 2u);
}

TEST(RtlBits, BadAlignmentAndOverflowPanic) {
  rtl::hosted::ScopedPanicHandler throwing;
  EXPECT_THROW((void)rtl::align_up(uint64_t{5}, 12), rtl::hosted::Panicked);
  EXPECT_THROW((void)rtl::align_down(uint64_t{5}, 0), rtl::hosted::Panicked);
  EXPECT_THROW((void)rtl::align_up(uint64_t{0xffff'ffff'ffff'f001}, 4096), rtl::hosted::Panicked);
}

}  // namespace
