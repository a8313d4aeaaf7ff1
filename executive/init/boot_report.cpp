#include "executive/boot_report.h"

#include "executive/version.h"
#include "hal/cpu_identity.h"
#include "hal/memory_layout.h"
#include "hal/pci.h"
#include "hal/pci_ecam.h"
#include "rtl/format.h"
#include "rtl/log.h"

namespace executive::boot_report {
namespace {

const char* memory_type_name(uint32_t type) {
  switch (type) {
    case AMPHI_MEM_USABLE: return "usable";
    case AMPHI_MEM_LOADER: return "loader (kernel, boot data)";
    case AMPHI_MEM_ACPI_RECLAIM: return "ACPI data";
    case AMPHI_MEM_ACPI_NVS: return "ACPI NVS";
    case AMPHI_MEM_RUNTIME: return "firmware runtime";
    case AMPHI_MEM_MMIO: return "device memory";
    case AMPHI_MEM_PERSISTENT: return "persistent";
    default: return "reserved";
  }
}

constexpr uint64_t kMiB = 1024 * 1024;

// The devices the DSDT declares statically, one line each, as Linux's pnp
// lines: what the I/O manager will find the legacy devices through.
void acpi_devices(const hal::PlatformDescription& p) {
  if (!p.has_dsdt) return;
  const hal::acpi::NamespaceDeviceList& list = p.devices;
  for (size_t i = 0; i < list.count; ++i) {
    char line[128];
    hal::acpi::format_namespace_device(list.devices[i], line, sizeof line);
    rtl::pr_info("acpi: {}", line);
  }
  rtl::pr_info(
      "acpi: DSDT declares {} devices statically; {} skipped (method-computed or malformed), {} "
      "absent{}",
      list.count, list.skipped, list.absent, list.overflow ? " (list full)" : "");
}

}  // namespace

void banner() {
  rtl::pr_notice("Amphi version {} ({}) built {}", kVersion, kCompiler, kBuildDate);
}

void firmware(const amphi_boot_info& boot) {
  rtl::pr_info("Command line: {}", boot.cmdline);
  rtl::pr_info("efi: UEFI {}.{:02} firmware: {} revision {:#x}", boot.uefi_revision >> 16,
               boot.uefi_revision & 0xffff, boot.firmware_vendor, boot.firmware_revision);
  if (boot.framebuffer.format != AMPHI_PIXEL_NONE)
    rtl::pr_info("efi: GOP framebuffer {}x{} at {:#x}", boot.framebuffer.width,
                 boot.framebuffer.height, boot.framebuffer.base);
  else
    rtl::pr_warn("efi: no GOP framebuffer; console on serial only");
  if (boot.ramdisk_size)
    rtl::pr_info("initrd: {} KiB at {:#x}", boot.ramdisk_size / 1024, boot.ramdisk_base);
}

void memory_map(const amphi_boot_info& boot, const microcore::MemoryReport& memory) {
  rtl::pr_info("Physical memory map (from UEFI):");
  auto* ranges = hal::phys_to_ptr<const amphi_mem_range>(boot.memory_map);
  for (uint32_t i = 0; i < boot.memory_map_count; ++i) {
    uint64_t end = ranges[i].base + ranges[i].pages * hal::kPageSize - 1;
    rtl::pr_info("  [mem {:#018x}-{:#018x}] {}", ranges[i].base, end, memory_type_name(ranges[i].type));
  }
  rtl::pr_info("Memory: {} MiB usable, {} MiB managed by the page allocator, {} MiB reserved",
               memory.usable_bytes / kMiB, memory.managed_bytes / kMiB, memory.reserved_bytes / kMiB);
}

void cpu(const hal::paging::ProtectionFeatures& protection) {
  const hal::CpuInfo& cpu = hal::cpu_info();
  rtl::pr_info("CPU: {} {} (family {:#x}, model {:#x}, stepping {})", cpu.vendor, cpu.brand,
               cpu.family, cpu.model, cpu.stepping);
  rtl::FixedString<128> enabled;
  if (protection.nx) enabled.append(" NX");
  if (protection.smep) enabled.append(" SMEP");
  if (protection.smap) enabled.append(" SMAP");
  if (protection.umip) enabled.append(" UMIP");
  if (protection.global_pages) enabled.append(" PGE");
  enabled.append(" WP");
  rtl::pr_info("CPU: protection enabled:{}", enabled.view());
  char flags[512];
  hal::format_cpu_flags(cpu, flags, sizeof flags);
  rtl::pr_info("CPU: flags: {}", flags);
}

void address_space(const hal::paging::AddressSpaceReport& report) {
  rtl::pr_info("paging: kernel page tables live: {} MiB direct-mapped, {} table pages, {} guard pages",
               report.direct_mapped_bytes / kMiB, report.page_table_pages, report.guard_pages);
}

void acpi(const hal::PlatformDescription& p) {
  rtl::pr_info("ACPI: RSDP {:#x} (v{:02} {})", p.rsdp.physical, p.rsdp.revision, p.rsdp.oem_id);
  char signatures[256];
  p.tables.format_signatures(signatures, sizeof signatures);
  rtl::pr_info("ACPI: tables: {}", signatures);
  size_t enabled = 0;
  for (size_t i = 0; i < p.madt.processor_count; ++i) enabled += p.madt.processors[i].enabled;
  rtl::pr_info("ACPI: MADT: {} CPU(s) enabled, {} I/O APIC(s), local APIC at {:#x}{}", enabled,
               p.madt.io_apic_count, p.madt.local_apic_address,
               p.madt.pcat_compat ? ", legacy PICs present" : "");
  if (p.has_hpet)
    rtl::pr_info("ACPI: HPET at {:#x}, {} comparators", p.hpet.base_address, p.hpet.comparator_count);
  else
    rtl::pr_info("ACPI: no HPET; the PIT is the calibration reference");
  for (size_t i = 0; p.has_mcfg && i < p.mcfg.count; ++i)
    rtl::pr_info("ACPI: MCFG: PCI ECAM at {:#x}, segment {}, buses {:02x}-{:02x}",
                 p.mcfg.segments[i].base_address, p.mcfg.segments[i].segment_group,
                 p.mcfg.segments[i].start_bus, p.mcfg.segments[i].end_bus);
  if (p.has_fadt)
    rtl::pr_info("ACPI: FADT: PM1a control {:#x}, power-off via \\_S5 {}", p.fadt.pm1a_control_port,
                 p.has_s5 ? "available" : "missing");
  acpi_devices(p);
}

void clock(const hal::clock::Calibration& c) {
  rtl::pr_info("tsc: calibrated against {}: {}.{:03} MHz{}", c.reference, c.tsc_hz / 1000000,
               (c.tsc_hz / 1000) % 1000, c.invariant_tsc ? " (invariant)" : "");
  rtl::pr_info("lapic: timer runs at {}.{:03} MHz (divide by 16)", c.lapic_timer_hz / 1000000,
               (c.lapic_timer_hz / 1000) % 1000);
}

void pci_devices() {
  static hal::pci::DeviceList devices;  // too large for the boot stack
  hal::pci::enumerate(hal::pci::ecam().reader(), hal::pci::ecam_start_bus(), hal::pci::ecam_end_bus(),
                      devices);
  for (size_t i = 0; i < devices.count; ++i) {
    char line[128];
    hal::pci::format_device(devices.devices[i], line, sizeof line);
    rtl::pr_info("pci {}", line);
  }
  rtl::pr_info("PCI: {} devices found{}", devices.count, devices.overflow ? " (list full)" : "");
}

}  // namespace executive::boot_report
