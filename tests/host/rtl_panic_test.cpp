// Panics reach the installed handler with a formatted reason and location.
#include <gtest/gtest.h>

#include <csetjmp>
#include <string>

#include "rtl/hosted.h"
#include "rtl/panic.h"

namespace {

std::jmp_buf g_escape;
std::string g_reason;
const void* g_frame = nullptr;
int g_calls = 0;

[[noreturn]] void jumping_handler(const rtl::PanicReport& report) {
  ++g_calls;
  g_reason = report.reason;
  g_frame = report.trap_frame;
  std::longjmp(g_escape, 1);
}

TEST(RtlPanic, MessageReachesTheHandlerWithLocation) {
  g_calls = 0;
  rtl::hosted::ScopedPanicHandler handler(jumping_handler);
  if (setjmp(g_escape) == 0) {
    rtl::panic_message("vm.cpp", 77, "page table corrupt");
    FAIL() << "panic_message returned";
  }
  EXPECT_EQ(g_calls, 1);
  EXPECT_EQ(g_reason, "page table corrupt (vm.cpp:77)");
  EXPECT_EQ(g_frame, nullptr);
}

TEST(RtlPanic, ReportPassesTheTrapFrameThrough) {
  g_calls = 0;
  int fake_frame = 0;
  rtl::hosted::ScopedPanicHandler handler(jumping_handler);
  if (setjmp(g_escape) == 0) rtl::panic_report(rtl::PanicReport{"#GP in kernel", &fake_frame});
  EXPECT_EQ(g_calls, 1);
  EXPECT_EQ(g_reason, "#GP in kernel");
  EXPECT_EQ(g_frame, &fake_frame);
}

TEST(RtlPanic, AssertPanicsOnlyWhenFalse) {
  rtl::hosted::ScopedPanicHandler throwing;  // throws rtl::hosted::Panicked
  EXPECT_NO_THROW(RTL_ASSERT(1 + 1 == 2));
  try {
    RTL_ASSERT(1 + 1 == 3);
    FAIL() << "RTL_ASSERT did not panic";
  } catch (const rtl::hosted::Panicked& panic) {
    EXPECT_NE(panic.reason.find("assertion failed: 1 + 1 == 3"), std::string::npos);
    EXPECT_NE(panic.reason.find("rtl_panic_test.cpp"), std::string::npos);
  }
}

TEST(RtlPanic, ScopedHandlerRestoresThePreviousOne) {
  rtl::PanicHandler outer = rtl::set_panic_handler(jumping_handler);
  {
    rtl::hosted::ScopedPanicHandler inner(rtl::hosted::throw_on_panic);
    EXPECT_EQ(rtl::set_panic_handler(rtl::hosted::throw_on_panic), rtl::hosted::throw_on_panic);
  }
  EXPECT_EQ(rtl::set_panic_handler(outer), jumping_handler);
}

TEST(RtlPanic, HostDefaultHandlerAborts) {
  // Installed before main() by rtl/src/hosted_runtime.cpp.
  EXPECT_DEATH(rtl::panic_message("x.cpp", 1, "boom"), "Kernel panic - not syncing: boom");
}

}  // namespace
