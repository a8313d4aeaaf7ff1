// hal/cpu_features with CPUID register values of known processors (Intel
// Kaby Lake-R, AMD Zen 2) and hand-made edge cases: leaves beyond the
// reported maximum must be ignored, names must be Linux's.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "hal/cpu_features.h"

namespace {

using hal::CpuidLeaves;
using hal::CpuInfo;
using hal::Feature;

uint32_t text32(const char* four) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= uint32_t(uint8_t(four[i])) << (8 * i);
  return v;
}

void set_vendor(CpuidLeaves& l, const char* vendor) {
  l.basic[0].ebx = text32(vendor);
  l.basic[0].edx = text32(vendor + 4);
  l.basic[0].ecx = text32(vendor + 8);
}

void set_brand(CpuidLeaves& l, const char* brand) {
  char raw[48] = {};
  std::memcpy(raw, brand, std::min(std::strlen(brand), sizeof raw));
  for (int leaf = 0; leaf < 3; ++leaf) {
    hal::CpuidRegisters& r = l.extended[2 + leaf];
    r.eax = text32(raw + 16 * leaf);
    r.ebx = text32(raw + 16 * leaf + 4);
    r.ecx = text32(raw + 16 * leaf + 8);
    r.edx = text32(raw + 16 * leaf + 12);
  }
}

constexpr uint32_t bit(int n) { return uint32_t(1) << n; }

CpuidLeaves kaby_lake_r() {
  CpuidLeaves l{};
  l.basic[0].eax = 0x16;
  set_vendor(l, "GenuineIntel");
  l.basic[1].eax = 0x000806ea;
  l.basic[1].edx = bit(0) | bit(4) | bit(5) | bit(6) | bit(9) | bit(13) | bit(16) | bit(24) |
                   bit(25) | bit(26);
  l.basic[1].ecx = bit(0) | bit(9) | bit(17) | bit(19) | bit(20) | bit(21) | bit(24) | bit(26) |
                   bit(27) | bit(28) | bit(30);
  l.basic[7].ebx = bit(0) | bit(5) | bit(7) | bit(10) | bit(18) | bit(20);
  l.basic[7].ecx = 0;
  l.extended[0].eax = 0x80000008;
  l.extended[1].edx = bit(20) | bit(26) | bit(27) | bit(29);
  set_brand(l, "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz");
  l.extended[7].edx = bit(8);
  l.extended[8].eax = 0x3027;  // 39 physical, 48 linear
  return l;
}

TEST(HalCpuFeatures, DecodesIntelSignatureAndStrings) {
  CpuInfo info = hal::decode_cpuid(kaby_lake_r());
  EXPECT_STREQ(info.vendor, "GenuineIntel");
  EXPECT_STREQ(info.brand, "Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz");
  EXPECT_EQ(info.family, 6u);
  EXPECT_EQ(info.model, 0x8eu);
  EXPECT_EQ(info.stepping, 0xau);
  EXPECT_EQ(info.physical_address_bits, 39);
  EXPECT_EQ(info.linear_address_bits, 48);
  EXPECT_EQ(info.max_basic_leaf, 0x16u);
  EXPECT_EQ(info.max_extended_leaf, 0x80000008u);
}

TEST(HalCpuFeatures, DecodesIntelFeaturesAndFlagsLine) {
  CpuInfo info = hal::decode_cpuid(kaby_lake_r());
  for (Feature f : {Feature::fpu, Feature::sse2, Feature::sse3, Feature::x2apic, Feature::avx2,
                    Feature::smep, Feature::smap, Feature::nx, Feature::pdpe1gb, Feature::lm,
                    Feature::invariant_tsc, Feature::tsc_deadline, Feature::invpcid})
    EXPECT_TRUE(info.has(f)) << hal::feature_name(f);
  EXPECT_FALSE(info.has(Feature::umip));
  EXPECT_FALSE(info.has(Feature::hypervisor));

  char flags[512];
  hal::format_cpu_flags(info, flags, sizeof flags);
  EXPECT_STREQ(flags,
               "fpu tsc msr pae apic pge pat fxsr sse sse2 nx pdpe1gb rdtscp lm nonstop_tsc "
               "pni ssse3 pcid sse4_1 sse4_2 x2apic tsc_deadline_timer xsave osxsave avx rdrand "
               "fsgsbase avx2 smep invpcid rdseed smap");

  int count = 0;
  info.for_each_feature([&](Feature) { ++count; });
  EXPECT_EQ(count, 32);
}

TEST(HalCpuFeatures, DecodesAmdExtendedFamily) {
  CpuidLeaves l{};
  l.basic[0].eax = 0x10;
  set_vendor(l, "AuthenticAMD");
  l.basic[1].eax = 0x00870f10;  // Zen 2 (Matisse)
  l.basic[1].ecx = bit(31);     // under a hypervisor
  l.basic[7].ecx = bit(2);
  l.extended[0].eax = 0x80000020;  // above what we store: still reads leaf 8
  set_brand(l, "AMD Ryzen 7 3700X 8-Core Processor             ");
  l.extended[8].eax = 0x3030;
  CpuInfo info = hal::decode_cpuid(l);
  EXPECT_STREQ(info.vendor, "AuthenticAMD");
  EXPECT_STREQ(info.brand, "AMD Ryzen 7 3700X 8-Core Processor");
  EXPECT_EQ(info.family, 0x17u);
  EXPECT_EQ(info.model, 0x71u);
  EXPECT_EQ(info.stepping, 0u);
  EXPECT_EQ(info.physical_address_bits, 48);
  EXPECT_TRUE(info.has(Feature::hypervisor));
  EXPECT_TRUE(info.has(Feature::umip));

  // Zen 1: base family 0xf + extended 0x8, model without extension bits.
  l.basic[1].eax = 0x00800f11;
  info = hal::decode_cpuid(l);
  EXPECT_EQ(info.family, 0x17u);
  EXPECT_EQ(info.model, 0x01u);
  EXPECT_EQ(info.stepping, 1u);
}

TEST(HalCpuFeatures, IgnoresLeavesBeyondReportedMaximum) {
  CpuidLeaves l = kaby_lake_r();
  l.basic[0].eax = 5;              // leaf 7 not reported: its data is stale
  l.extended[0].eax = 0x80000004;  // brand but no 0x80000007/8
  CpuInfo info = hal::decode_cpuid(l);
  EXPECT_FALSE(info.has(Feature::avx2));
  EXPECT_FALSE(info.has(Feature::smep));
  EXPECT_FALSE(info.has(Feature::invariant_tsc));
  EXPECT_TRUE(info.has(Feature::nx));
  EXPECT_EQ(info.physical_address_bits, 36);  // PAE default
  EXPECT_EQ(info.linear_address_bits, 48);    // long mode default

  l.extended[0].eax = 0;  // no extended leaves at all
  info = hal::decode_cpuid(l);
  EXPECT_STREQ(info.brand, "");
  EXPECT_FALSE(info.has(Feature::lm));
  EXPECT_EQ(info.linear_address_bits, 32);
}

TEST(HalCpuFeatures, NamesAndTruncation) {
  EXPECT_STREQ(hal::feature_name(Feature::sse3), "pni");
  EXPECT_STREQ(hal::feature_name(Feature::pdpe1gb), "pdpe1gb");
  EXPECT_STREQ(hal::feature_name(Feature::tsc_deadline), "tsc_deadline_timer");
  EXPECT_STREQ(hal::feature_name(Feature::sse4_1), "sse4_1");
  for (size_t i = 0; i < hal::kFeatureCount; ++i)
    EXPECT_GT(std::strlen(hal::feature_name(static_cast<Feature>(i))), 0u);
  EXPECT_STREQ(hal::feature_name(static_cast<Feature>(200)), "unknown");

  CpuInfo info = hal::decode_cpuid(kaby_lake_r());
  char small[10];
  size_t n = hal::format_cpu_flags(info, small, sizeof small);
  EXPECT_LT(n, sizeof small);
  EXPECT_EQ(std::string(small).substr(0, 7), "fpu tsc");
  EXPECT_EQ(hal::format_cpu_flags(info, small, 0), 0u);
}

}  // namespace
