// Object manager path syntax (executive/object/object_path.cpp).
#include <gtest/gtest.h>

#include <string>

#include "executive/object_path.h"

using namespace executive::ob;

namespace {

rtl::Errc check(std::string_view path) {
  auto result = check_path(path);
  return result.is_ok() ? rtl::Errc::ok : result.error().code();
}

TEST(ExecutiveObjectPath, AcceptsTheRootAndNestedNames) {
  EXPECT_EQ(check("\\"), rtl::Errc::ok);
  EXPECT_EQ(check("\\Device"), rtl::Errc::ok);
  EXPECT_EQ(check("\\Device\\blk0"), rtl::Errc::ok);
  EXPECT_EQ(check("\\??\\C:"), rtl::Errc::ok);
  EXPECT_EQ(check("\\a b\\x.y-z"), rtl::Errc::ok);
}

TEST(ExecutiveObjectPath, RejectsMalformedPaths) {
  for (std::string_view bad : {"", "Device", "Device\\blk0", "\\\\", "\\Device\\", "\\Device\\\\blk0",
                               "\\\\Device", "/Device/blk0"})
    EXPECT_EQ(check(bad), rtl::Errc::invalid_argument) << bad;
  EXPECT_EQ(check(std::string_view("\\a\0b", 4)), rtl::Errc::invalid_argument);
  EXPECT_EQ(check("\\tab\there"), rtl::Errc::invalid_argument);
  EXPECT_EQ(check("\\del\x7f"), rtl::Errc::invalid_argument);
}

TEST(ExecutiveObjectPath, EnforcesNameLengthDepthAndPathLength) {
  EXPECT_EQ(check("\\" + std::string(31, 'n')), rtl::Errc::ok);
  EXPECT_EQ(check("\\" + std::string(32, 'n')), rtl::Errc::too_big);
  std::string deep;
  for (size_t i = 0; i < kMaxDepth; ++i) deep += "\\d";
  EXPECT_EQ(check(deep), rtl::Errc::ok);
  EXPECT_EQ(check(deep + "\\d"), rtl::Errc::too_big);
  std::string at_limit = "\\" + std::string(31, 'a') + "\\" + std::string(31, 'b');
  while (at_limit.size() + 32 <= kMaxPath) at_limit += "\\" + std::string(31, 'c');
  at_limit += "\\" + std::string(kMaxPath - at_limit.size() - 1, 'd');
  ASSERT_EQ(at_limit.size(), kMaxPath);
  EXPECT_EQ(check(at_limit), rtl::Errc::ok);
  EXPECT_EQ(check(at_limit + "e"), rtl::Errc::too_big);
}

TEST(ExecutiveObjectPath, NamesCompareWithoutCase) {
  EXPECT_TRUE(names_equal("Device", "DEVICE"));
  EXPECT_TRUE(names_equal("blk0", "Blk0"));
  EXPECT_FALSE(names_equal("blk0", "blk1"));
  EXPECT_FALSE(names_equal("blk", "blk0"));
  EXPECT_LT(compare_names("Alpha", "beta"), 0);
  EXPECT_GT(compare_names("gamma", "BETA"), 0);
  EXPECT_LT(compare_names("rd", "RD0"), 0);
  EXPECT_EQ(compare_names("", ""), 0);
}

TEST(ExecutiveObjectPath, SplitsOffTheLastName) {
  SplitPath device = split_last("\\Device\\blk0");
  EXPECT_EQ(device.parent, "\\Device");
  EXPECT_EQ(device.leaf, "blk0");
  SplitPath top = split_last("\\Device");
  EXPECT_EQ(top.parent, "\\");
  EXPECT_EQ(top.leaf, "Device");
  SplitPath root = split_last("\\");
  EXPECT_EQ(root.parent, "\\");
  EXPECT_TRUE(root.leaf.empty());
}

}  // namespace
