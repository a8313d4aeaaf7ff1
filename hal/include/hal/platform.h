// What the firmware told us about the machine, decoded once: the ACPI table
// directory and the tables the HAL drives hardware from (MADT, HPET, MCFG,
// FADT, and \_S5 for power-off), and the devices the DSDT declares
// statically (the legacy ones the I/O manager starts drivers for).
// Optional tables are flagged, not errors.
#pragma once

#include "hal/acpi.h"
#include "hal/acpi_devices.h"
#include "rtl/result.h"

namespace hal {

struct PlatformDescription {
  acpi::Rsdp rsdp;
  acpi::TableDirectory tables;
  acpi::MadtInfo madt;
  bool has_hpet;
  acpi::HpetInfo hpet;
  bool has_mcfg;
  acpi::McfgInfo mcfg;
  bool has_fadt;
  acpi::FadtInfo fadt;
  bool has_s5;
  acpi::SleepType s5;
  bool has_dsdt;  // found and valid; then `devices` is its walk (maybe empty)
  acpi::NamespaceDeviceList devices;
};

// Parses the ACPI tables reachable from the RSDP. The MADT is mandatory
// (without it there is no interrupt routing); the rest is optional.
rtl::Result<const PlatformDescription*> discover_platform(uint64_t rsdp_physical);
const PlatformDescription& platform();

}  // namespace hal
