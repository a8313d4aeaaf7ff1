// The heap interface: a default host heap exists, failures are values.
#include <gtest/gtest.h>

#include "rtl/alloc.h"
#include "rtl/hosted.h"
#include "rtl/own_array.h"
#include "rtl/own_ptr.h"
#include "rtl/ref_ptr.h"

namespace {

int g_allocate_calls = 0;
void* failing_allocate(size_t, size_t) {
  ++g_allocate_calls;
  return nullptr;
}
void never_deallocate(void*, size_t, size_t) { ADD_FAILURE() << "nothing was allocated"; }
constexpr rtl::HeapOps kExhaustedHeap{failing_allocate, never_deallocate};

int g_constructed = 0;
struct Widget {
  Widget() { ++g_constructed; }
  int value = 5;
};
struct SharedWidget : rtl::RefCounted<SharedWidget> {
  SharedWidget() { ++g_constructed; }
};

TEST(RtlAlloc, HostHasAHeapBeforeMain) {
  void* pointer = rtl::allocate(64, 64);
  ASSERT_NE(pointer, nullptr);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(pointer) % 64, 0u);
  rtl::deallocate(pointer, 64, 64);
}

TEST(RtlAlloc, ZeroBytesAndNoHeapGiveNull) {
  EXPECT_EQ(rtl::allocate(0), nullptr);
  const rtl::HeapOps* previous = rtl::set_heap(nullptr);
  EXPECT_EQ(rtl::allocate(16), nullptr);
  EXPECT_EQ(rtl::set_heap(previous), nullptr);
}

TEST(RtlAlloc, ExhaustedHeapBecomesNoMemoryErrors) {
  g_allocate_calls = 0;
  g_constructed = 0;
  rtl::hosted::ScopedHeap exhausted(kExhaustedHeap);

  auto own = rtl::try_make<Widget>();
  ASSERT_TRUE(own.is_error());
  EXPECT_EQ(own.error().code(), rtl::Errc::no_memory);

  auto shared = rtl::try_make_ref_counted<SharedWidget>();
  ASSERT_TRUE(shared.is_error());
  EXPECT_EQ(shared.error().code(), rtl::Errc::no_memory);

  auto array = rtl::try_allocate_array<Widget>(4);
  ASSERT_TRUE(array.is_error());
  EXPECT_EQ(array.error().code(), rtl::Errc::no_memory);

  EXPECT_EQ(g_allocate_calls, 3);
  EXPECT_EQ(g_constructed, 0);  // no constructor runs on failed memory
}

TEST(RtlAlloc, ScopedHeapRestoresTheDefault) {
  { rtl::hosted::ScopedHeap exhausted(kExhaustedHeap); }
  auto own = rtl::try_make<Widget>();
  ASSERT_TRUE(own.is_ok());
  EXPECT_EQ(own.value()->value, 5);
}

}  // namespace
