// OwnPtr and OwnArray: single ownership, destruction exactly once, size-correct frees.
#include <gtest/gtest.h>

#include <cstdint>
#include <utility>

#include "rtl/hosted.h"
#include "rtl/own_array.h"
#include "rtl/own_ptr.h"

namespace {

int g_constructed = 0;
int g_destroyed = 0;
size_t g_freed_bytes = 0;
size_t g_last_alignment = 0;

struct alignas(64) Buffer {
  explicit Buffer(int buffer_id = 0) : id(buffer_id) { ++g_constructed; }
  ~Buffer() { ++g_destroyed; }
  int id;
};

void* tracking_allocate(size_t size, size_t alignment) {
  g_last_alignment = alignment;
  return rtl::hosted::malloc_heap().allocate(size, alignment);
}
void tracking_deallocate(void* pointer, size_t size, size_t alignment) {
  g_freed_bytes += size;
  rtl::hosted::malloc_heap().deallocate(pointer, size, alignment);
}
constexpr rtl::HeapOps kTrackingHeap{tracking_allocate, tracking_deallocate};

class RtlOwnPtr : public ::testing::Test {
 protected:
  void SetUp() override {
    g_constructed = g_destroyed = 0;
    g_freed_bytes = g_last_alignment = 0;
  }
  rtl::hosted::ScopedHeap heap_{kTrackingHeap};
};

TEST_F(RtlOwnPtr, MakeConstructsWithArgumentsAndAlignment) {
  rtl::OwnPtr<Buffer> buffer = MUST(rtl::try_make<Buffer>(9));
  ASSERT_TRUE(buffer);
  EXPECT_EQ(buffer->id, 9);
  EXPECT_EQ(g_constructed, 1);
  EXPECT_EQ(g_last_alignment, 64u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(buffer.get()) % 64, 0u);
}

TEST_F(RtlOwnPtr, DestroyedOnceWhenOwnerGoes) {
  {
    rtl::OwnPtr<Buffer> buffer = MUST(rtl::try_make<Buffer>(1));
    rtl::OwnPtr<Buffer> moved = std::move(buffer);
    EXPECT_FALSE(buffer);
    EXPECT_EQ(moved->id, 1);
    rtl::OwnPtr<Buffer> assigned;
    assigned = std::move(moved);
    EXPECT_EQ(g_destroyed, 0);
  }
  EXPECT_EQ(g_destroyed, 1);
  EXPECT_EQ(g_freed_bytes, sizeof(Buffer));
}

TEST_F(RtlOwnPtr, MoveAssignmentDestroysTheOldObject) {
  rtl::OwnPtr<Buffer> a = MUST(rtl::try_make<Buffer>(1));
  rtl::OwnPtr<Buffer> b = MUST(rtl::try_make<Buffer>(2));
  a = std::move(b);
  EXPECT_EQ(g_destroyed, 1);
  EXPECT_EQ(a->id, 2);
  a.reset();
  EXPECT_EQ(g_destroyed, 2);
  EXPECT_FALSE(a);
}

TEST_F(RtlOwnPtr, LeakAndAdopt) {
  rtl::OwnPtr<Buffer> buffer = MUST(rtl::try_make<Buffer>(4));
  Buffer* raw = buffer.leak();
  EXPECT_FALSE(buffer);
  EXPECT_EQ(g_destroyed, 0);
  rtl::OwnPtr<Buffer> again = rtl::OwnPtr<Buffer>::adopt(raw);
  again.reset();
  EXPECT_EQ(g_destroyed, 1);
}

TEST_F(RtlOwnPtr, DereferencingNullPanics) {
  rtl::hosted::ScopedPanicHandler throwing;
  rtl::OwnPtr<Buffer> empty;
  EXPECT_THROW((void)empty->id, rtl::hosted::Panicked);
}

TEST_F(RtlOwnPtr, ArrayIsValueInitialisedAndFreedWhole) {
  {
    rtl::OwnArray<uint32_t> words = MUST(rtl::try_allocate_array<uint32_t>(100));
    ASSERT_EQ(words.size(), 100u);
    for (uint32_t word : words) EXPECT_EQ(word, 0u);
    words[99] = 7;
    EXPECT_EQ(words.data()[99], 7u);
  }
  EXPECT_EQ(g_freed_bytes, 100 * sizeof(uint32_t));
}

TEST_F(RtlOwnPtr, ArrayRunsConstructorsAndDestructors) {
  {
    rtl::OwnArray<Buffer> buffers = MUST(rtl::try_allocate_array<Buffer>(3));
    EXPECT_EQ(g_constructed, 3);
    rtl::OwnArray<Buffer> moved = std::move(buffers);
    EXPECT_TRUE(buffers.empty());
    EXPECT_EQ(moved.size(), 3u);
  }
  EXPECT_EQ(g_destroyed, 3);
  EXPECT_EQ(g_freed_bytes, 3 * sizeof(Buffer));
}

TEST_F(RtlOwnPtr, ArrayEdgeCases) {
  rtl::OwnArray<int> empty = MUST(rtl::try_allocate_array<int>(0));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty.data(), nullptr);
  auto huge = rtl::try_allocate_array<uint64_t>(SIZE_MAX / 4);
  ASSERT_TRUE(huge.is_error());
  EXPECT_EQ(huge.error().code(), rtl::Errc::too_big);
  rtl::hosted::ScopedPanicHandler throwing;
  rtl::OwnArray<int> one = MUST(rtl::try_allocate_array<int>(1));
  EXPECT_THROW((void)one[1], rtl::hosted::Panicked);
}

}  // namespace
