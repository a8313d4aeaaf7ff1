// Ending the machine: power-off with an exit status, and reboot.
//
// Under QEMU (recognised by the hypervisor CPUID signature) a non-zero
// status leaves through the isa-debug-exit device, so scripts see it as
// QEMU's exit code (2 * status + 1). Status 0 and real hardware use ACPI
// soft-off (PM1 control, SLP_TYP from \_S5), which QEMU reports as exit 0.
#pragma once

#include "hal/platform.h"

namespace hal::power {

void init(const PlatformDescription& platform);
[[noreturn]] void power_off(int status);
[[noreturn]] void reboot();

}  // namespace hal::power
