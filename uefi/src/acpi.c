/*
 * Finds the ACPI RSDP in the UEFI configuration table. The 2.0+ entry (XSDT
 * capable) is preferred; the 1.0 entry is the fallback, and the kernel tells
 * them apart by the RSDP's revision byte. An entry whose signature is not
 * "RSD PTR " is ignored rather than handed to the kernel.
 */
#include "loader.h"

static BOOLEAN guid_eq(const EFI_GUID *a, const EFI_GUID *b) {
  return CompareMem(a, b, sizeof *a) == 0;
}

static BOOLEAN rsdp_valid(const void *p) { return p && CompareMem(p, "RSD PTR ", 8) == 0; }

UINT64 acpi_find_rsdp(void) {
  EFI_GUID acpi20 = ACPI_20_TABLE_GUID;
  EFI_GUID acpi10 = ACPI_TABLE_GUID;
  void *v20 = NULL, *v10 = NULL;

  for (UINTN i = 0; i < ST->NumberOfTableEntries; i++) {
    EFI_CONFIGURATION_TABLE *t = &ST->ConfigurationTable[i];
    if (guid_eq(&t->VendorGuid, &acpi20) && rsdp_valid(t->VendorTable))
      v20 = t->VendorTable;
    else if (guid_eq(&t->VendorGuid, &acpi10) && rsdp_valid(t->VendorTable))
      v10 = t->VendorTable;
  }
  void *rsdp = v20 ? v20 : v10;
  if (!rsdp) {
    amphi_warn(L"no ACPI RSDP in the configuration table");
    return 0;
  }
  amphi_log(L"ACPI RSDP revision %d at 0x%lx", ((const UINT8 *)rsdp)[15], (UINT64)(UINTN)rsdp);
  return (UINT64)(UINTN)rsdp;
}
