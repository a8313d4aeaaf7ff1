/*
 * Converts the UEFI memory map into the kernel's amphi_mem_range[]: sorted by
 * base, non-overlapping, adjacent ranges of the same type merged.
 *
 * The final conversion runs between the last GetMemoryMap and
 * ExitBootServices, where no allocation is allowed (it would invalidate the
 * map key, and after a failed ExitBootServices only GetMemoryMap may be
 * called). So memmap_prepare allocates, once and generously, both the raw
 * descriptor buffer and the range array; snapshot and convert only write
 * into them. The range array is LoaderData and so describes itself as
 * AMPHI_MEM_LOADER.
 *
 * Type rule: memory that is free once boot services are gone (conventional,
 * boot services code/data, our own image) is USABLE; LoaderData is LOADER
 * (everything we hand over lives there); the rest maps 1:1 or to RESERVED.
 */
#include "loader.h"

#define SLACK_DESCRIPTORS 128
/* UEFI 2.5 type; GNU-EFI 3.0.15's EFI_MEMORY_TYPE predates it. */
#define UEFI_PERSISTENT_MEMORY 14

static UINT32 convert_type(UINT32 t) {
  switch (t) {
  case EfiConventionalMemory:
  case EfiBootServicesCode:
  case EfiBootServicesData:
  case EfiLoaderCode:
    return AMPHI_MEM_USABLE;
  case EfiLoaderData:
    return AMPHI_MEM_LOADER;
  case EfiACPIReclaimMemory:
    return AMPHI_MEM_ACPI_RECLAIM;
  case EfiACPIMemoryNVS:
    return AMPHI_MEM_ACPI_NVS;
  case EfiRuntimeServicesCode:
  case EfiRuntimeServicesData:
    return AMPHI_MEM_RUNTIME;
  case EfiMemoryMappedIO:
  case EfiMemoryMappedIOPortSpace:
    return AMPHI_MEM_MMIO;
  case UEFI_PERSISTENT_MEMORY:
    return AMPHI_MEM_PERSISTENT;
  default:
    return AMPHI_MEM_RESERVED;
  }
}

void memmap_prepare(struct amphi_memmap *mm) {
  UINTN size = 0;
  EFI_STATUS st;

  SetMem(mm, sizeof *mm, 0);
  st = BS->GetMemoryMap(&size, NULL, &mm->key, &mm->desc_size, &mm->desc_version);
  if (st != EFI_BUFFER_TOO_SMALL || mm->desc_size < sizeof(EFI_MEMORY_DESCRIPTOR))
    amphi_fail(L"GetMemoryMap size query failed (%r)", st);

  /* Every allocation from here to ExitBootServices can split a descriptor. */
  mm->buf_size = size + SLACK_DESCRIPTORS * mm->desc_size;
  mm->buf = AllocatePool(mm->buf_size);
  if (!mm->buf)
    amphi_fail(L"out of memory allocating %ld bytes for the memory map", (UINT64)mm->buf_size);
  mm->capacity = (UINT32)(mm->buf_size / mm->desc_size);
  UINTN pages = EFI_SIZE_TO_PAGES(mm->capacity * sizeof(struct amphi_mem_range));
  mm->ranges = (struct amphi_mem_range *)(UINTN)amphi_alloc_pages(pages, "memory map");

  st = memmap_snapshot(mm);
  if (EFI_ERROR(st))
    amphi_fail(L"GetMemoryMap failed (%r)", st);
  st = memmap_convert(mm);
  if (EFI_ERROR(st))
    amphi_fail(L"memory map has more than %d entries", mm->capacity);
}

EFI_STATUS memmap_snapshot(struct amphi_memmap *mm) {
  mm->map_size = mm->buf_size;
  return BS->GetMemoryMap(&mm->map_size, mm->buf, &mm->key, &mm->desc_size, &mm->desc_version);
}

EFI_STATUS memmap_convert(struct amphi_memmap *mm) {
  UINTN n_desc = mm->map_size / mm->desc_size;
  struct amphi_mem_range *r = mm->ranges;
  UINT32 n = 0;

  if (n_desc > mm->capacity)
    return EFI_BUFFER_TOO_SMALL;

  /* Insertion sort: firmware maps are nearly sorted, so this is ~linear. */
  for (UINTN i = 0; i < n_desc; i++) {
    const EFI_MEMORY_DESCRIPTOR *d =
        (const EFI_MEMORY_DESCRIPTOR *)((const UINT8 *)mm->buf + i * mm->desc_size);
    if (d->NumberOfPages == 0)
      continue;
    struct amphi_mem_range e = {d->PhysicalStart, d->NumberOfPages, convert_type(d->Type), 0};
    UINT32 j = n++;
    while (j > 0 && r[j - 1].base > e.base) {
      r[j] = r[j - 1];
      j--;
    }
    r[j] = e;
  }

  /* Merge same-type neighbours; trim overlaps so the kernel never sees any
   * (the earlier range wins: a firmware bug must not widen usable memory). */
  UINT32 out = 0;
  for (UINT32 i = 0; i < n; i++) {
    struct amphi_mem_range e = r[i];
    if (out > 0) {
      struct amphi_mem_range *prev = &r[out - 1];
      UINT64 prev_end = prev->base + prev->pages * AMPHI_PAGE_SIZE;
      UINT64 end = e.base + e.pages * AMPHI_PAGE_SIZE;
      if (e.base < prev_end) {
        if (end <= prev_end)
          continue;
        e.base = prev_end;
        e.pages = (end - prev_end) / AMPHI_PAGE_SIZE;
      }
      if (e.base == prev_end && e.type == prev->type) {
        prev->pages += e.pages;
        continue;
      }
    }
    r[out++] = e;
  }
  mm->count = out;

  mm->max_end = 0;
  for (UINT32 i = 0; i < out; i++) {
    UINT64 end = r[i].base + r[i].pages * AMPHI_PAGE_SIZE;
    if (end > mm->max_end)
      mm->max_end = end;
  }
  return EFI_SUCCESS;
}
