// CPUID collection for the portable decoder in hal/cpu/cpu_features.cpp.
#include "hal/cpu_identity.h"

#include "hal/cpu.h"

namespace hal {
namespace {
CpuInfo g_info;  // written once by identify_cpu() during early boot
}

void identify_cpu() {
  CpuidLeaves leaves{};
  uint32_t max_basic = x86::cpuid(0).eax;
  for (uint32_t leaf = 0; leaf < CpuidLeaves::kBasicCount && leaf <= max_basic; ++leaf) {
    auto r = x86::cpuid(leaf);
    leaves.basic[leaf] = {r.eax, r.ebx, r.ecx, r.edx};
  }
  uint32_t max_extended = x86::cpuid(0x80000000).eax;
  for (uint32_t i = 0; i < CpuidLeaves::kExtendedCount && 0x80000000 + i <= max_extended; ++i) {
    auto r = x86::cpuid(0x80000000 + i);
    leaves.extended[i] = {r.eax, r.ebx, r.ecx, r.edx};
  }
  g_info = decode_cpuid(leaves);
}

const CpuInfo& cpu_info() { return g_info; }

}  // namespace hal
