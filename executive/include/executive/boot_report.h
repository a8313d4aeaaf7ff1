// The boot log's description of the machine, one topic per function, in the
// shape of Linux's boot messages so a reader can compare the two.
#pragma once

#include "amphi/boot_info.h"
#include "hal/clock.h"
#include "hal/paging.h"
#include "hal/platform.h"
#include "microcore/physical_memory.h"

namespace executive::boot_report {

void banner();
void firmware(const amphi_boot_info& boot);
void memory_map(const amphi_boot_info& boot, const microcore::MemoryReport& memory);
void cpu(const hal::paging::ProtectionFeatures& protection);
void address_space(const hal::paging::AddressSpaceReport& report);
void acpi(const hal::PlatformDescription& platform);
void clock(const hal::clock::Calibration& calibration);
void pci_devices();

}  // namespace executive::boot_report
