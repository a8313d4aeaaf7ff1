// format_to_buffer and FixedString: bounded, NUL-terminated, truncating.
#include <gtest/gtest.h>

#include <cstring>
#include <string_view>

#include "rtl/format.h"
#include "rtl/hosted.h"

namespace {

TEST(RtlFormat, FormatsHexWidthAndStrings) {
  char line[64];
  std::string_view name = "ahci";
  size_t length = rtl::format_to_buffer(line, sizeof line, "{:04x}:{:02x} {} {:>6}|{:<3}|",
                                        0x1f, 0xa, name, 42, "x");
  EXPECT_STREQ(line, "001f:0a ahci     42|x  |");
  EXPECT_EQ(length, std::strlen(line));
  rtl::format_to_buffer(line, sizeof line, "{:#x} {:#010x}", 255u, 0xbeefu);
  EXPECT_STREQ(line, "0xff 0x0000beef");
}

TEST(RtlFormat, TruncatesAndAlwaysTerminates) {
  char line[8];
  std::memset(line, 'Z', sizeof line);
  size_t length = rtl::format_to_buffer(line, sizeof line, "{}", "0123456789");
  EXPECT_EQ(length, 7u);
  EXPECT_STREQ(line, "0123456");

  char one[1] = {'Z'};
  EXPECT_EQ(rtl::format_to_buffer(one, sizeof one, "abc"), 0u);
  EXPECT_EQ(one[0], '\0');

  char none[1] = {'Z'};
  EXPECT_EQ(rtl::format_to_buffer(none, 0, "abc"), 0u);
  EXPECT_EQ(none[0], 'Z');  // capacity 0: nothing may be written
}

TEST(RtlFormat, RunsInsideAnFpuScope) {
  // The hosted platform counts fpu_begin/fpu_end; formatting must balance them.
  char line[32];
  EXPECT_EQ(rtl::hosted::fpu_depth(), 0);
  rtl::format_to_buffer(line, sizeof line, "{:.2f}", 3.14159);
  EXPECT_STREQ(line, "3.14");
  EXPECT_EQ(rtl::hosted::fpu_depth(), 0);
}

TEST(RtlFormat, FixedStringAppendsUntilFull) {
  rtl::FixedString<8> text;
  EXPECT_EQ(text.size(), 0u);
  EXPECT_FALSE(text.full());
  text.append("ab");
  text.append("{}", 12);
  EXPECT_EQ(text.view(), "ab12");
  EXPECT_FALSE(text.full());
  text.append("{}", "xyzw");  // only 3 more fit beside the NUL
  EXPECT_EQ(text.view(), "ab12xyz");
  EXPECT_STREQ(text.c_str(), "ab12xyz");
  EXPECT_TRUE(text.full());
  text.append("more");  // no effect once full
  EXPECT_EQ(text.view(), "ab12xyz");
  text.clear();
  EXPECT_EQ(text.view(), "");
  EXPECT_STREQ(text.c_str(), "");
}

}  // namespace
