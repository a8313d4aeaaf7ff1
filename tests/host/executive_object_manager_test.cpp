// The object manager's standard directories and its /proc/objects table
// (executive/object/object_manager.cpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "executive/object_manager.h"

using namespace executive::ob;

namespace {

const TypedObjectType<int> kDeviceLike{{"Device", nullptr}};

class ExecutiveObjectManager : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(names_.init().is_ok());
    ASSERT_TRUE(create_standard_directories(names_).is_ok());
  }
  std::string table() {
    std::string text(8192, '\0');
    size_t length = format_object_table(names_, text.data(), text.size());
    EXPECT_LE(length, text.size());
    text.resize(length);
    return text;
  }
  ObjectNamespace names_;
  int device_ = 0;
};

TEST_F(ExecutiveObjectManager, MakesNtsStandardDirectories) {
  for (const char* path : {"\\Device", "\\Driver", "\\??", "\\ObjectTypes"})
    EXPECT_TRUE(MUST(names_.lookup(path))->is_directory()) << path;
}

TEST_F(ExecutiveObjectManager, RegistersTypesOnce) {
  rtl::RefPtr<Object> type = MUST(names_.lookup("\\ObjectTypes\\SymbolicLink"));
  EXPECT_EQ(&type->type(), &kTypeType);
  EXPECT_EQ(type->body(), &kSymbolicLinkType);
  ASSERT_TRUE(register_type(names_, kDeviceLike).is_ok());
  EXPECT_EQ(MUST(names_.lookup("\\ObjectTypes\\device"))->body(), &kDeviceLike);
  auto again = register_type(names_, kDeviceLike);
  ASSERT_TRUE(again.is_error());
  EXPECT_EQ(again.error().code(), rtl::Errc::already_exists);
}

TEST_F(ExecutiveObjectManager, TableShowsPathTypeReferencesAndLinkTargets) {
  MUST(names_.insert("\\Device\\blk0", kDeviceLike, &device_));
  MUST(names_.create_symbolic_link("\\??\\blk0", "\\Device\\blk0"));
  rtl::RefPtr<Object> held = MUST(names_.lookup("\\Device\\blk0"));
  std::string text = table();
  EXPECT_EQ(text.substr(0, text.find('\n')), "path                         type         refs  target");
  EXPECT_NE(text.find("\n\\                            Directory       1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\\??\\blk0                     SymbolicLink    1  -> \\Device\\blk0\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("\n\\Device\\blk0                 Device          2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\n\\ObjectTypes\\Type            Type            1\n"), std::string::npos) << text;
  // Depth first, in name order: \?? before \Device before \ObjectTypes.
  EXPECT_LT(text.find("\\??\\blk0"), text.find("\\Device\n"));
  EXPECT_LT(text.find("\\Device\\blk0"), text.find("\\Driver"));
  EXPECT_LT(text.find("\\Driver"), text.find("\\ObjectTypes\n"));
}

TEST_F(ExecutiveObjectManager, ATableTooBigForTheBufferSaysHowMuchItNeeds) {
  std::string full = table();
  std::string small(100, '#');
  size_t needed = format_object_table(names_, small.data(), small.size());
  EXPECT_EQ(needed, full.size());
  // Only whole lines were stored: what fits is a prefix ending in a newline.
  size_t stored = full.rfind('\n', small.size() - 1) + 1;
  EXPECT_EQ(small.substr(0, stored), full.substr(0, stored));
  EXPECT_EQ(small.substr(stored), std::string(small.size() - stored, '#'));
}

}  // namespace
