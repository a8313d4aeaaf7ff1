// Kernel command line: every grammar case and every documented error.
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "rtl/command_line.h"

namespace {

using rtl::CommandLine;
using rtl::Errc;

CommandLine parse_ok(std::string_view text) {
  auto result = CommandLine::parse(text);
  EXPECT_TRUE(result.is_ok()) << "'" << text << "': " << (result.is_error() ? result.error().what() : "");
  return result.release_value();
}

Errc parse_error(std::string_view text) {
  auto result = CommandLine::parse(text);
  EXPECT_TRUE(result.is_error()) << "'" << text << "' parsed";
  if (result.is_ok()) return Errc::ok;
  EXPECT_STRNE(result.error().what(), rtl::errc_name(result.error().code()))
      << "errors carry an explanation";
  return result.error().code();
}

TEST(RtlCommandLine, EmptyAndBlankLines) {
  EXPECT_EQ(parse_ok("").size(), 0u);
  EXPECT_EQ(parse_ok(" \t  ").size(), 0u);
  EXPECT_FALSE(parse_ok("").has("quiet"));
}

TEST(RtlCommandLine, FlagsAndValuesInOrder) {
  CommandLine line = parse_ok("  quiet\troot=/dev/sda1   loglevel=7 ro ");
  ASSERT_EQ(line.size(), 4u);
  std::vector<std::pair<std::string, std::string>> seen;
  std::vector<bool> valued;
  for (CommandLine::Entry entry : line) {
    seen.emplace_back(entry.key, entry.value);
    valued.push_back(entry.has_value);
  }
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {"quiet", ""}, {"root", "/dev/sda1"}, {"loglevel", "7"}, {"ro", ""}}));
  EXPECT_EQ(valued, (std::vector<bool>{false, true, true, false}));
  EXPECT_TRUE(line.has("quiet"));
  EXPECT_TRUE(line.has("root"));
  EXPECT_FALSE(line.has("roo"));
  EXPECT_EQ(line.get("root"), "/dev/sda1");
  EXPECT_EQ(line.get("quiet"), std::nullopt);  // a flag has no value
  EXPECT_EQ(line.get("missing"), std::nullopt);
}

TEST(RtlCommandLine, QuotedValuesKeepBlanksAndLoseQuotes) {
  CommandLine line = parse_ok("init=\"/bin/sh -l\" console=ttyS0 msg=\"a\tb\"");
  EXPECT_EQ(line.get("init"), "/bin/sh -l");
  EXPECT_EQ(line.get("console"), "ttyS0");
  EXPECT_EQ(line.get("msg"), "a\tb");
  EXPECT_EQ(line.size(), 3u);
}

TEST(RtlCommandLine, EmptyValuesAreValues) {
  CommandLine line = parse_ok("a= b=\"\"");
  ASSERT_EQ(line.size(), 2u);
  EXPECT_TRUE(line[0].has_value);
  EXPECT_EQ(line.get("a"), "");
  EXPECT_EQ(line.get("b"), "");
}

TEST(RtlCommandLine, ValueMayContainEquals) {
  EXPECT_EQ(parse_ok("opt=x=y").get("opt"), "x=y");
}

TEST(RtlCommandLine, LastValueWins) {
  CommandLine line = parse_ok("loglevel=3 quiet loglevel=8 loglevel");
  EXPECT_EQ(line.get("loglevel"), "8");
  EXPECT_EQ(line.size(), 4u);
}

TEST(RtlCommandLine, SurvivesCopyAndMove) {
  CommandLine original = parse_ok("root=/dev/vda init=\"/sbin/init splash\"");
  CommandLine copy = original;
  std::string expected_text(original.text());
  original = parse_ok("something=else entirely");  // overwrite the source
  EXPECT_EQ(original.size(), 2u);
  EXPECT_EQ(copy.get("init"), "/sbin/init splash");
  EXPECT_EQ(copy.text(), expected_text);
  // Views must point into the copy's own storage, not the original's.
  auto value = copy.get("root");
  ASSERT_TRUE(value.has_value());
  EXPECT_GE(value->data(), copy.text().data());
  EXPECT_LT(value->data(), copy.text().data() + copy.text().size());
}

TEST(RtlCommandLine, LengthLimit) {
  std::string longest(CommandLine::kMaxLength, 'a');
  EXPECT_EQ(parse_ok(longest).size(), 1u);
  EXPECT_EQ(parse_error(longest + "a"), Errc::too_big);
}

TEST(RtlCommandLine, TokenLimit) {
  std::string line;
  for (size_t i = 0; i < CommandLine::kMaxEntries; ++i) line += "k" + std::to_string(i) + " ";
  EXPECT_EQ(parse_ok(line).size(), CommandLine::kMaxEntries);
  EXPECT_EQ(parse_error(line + "one_more"), Errc::too_big);
}

TEST(RtlCommandLine, UnterminatedQuote) {
  EXPECT_EQ(parse_error("init=\"/bin/sh -l"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("a=\""), Errc::invalid_argument);
}

TEST(RtlCommandLine, EmptyKey) {
  EXPECT_EQ(parse_error("=x"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("ok =x"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("="), Errc::invalid_argument);
}

TEST(RtlCommandLine, MisplacedQuotes) {
  EXPECT_EQ(parse_error("\"quoted\""), Errc::invalid_argument);
  EXPECT_EQ(parse_error("a=\"b\"c"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("a=b\"c\""), Errc::invalid_argument);
  EXPECT_EQ(parse_error("ke\"y=1"), Errc::invalid_argument);
}

TEST(RtlCommandLine, ControlAndNonAsciiBytes) {
  EXPECT_EQ(parse_error("quiet\n"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("a=\"x\ry\""), Errc::invalid_argument);  // not even quoted
  EXPECT_EQ(parse_error(std::string_view("a\0b", 3)), Errc::invalid_argument);
  EXPECT_EQ(parse_error("del=\x7f"), Errc::invalid_argument);
  EXPECT_EQ(parse_error("name=caf\xc3\xa9"), Errc::invalid_argument);
}

}  // namespace
