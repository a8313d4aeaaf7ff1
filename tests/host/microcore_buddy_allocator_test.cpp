// BuddyAllocator: physical frames in power-of-two blocks, metadata handed in.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "microcore/buddy_allocator.h"
#include "rtl/hosted.h"

using microcore::BuddyAllocator;

namespace {

constexpr uint64_t kPage = BuddyAllocator::kPageSize;

// "RAM" is a byte array; the free-list links live inside it.
uint8_t* g_ram = nullptr;
void* ram_pointer(uint64_t physical) { return g_ram + physical; }

struct Fixture {
  explicit Fixture(uint64_t pages) : ram(pages * kPage), storage(BuddyAllocator::storage_bytes(pages)) {
    g_ram = ram.data();
    buddy.init(storage.data(), pages, ram_pointer);
  }
  std::vector<uint8_t> ram;
  std::vector<uint8_t> storage;
  BuddyAllocator buddy;
};

std::vector<uint64_t> free_block_counts(const BuddyAllocator& buddy) {
  std::vector<uint64_t> counts;
  for (unsigned order = 0; order <= BuddyAllocator::kMaxOrder; ++order) counts.push_back(buddy.free_blocks(order));
  return counts;
}

}  // namespace

TEST(MicrocoreBuddy, StartsEmptyAndRunsOutWithNoMemory) {
  Fixture f(64);
  auto page = f.buddy.allocate();
  ASSERT_TRUE(page.is_error());
  EXPECT_EQ(page.error().code(), rtl::Errc::no_memory);
}

TEST(MicrocoreBuddy, AddedRangeCoalescesIntoMaximalBlocks) {
  Fixture f(2048);
  f.buddy.add_free_range(0, 2048);
  EXPECT_EQ(f.buddy.statistics().managed_pages, 2048u);
  EXPECT_EQ(f.buddy.statistics().free_pages, 2048u);
  EXPECT_EQ(f.buddy.free_blocks(10), 2u);
  for (unsigned order = 0; order < 10; ++order) EXPECT_EQ(f.buddy.free_blocks(order), 0u);
}

TEST(MicrocoreBuddy, UnalignedRangeBecomesAlignedBlocks) {
  Fixture f(2048);
  f.buddy.add_free_range(3 * kPage, 997);  // pages [3, 1000)
  EXPECT_EQ(f.buddy.statistics().free_pages, 997u);
  uint64_t total = 0;
  for (unsigned order = 0; order <= 10; ++order) total += f.buddy.free_blocks(order) << order;
  EXPECT_EQ(total, 997u);
  // [3,4) [4,8) [8,16) ... [512,768) [768,896) [896,960) [960,992) [992,1000)
  EXPECT_EQ(f.buddy.free_blocks(0), 1u);
  EXPECT_EQ(f.buddy.free_blocks(2), 1u);
  EXPECT_EQ(f.buddy.free_blocks(9), 0u);
  EXPECT_FALSE(f.buddy.is_free(2 * kPage));
  EXPECT_TRUE(f.buddy.is_free(3 * kPage));
  EXPECT_TRUE(f.buddy.is_free(999 * kPage));
  EXPECT_FALSE(f.buddy.is_free(1000 * kPage));
}

TEST(MicrocoreBuddy, OnePageSplitsEveryOrderAndCoalescesBack) {
  Fixture f(1024);
  f.buddy.add_free_range(0, 1024);
  auto initial = free_block_counts(f.buddy);
  uint64_t page = f.buddy.allocate().value();
  EXPECT_EQ(page % kPage, 0u);
  for (unsigned order = 0; order < 10; ++order) EXPECT_EQ(f.buddy.free_blocks(order), 1u) << order;
  EXPECT_EQ(f.buddy.free_blocks(10), 0u);
  EXPECT_FALSE(f.buddy.is_free(page));
  f.buddy.free(page);
  EXPECT_EQ(free_block_counts(f.buddy), initial);
}

TEST(MicrocoreBuddy, EveryPageHandedOutOnceThenNoMemory) {
  Fixture f(1500);
  f.buddy.add_free_range(kPage, 1400);
  std::set<uint64_t> seen;
  for (int i = 0; i < 1400; ++i) {
    auto page = f.buddy.allocate();
    ASSERT_TRUE(page.is_ok());
    uint64_t index = page.value() / kPage;
    EXPECT_TRUE(index >= 1 && index < 1401) << index;
    EXPECT_TRUE(seen.insert(page.value()).second) << "handed out twice";
  }
  EXPECT_EQ(f.buddy.allocate().error().code(), rtl::Errc::no_memory);
  EXPECT_EQ(f.buddy.statistics().free_pages, 0u);
}

TEST(MicrocoreBuddy, FragmentationThenFullCoalesceRestoresInitialState) {
  Fixture f(4096);
  f.buddy.add_free_range(0, 4096);
  auto initial = free_block_counts(f.buddy);
  std::vector<uint64_t> pages;
  for (int i = 0; i < 4096; ++i) pages.push_back(f.buddy.allocate().value());
  // Free every other page: maximal fragmentation, nothing can merge.
  for (size_t i = 0; i < pages.size(); i += 2) f.buddy.free(pages[i]);
  EXPECT_EQ(f.buddy.free_blocks(0), 2048u);
  EXPECT_TRUE(f.buddy.allocate_contiguous(2).is_error());
  std::vector<uint64_t> rest;
  for (size_t i = 1; i < pages.size(); i += 2) rest.push_back(pages[i]);
  std::shuffle(rest.begin(), rest.end(), std::mt19937(42));
  for (uint64_t page : rest) f.buddy.free(page);
  EXPECT_EQ(free_block_counts(f.buddy), initial);
  EXPECT_EQ(f.buddy.statistics().free_pages, 4096u);
}

TEST(MicrocoreBuddy, ContiguousRoundsUpToAnAlignedBlock) {
  Fixture f(4096);
  f.buddy.add_free_range(0, 4096);
  EXPECT_EQ(BuddyAllocator::order_for(3), 2u);
  uint64_t small = f.buddy.allocate().value();
  uint64_t three = f.buddy.allocate_contiguous(3).value();
  EXPECT_EQ(three % (4 * kPage), 0u);
  EXPECT_EQ(f.buddy.statistics().free_pages, 4096u - 1 - 4);
  uint64_t big = f.buddy.allocate_contiguous(1024).value();
  EXPECT_EQ(big % (1024 * kPage), 0u);
  EXPECT_TRUE(three + 4 * kPage <= big || big + 1024 * kPage <= three);
  EXPECT_EQ(f.buddy.allocate_contiguous(1025).error().code(), rtl::Errc::too_big);
  EXPECT_EQ(f.buddy.allocate_contiguous(0).error().code(), rtl::Errc::invalid_argument);
  f.buddy.free_contiguous(big, 1024);
  f.buddy.free_contiguous(three, 3);
  f.buddy.free(small);
  EXPECT_EQ(f.buddy.free_blocks(10), 4u);
}

TEST(MicrocoreBuddy, ReserveCarvesPagesOutOfFreeBlocks) {
  Fixture f(1024);
  f.buddy.add_free_range(0, 1024);
  f.buddy.reserve_range(5 * kPage, 2);
  f.buddy.reserve_range(5 * kPage, 2);  // already out: no effect
  EXPECT_EQ(f.buddy.statistics().managed_pages, 1022u);
  EXPECT_EQ(f.buddy.statistics().free_pages, 1022u);
  EXPECT_FALSE(f.buddy.is_free(5 * kPage));
  EXPECT_FALSE(f.buddy.is_free(6 * kPage));
  EXPECT_TRUE(f.buddy.is_free(4 * kPage));
  std::set<uint64_t> seen;
  for (int i = 0; i < 1022; ++i) {
    uint64_t page = f.buddy.allocate().value();
    EXPECT_NE(page, 5 * kPage);
    EXPECT_NE(page, 6 * kPage);
    EXPECT_TRUE(seen.insert(page).second);
  }
  EXPECT_TRUE(f.buddy.allocate().is_error());
  for (uint64_t page : seen) f.buddy.free(page);
  // The hole keeps [0, 1024) from becoming one block again.
  EXPECT_EQ(f.buddy.free_blocks(10), 0u);
  EXPECT_EQ(f.buddy.statistics().free_pages, 1022u);
}

TEST(MicrocoreBuddy, DoubleFreeAndWrongSizePanic) {
  rtl::hosted::ScopedPanicHandler panics;
  Fixture f(64);
  f.buddy.add_free_range(0, 64);
  uint64_t page = f.buddy.allocate().value();
  uint64_t block = f.buddy.allocate_contiguous(4).value();
  f.buddy.free(page);
  EXPECT_THROW(f.buddy.free(page), rtl::hosted::Panicked);
  EXPECT_THROW(f.buddy.free_contiguous(block, 8), rtl::hosted::Panicked);
  f.buddy.free_contiguous(block, 4);
  EXPECT_EQ(f.buddy.statistics().free_pages, 64u);
}
