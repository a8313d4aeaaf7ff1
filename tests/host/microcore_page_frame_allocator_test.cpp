// PageFrameAllocator: the physical page bookkeeping the kernel boots on.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "microcore/page_frame_allocator.h"

using microcore::PageFrameAllocator;

namespace {

constexpr uint64_t kPage = PageFrameAllocator::kPageSize;

struct Fixture {
  explicit Fixture(uint64_t pages) : bitmap(PageFrameAllocator::bitmap_bytes(pages)) {
    frames.init(bitmap.data(), pages);
  }
  std::vector<uint8_t> bitmap;
  PageFrameAllocator frames;
};

}  // namespace

TEST(MicrocorePageFrames, StartsWithNothingFree) {
  Fixture f(64);
  EXPECT_EQ(f.frames.statistics().free_pages, 0u);
  auto page = f.frames.allocate();
  ASSERT_TRUE(page.is_error());
  EXPECT_EQ(page.error().code(), rtl::Errc::no_memory);
}

TEST(MicrocorePageFrames, HandsOutOnlyFreeRangesAndEachPageOnce) {
  Fixture f(100);
  f.frames.add_free_range(10 * kPage, 5);
  f.frames.add_free_range(50 * kPage, 3);
  EXPECT_EQ(f.frames.statistics().managed_pages, 8u);
  std::set<uint64_t> seen;
  for (int i = 0; i < 8; ++i) {
    auto page = f.frames.allocate();
    ASSERT_TRUE(page.is_ok());
    uint64_t index = page.value() / kPage;
    EXPECT_TRUE((index >= 10 && index < 15) || (index >= 50 && index < 53)) << index;
    EXPECT_TRUE(seen.insert(page.value()).second) << "page handed out twice";
  }
  EXPECT_TRUE(f.frames.allocate().is_error());
  f.frames.free(*seen.begin());
  EXPECT_EQ(f.frames.statistics().free_pages, 1u);
  auto again = f.frames.allocate();
  ASSERT_TRUE(again.is_ok());
  EXPECT_EQ(again.value(), *seen.begin());
}

TEST(MicrocorePageFrames, ReserveRemovesPagesFromTheFreePool) {
  Fixture f(32);
  f.frames.add_free_range(0, 32);
  f.frames.reserve_range(0, 16);
  EXPECT_EQ(f.frames.statistics().free_pages, 16u);
  for (int i = 0; i < 16; ++i) {
    auto page = f.frames.allocate();
    ASSERT_TRUE(page.is_ok());
    EXPECT_GE(page.value(), 16 * kPage);
  }
}

TEST(MicrocorePageFrames, ContiguousRunsSkipHoles) {
  Fixture f(64);
  f.frames.add_free_range(0, 4);
  f.frames.add_free_range(8 * kPage, 8);
  auto run = f.frames.allocate_contiguous(6);
  ASSERT_TRUE(run.is_ok());
  EXPECT_EQ(run.value(), 8 * kPage);
  EXPECT_EQ(f.frames.statistics().free_pages, 6u);
  EXPECT_TRUE(f.frames.allocate_contiguous(5).is_error());
  f.frames.free_contiguous(run.value(), 6);
  EXPECT_EQ(f.frames.statistics().free_pages, 12u);
  EXPECT_TRUE(f.frames.allocate_contiguous(0).is_error());
}

TEST(MicrocorePageFrames, RangesBeyondTheLimitAreIgnored) {
  Fixture f(16);
  f.frames.add_free_range(12 * kPage, 10);
  EXPECT_EQ(f.frames.statistics().managed_pages, 4u);
}
