// RefPtr / RefCounted: counts follow copies and moves; the object dies once,
// when the last reference goes, and its memory goes back to the heap.
#include <gtest/gtest.h>

#include <utility>

#include "rtl/hosted.h"
#include "rtl/ref_ptr.h"

namespace {

int g_destroyed = 0;
size_t g_freed_bytes = 0;

struct Vnode : rtl::RefCounted<Vnode> {
  explicit Vnode(int vnode_inode) : inode(vnode_inode) {}
  ~Vnode() { ++g_destroyed; }
  int inode;
  char payload[40] = {};
};

void* counting_allocate(size_t size, size_t alignment) {
  return rtl::hosted::malloc_heap().allocate(size, alignment);
}
void counting_deallocate(void* pointer, size_t size, size_t alignment) {
  g_freed_bytes += size;
  rtl::hosted::malloc_heap().deallocate(pointer, size, alignment);
}
constexpr rtl::HeapOps kCountingHeap{counting_allocate, counting_deallocate};

class RtlRefPtr : public ::testing::Test {
 protected:
  void SetUp() override {
    g_destroyed = 0;
    g_freed_bytes = 0;
  }
  rtl::hosted::ScopedHeap heap_{kCountingHeap};
};

TEST_F(RtlRefPtr, CreatedWithOneReference) {
  rtl::RefPtr<Vnode> node = MUST(rtl::try_make_ref_counted<Vnode>(12));
  ASSERT_TRUE(node);
  EXPECT_EQ(node->inode, 12);
  EXPECT_EQ((*node).inode, 12);
  EXPECT_EQ(node->ref_count(), 1u);
}

TEST_F(RtlRefPtr, CopiesCountAndLastResetDestroysOnce) {
  rtl::RefPtr<Vnode> first = MUST(rtl::try_make_ref_counted<Vnode>(1));
  {
    rtl::RefPtr<Vnode> second = first;
    rtl::RefPtr<Vnode> third;
    third = second;
    EXPECT_EQ(first->ref_count(), 3u);
    EXPECT_TRUE(third == first);
  }
  EXPECT_EQ(first->ref_count(), 1u);
  EXPECT_EQ(g_destroyed, 0);
  first.reset();
  EXPECT_FALSE(first);
  EXPECT_EQ(first.get(), nullptr);
  EXPECT_EQ(g_destroyed, 1);
  EXPECT_EQ(g_freed_bytes, sizeof(Vnode));
  first.reset();  // resetting a null RefPtr is a no-op
  EXPECT_EQ(g_destroyed, 1);
}

TEST_F(RtlRefPtr, MovesTransferWithoutCounting) {
  rtl::RefPtr<Vnode> source = MUST(rtl::try_make_ref_counted<Vnode>(2));
  Vnode* raw = source.get();
  rtl::RefPtr<Vnode> target = std::move(source);
  EXPECT_FALSE(source);
  EXPECT_EQ(target.get(), raw);
  EXPECT_EQ(raw->ref_count(), 1u);
  rtl::RefPtr<Vnode> other;
  other = std::move(target);
  EXPECT_EQ(raw->ref_count(), 1u);
  EXPECT_EQ(g_destroyed, 0);
}

TEST_F(RtlRefPtr, AssignmentDropsTheOldObject) {
  rtl::RefPtr<Vnode> a = MUST(rtl::try_make_ref_counted<Vnode>(1));
  rtl::RefPtr<Vnode> b = MUST(rtl::try_make_ref_counted<Vnode>(2));
  a = b;
  EXPECT_EQ(g_destroyed, 1);
  EXPECT_EQ(a->inode, 2);
  EXPECT_EQ(b->ref_count(), 2u);
  rtl::RefPtr<Vnode>& alias = a;
  a = alias;  // self-assignment keeps the count
  EXPECT_EQ(b->ref_count(), 2u);
}

TEST_F(RtlRefPtr, LeakAndAdoptRoundTrip) {
  rtl::RefPtr<Vnode> node = MUST(rtl::try_make_ref_counted<Vnode>(3));
  Vnode* raw = node.leak_ref();
  EXPECT_FALSE(node);
  EXPECT_EQ(raw->ref_count(), 1u);
  EXPECT_EQ(g_destroyed, 0);
  {
    rtl::RefPtr<Vnode> adopted = rtl::adopt_ref(*raw);
    EXPECT_EQ(raw->ref_count(), 1u);  // adopting adds nothing
  }
  EXPECT_EQ(g_destroyed, 1);
}

TEST_F(RtlRefPtr, ManualRefUnrefBalance) {
  rtl::RefPtr<Vnode> node = MUST(rtl::try_make_ref_counted<Vnode>(4));
  node->ref();
  EXPECT_EQ(node->ref_count(), 2u);
  node->unref();
  EXPECT_EQ(node->ref_count(), 1u);
  EXPECT_EQ(g_destroyed, 0);
}

}  // namespace
