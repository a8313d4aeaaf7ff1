// CPUID decoding: vendor, brand, signature, feature bits, address widths.
// One table maps each Feature to (leaf, register, bit, Linux name); the
// decoder never reads a leaf beyond the maximum the CPU reported.
#include "hal/cpu_features.h"

#include "rtl/format.h"

namespace hal {
namespace {

enum class Source : uint8_t { leaf1_edx, leaf1_ecx, leaf7_ebx, leaf7_ecx, ext1_edx, ext7_edx };

struct FeatureBit {
  Feature feature;
  Source source;
  uint8_t bit;
  const char* name;
};

// Indexed by Feature; the static_assert below keeps them in step.
constexpr FeatureBit kFeatureBits[] = {
    {Feature::fpu, Source::leaf1_edx, 0, "fpu"},
    {Feature::tsc, Source::leaf1_edx, 4, "tsc"},
    {Feature::msr, Source::leaf1_edx, 5, "msr"},
    {Feature::pae, Source::leaf1_edx, 6, "pae"},
    {Feature::apic, Source::leaf1_edx, 9, "apic"},
    {Feature::pge, Source::leaf1_edx, 13, "pge"},
    {Feature::pat, Source::leaf1_edx, 16, "pat"},
    {Feature::fxsr, Source::leaf1_edx, 24, "fxsr"},
    {Feature::sse, Source::leaf1_edx, 25, "sse"},
    {Feature::sse2, Source::leaf1_edx, 26, "sse2"},
    {Feature::nx, Source::ext1_edx, 20, "nx"},
    {Feature::pdpe1gb, Source::ext1_edx, 26, "pdpe1gb"},
    {Feature::rdtscp, Source::ext1_edx, 27, "rdtscp"},
    {Feature::lm, Source::ext1_edx, 29, "lm"},
    {Feature::invariant_tsc, Source::ext7_edx, 8, "nonstop_tsc"},
    {Feature::sse3, Source::leaf1_ecx, 0, "pni"},
    {Feature::ssse3, Source::leaf1_ecx, 9, "ssse3"},
    {Feature::pcid, Source::leaf1_ecx, 17, "pcid"},
    {Feature::sse4_1, Source::leaf1_ecx, 19, "sse4_1"},
    {Feature::sse4_2, Source::leaf1_ecx, 20, "sse4_2"},
    {Feature::x2apic, Source::leaf1_ecx, 21, "x2apic"},
    {Feature::tsc_deadline, Source::leaf1_ecx, 24, "tsc_deadline_timer"},
    {Feature::xsave, Source::leaf1_ecx, 26, "xsave"},
    {Feature::osxsave, Source::leaf1_ecx, 27, "osxsave"},
    {Feature::avx, Source::leaf1_ecx, 28, "avx"},
    {Feature::rdrand, Source::leaf1_ecx, 30, "rdrand"},
    {Feature::hypervisor, Source::leaf1_ecx, 31, "hypervisor"},
    {Feature::fsgsbase, Source::leaf7_ebx, 0, "fsgsbase"},
    {Feature::avx2, Source::leaf7_ebx, 5, "avx2"},
    {Feature::smep, Source::leaf7_ebx, 7, "smep"},
    {Feature::invpcid, Source::leaf7_ebx, 10, "invpcid"},
    {Feature::rdseed, Source::leaf7_ebx, 18, "rdseed"},
    {Feature::smap, Source::leaf7_ebx, 20, "smap"},
    {Feature::umip, Source::leaf7_ecx, 2, "umip"},
};
static_assert(sizeof kFeatureBits / sizeof kFeatureBits[0] == kFeatureCount);

constexpr bool table_in_enum_order() {
  for (size_t i = 0; i < kFeatureCount; ++i)
    if (static_cast<size_t>(kFeatureBits[i].feature) != i) return false;
  return true;
}
static_assert(table_in_enum_order());

constexpr uint32_t kExtendedBase = 0x80000000;
constexpr CpuidRegisters kAbsent = {0, 0, 0, 0};

struct LeafView {
  const CpuidLeaves& leaves;
  uint32_t max_basic, max_extended;

  const CpuidRegisters& basic(uint32_t leaf) const {
    return leaf <= max_basic && leaf < CpuidLeaves::kBasicCount ? leaves.basic[leaf] : kAbsent;
  }
  const CpuidRegisters& extended(uint32_t leaf) const {
    uint32_t index = leaf - kExtendedBase;
    return leaf <= max_extended && index < CpuidLeaves::kExtendedCount ? leaves.extended[index]
                                                                        : kAbsent;
  }
  uint32_t source_register(Source source) const {
    switch (source) {
      case Source::leaf1_edx: return basic(1).edx;
      case Source::leaf1_ecx: return basic(1).ecx;
      case Source::leaf7_ebx: return basic(7).ebx;
      case Source::leaf7_ecx: return basic(7).ecx;
      case Source::ext1_edx: return extended(0x80000001).edx;
      case Source::ext7_edx: return extended(0x80000007).edx;
    }
    return 0;
  }
};

void store_register(char* out, uint32_t value) {
  for (size_t i = 0; i < 4; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

void decode_brand(const LeafView& view, char (&brand)[49]) {
  char raw[49] = {};
  for (uint32_t leaf = 0; leaf < 3; ++leaf) {
    const CpuidRegisters& r = view.extended(0x80000002 + leaf);
    store_register(raw + 16 * leaf + 0, r.eax);
    store_register(raw + 16 * leaf + 4, r.ebx);
    store_register(raw + 16 * leaf + 8, r.ecx);
    store_register(raw + 16 * leaf + 12, r.edx);
  }
  size_t begin = 0, end = 0;
  while (end < 48 && raw[end] != '\0') ++end;
  while (begin < end && raw[begin] == ' ') ++begin;
  while (end > begin && raw[end - 1] == ' ') --end;
  size_t length = end - begin;
  for (size_t i = 0; i < length; ++i) brand[i] = raw[begin + i];
  brand[length] = '\0';
}

}  // namespace

const char* feature_name(Feature feature) {
  size_t index = static_cast<size_t>(feature);
  return index < kFeatureCount ? kFeatureBits[index].name : "unknown";
}

CpuInfo decode_cpuid(const CpuidLeaves& leaves) {
  CpuInfo info{};
  info.max_basic_leaf = leaves.basic[0].eax;
  uint32_t max_extended = leaves.extended[0].eax;
  info.max_extended_leaf = max_extended >= kExtendedBase ? max_extended : 0;
  LeafView view{leaves, info.max_basic_leaf, info.max_extended_leaf};

  store_register(info.vendor + 0, leaves.basic[0].ebx);
  store_register(info.vendor + 4, leaves.basic[0].edx);
  store_register(info.vendor + 8, leaves.basic[0].ecx);
  info.vendor[12] = '\0';
  decode_brand(view, info.brand);

  // Signature: extended family only extends base family 0xf; extended
  // model applies from base family 6 on (Linux's x86_model rule, which
  // covers Intel's 6/0xf and AMD's 0xf cases).
  uint32_t signature = view.basic(1).eax;
  uint32_t base_family = (signature >> 8) & 0xf;
  info.family = base_family;
  if (base_family == 0xf) info.family += (signature >> 20) & 0xff;
  info.model = (signature >> 4) & 0xf;
  if (base_family >= 6) info.model |= ((signature >> 16) & 0xf) << 4;
  info.stepping = signature & 0xf;

  for (const FeatureBit& f : kFeatureBits)
    if ((view.source_register(f.source) >> f.bit) & 1)
      info.feature_bits |= uint64_t(1) << static_cast<size_t>(f.feature);

  const CpuidRegisters& widths = view.extended(0x80000008);
  if (widths.eax != 0) {
    info.physical_address_bits = static_cast<uint8_t>(widths.eax);
    info.linear_address_bits = static_cast<uint8_t>(widths.eax >> 8);
  } else {
    info.physical_address_bits = info.has(Feature::pae) ? 36 : 32;
    info.linear_address_bits = info.has(Feature::lm) ? 48 : 32;
  }
  return info;
}

size_t format_cpu_flags(const CpuInfo& info, char* out, size_t capacity) {
  if (capacity == 0) return 0;
  out[0] = '\0';
  size_t length = 0;
  info.for_each_feature([&](Feature feature) {
    if (length + 1 >= capacity) return;
    if (length == 0)
      length += rtl::format_to_buffer(out, capacity, "{}", feature_name(feature));
    else
      length += rtl::format_to_buffer(out + length, capacity - length, " {}", feature_name(feature));
  });
  return length;
}

}  // namespace hal
