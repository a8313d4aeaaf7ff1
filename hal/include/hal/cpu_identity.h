// The boot CPU's identity and features, read once with CPUID.
#pragma once

#include "hal/cpu_features.h"

namespace hal {

// Reads CPUID on this CPU; call once before anything asks cpu_info().
void identify_cpu();
const CpuInfo& cpu_info();

}  // namespace hal
