// CPUID decoding, portable and pure.
//
// Why: the x86-64 side executes CPUID once per CPU and stores the raw
// registers in CpuidLeaves; everything derived from them (vendor, brand,
// family/model/stepping, feature flags, address widths) is computed here, so
// it is testable on the host with register values of known processors.
//
// Invariants:
//  - Leaves above the maximum the CPU reports (leaf 0 EAX, leaf 0x80000000
//    EAX) are ignored whatever the arrays hold: Intel CPUs answer
//    out-of-range leaves with data of the highest basic leaf.
//  - Feature names are Linux's /proc/cpuinfo names where Linux shows one
//    (sse3 is "pni", tsc_deadline is "tsc_deadline_timer", the invariant TSC
//    bit is "nonstop_tsc"); iteration follows Linux's flag order.
//  - osxsave reflects CR4.OSXSAVE at the time CPUID ran.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

struct CpuidRegisters {
  uint32_t eax, ebx, ecx, edx;
};

// Filled by the x86-64 side: basic[n] = CPUID(n, 0) for n = 0..7 and
// extended[n] = CPUID(0x80000000 + n, 0) for n = 0..8. Unfilled leaves may
// be left zero.
struct CpuidLeaves {
  static constexpr size_t kBasicCount = 8;
  static constexpr size_t kExtendedCount = 9;
  CpuidRegisters basic[kBasicCount];
  CpuidRegisters extended[kExtendedCount];
};

// In Linux /proc/cpuinfo order (capability word, then bit).
enum class Feature : uint8_t {
  // CPUID 1 EDX
  fpu, tsc, msr, pae, apic, pge, pat, fxsr, sse, sse2,
  // CPUID 0x80000001 EDX
  nx, pdpe1gb, rdtscp, lm,
  // CPUID 0x80000007 EDX bit 8
  invariant_tsc,
  // CPUID 1 ECX
  sse3, ssse3, pcid, sse4_1, sse4_2, x2apic, tsc_deadline, xsave, osxsave, avx, rdrand,
  hypervisor,
  // CPUID 7.0 EBX
  fsgsbase, avx2, smep, invpcid, rdseed, smap,
  // CPUID 7.0 ECX
  umip,
};
inline constexpr size_t kFeatureCount = static_cast<size_t>(Feature::umip) + 1;

// Linux's name for the flag; never null.
const char* feature_name(Feature feature);

struct CpuInfo {
  char vendor[13];  // "GenuineIntel", NUL-terminated
  char brand[49];   // leading/trailing spaces trimmed; empty if not reported
  uint32_t max_basic_leaf;
  uint32_t max_extended_leaf;
  uint32_t family;    // with extended family when base family is 0xf
  uint32_t model;     // with extended model when base family >= 6
  uint32_t stepping;
  uint8_t physical_address_bits;  // 0x80000008, else 36 with PAE, else 32
  uint8_t linear_address_bits;    // 0x80000008, else 48 with LM, else 32
  uint64_t feature_bits;          // bit n = Feature n

  bool has(Feature feature) const {
    return (feature_bits >> static_cast<size_t>(feature)) & 1;
  }

  // Calls fn(Feature) for each present feature, in Linux order.
  template <typename Fn>
  void for_each_feature(Fn&& fn) const {
    for (size_t i = 0; i < kFeatureCount; ++i)
      if (has(static_cast<Feature>(i))) fn(static_cast<Feature>(i));
  }
};

CpuInfo decode_cpuid(const CpuidLeaves& leaves);

// The "flags" line: "fpu tsc msr ...". Returns chars written; truncates.
size_t format_cpu_flags(const CpuInfo& info, char* out, size_t capacity);

}  // namespace hal
