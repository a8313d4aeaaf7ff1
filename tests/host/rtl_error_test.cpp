// Error codes have stable, human-readable names; an explanation overrides them.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "rtl/error.h"

namespace {

TEST(RtlError, EveryCodeHasADistinctName) {
  std::set<std::string> names;
  for (int code = static_cast<int>(rtl::Errc::ok); code <= static_cast<int>(rtl::Errc::too_many_links);
       ++code) {
    std::string name = rtl::errc_name(static_cast<rtl::Errc>(code));
    EXPECT_NE(name, "unknown error") << "code " << code;
    EXPECT_TRUE(names.insert(name).second) << "duplicate name " << name;
  }
  EXPECT_STREQ(rtl::errc_name(rtl::Errc::no_memory), "out of memory");
  EXPECT_STREQ(rtl::errc_name(rtl::Errc::too_big), "too big");
  EXPECT_STREQ(rtl::errc_name(static_cast<rtl::Errc>(9999)), "unknown error");
}

TEST(RtlError, WhatPrefersTheExplanation) {
  constexpr rtl::Error plain(rtl::Errc::busy);
  constexpr rtl::Error explained(rtl::Errc::busy, "device is resetting");
  EXPECT_STREQ(plain.what(), "busy");
  EXPECT_STREQ(explained.what(), "device is resetting");
  EXPECT_TRUE(explained == rtl::Errc::busy);
  EXPECT_FALSE(explained == rtl::Errc::io_error);
}

}  // namespace
