// PCI configuration space through ECAM (the MCFG table's memory-mapped
// window): the accessor the portable enumerator in hal/pci/ and, later, the
// driver framework use.
#pragma once

#include "hal/acpi.h"
#include "hal/pci.h"
#include "rtl/result.h"

namespace hal::pci {

// Maps segment group 0's ECAM window. Other segment groups are not used on
// the machines Amphi targets; they are reported, not mapped.
rtl::Result<void> init_ecam(const acpi::McfgInfo& mcfg);
const ConfigAccess& ecam();
uint8_t ecam_start_bus();
uint8_t ecam_end_bus();
// False until init_ecam succeeded (no MCFG: no PCI devices).
bool ecam_ready();

}  // namespace hal::pci
