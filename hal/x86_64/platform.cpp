// ACPI discovery against real memory: the portable decoders in hal/acpi/ read
// physical memory through this reader, which uses the direct map where RAM is
// mapped and an uncached device mapping for tables the firmware left in
// reserved or MMIO ranges.
#include "hal/platform.h"

#include "hal/memory_layout.h"
#include "hal/paging.h"

namespace hal {
namespace {

PlatformDescription g_platform;  // filled once during boot

const void* map_physical(void*, uint64_t physical, size_t length) {
  if (length == 0) return nullptr;
  uint64_t last = physical + length - 1;
  if (paging::translate(phys_to_virt(physical)).is_ok() && paging::translate(phys_to_virt(last)).is_ok())
    return phys_to_ptr<const void>(physical);
  auto mapped = paging::map_device_memory(physical, length);
  return mapped.is_ok() ? reinterpret_cast<const void*>(mapped.value()) : nullptr;
}

}  // namespace

rtl::Result<const PlatformDescription*> discover_platform(uint64_t rsdp_physical) {
  PlatformDescription& out = g_platform;
  if (!rsdp_physical) return rtl::Error(rtl::Errc::not_found, "firmware provided no ACPI RSDP");
  acpi::PhysicalReader reader{nullptr, map_physical};
  out.rsdp = TRY(acpi::parse_rsdp(reader, rsdp_physical));
  TRY(acpi::load_table_directory(reader, rsdp_physical, out.tables));

  auto madt = out.tables.find(reader, "APIC");
  if (madt.is_error()) return rtl::Error(rtl::Errc::not_found, "no MADT: cannot route interrupts");
  TRY(acpi::decode_madt(madt.value(), out.madt));

  if (auto table = out.tables.find(reader, "HPET"); table.is_ok()) {
    auto hpet = acpi::decode_hpet(table.value());
    out.has_hpet = hpet.is_ok();
    if (out.has_hpet) out.hpet = hpet.value();
  }
  if (auto table = out.tables.find(reader, "MCFG"); table.is_ok()) {
    auto mcfg = acpi::decode_mcfg(table.value());
    out.has_mcfg = mcfg.is_ok();
    if (out.has_mcfg) out.mcfg = mcfg.value();
  }
  if (auto table = out.tables.find(reader, "FACP"); table.is_ok()) {
    auto fadt = acpi::decode_fadt(table.value());
    out.has_fadt = fadt.is_ok();
    if (out.has_fadt) {
      out.fadt = fadt.value();
      if (auto dsdt = acpi::find_dsdt(reader, out.tables); dsdt.is_ok()) {
        auto s5 = acpi::find_s5_sleep_type(dsdt.value());
        out.has_s5 = s5.is_ok();
        if (out.has_s5) out.s5 = s5.value();
        out.has_dsdt = acpi::find_namespace_devices(dsdt.value(), out.devices).is_ok();
      }
    }
  }
  return &g_platform;
}

const PlatformDescription& platform() { return g_platform; }

}  // namespace hal
