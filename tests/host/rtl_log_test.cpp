// printk: formats into one bounded line and hands it, with its level, to the sink.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "rtl/hosted.h"
#include "rtl/log.h"

namespace {

struct Captured {
  rtl::LogLevel level;
  std::string line;
};
std::vector<Captured> g_captured;

void capture(rtl::LogLevel level, std::string_view line) {
  g_captured.push_back({level, std::string(line)});
}

class RtlLog : public ::testing::Test {
 protected:
  void SetUp() override { g_captured.clear(); }
  rtl::hosted::ScopedLogSink sink_{capture};
};

TEST_F(RtlLog, SinkReceivesLevelAndText) {
  rtl::printk(rtl::LogLevel::notice, "pci {:02x}:{:02x}", 0, 31);
  rtl::pr_err("disk {} failed", "sda");
  rtl::pr_debug("plain");
  ASSERT_EQ(g_captured.size(), 3u);
  EXPECT_EQ(g_captured[0].level, rtl::LogLevel::notice);
  EXPECT_EQ(g_captured[0].line, "pci 00:1f");
  EXPECT_EQ(g_captured[1].level, rtl::LogLevel::err);
  EXPECT_EQ(g_captured[1].line, "disk sda failed");
  EXPECT_EQ(g_captured[2].level, rtl::LogLevel::debug);
}

TEST_F(RtlLog, TrailingNewlinesAreStripped) {
  rtl::pr_info("hello\n");
  rtl::pr_warn("two\n\n");
  rtl::pr_info("in\nside");
  ASSERT_EQ(g_captured.size(), 3u);
  EXPECT_EQ(g_captured[0].line, "hello");
  EXPECT_EQ(g_captured[1].line, "two");
  EXPECT_EQ(g_captured[2].line, "in\nside");  // only trailing ones go
}

TEST_F(RtlLog, LongLinesAreTruncatedNotSplit) {
  std::string long_text(2 * rtl::kMaxLogLine, 'q');
  rtl::pr_info("{}", long_text);
  ASSERT_EQ(g_captured.size(), 1u);
  EXPECT_EQ(g_captured[0].line.size(), rtl::kMaxLogLine - 1);
  EXPECT_EQ(g_captured[0].line, std::string(rtl::kMaxLogLine - 1, 'q'));
}

TEST(RtlLogSink, SetLogSinkReturnsThePreviousSink) {
  rtl::LogSink before = rtl::set_log_sink(capture);
  EXPECT_EQ(rtl::set_log_sink(before), capture);
}

}  // namespace
