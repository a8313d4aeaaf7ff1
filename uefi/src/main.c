/*
 * efi_main: the loader's orchestration, in the order the invariants demand.
 *  1. RDTSC before anything else: the record's boot-time zero.
 *  2. Read config, kernel and ramdisk; validate before committing to boot.
 *  3. Allocate everything the kernel receives (record, stack, range array,
 *     page tables) as LoaderData *before* the final memory map is taken.
 *  4. handoff(): final map, ExitBootServices, CR3/stack switch, jump.
 * Any failure before step 4 goes through amphi_fail (message + power-off).
 *
 * efi_main uses the SysV ABI: GNU-EFI's crt0 converts from the MS ABI and
 * applies the image's relocations before calling it.
 */
#include "loader.h"

#define GIB (1ull << 30)
#define HHDM_MAX (64ull << 40) /* stays clear of the kernel's PML4 slot */

static UINT64 rdtsc(void) {
  UINT32 lo, hi;
  __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return ((UINT64)hi << 32) | lo;
}

static void load_ramdisk(const struct amphi_config *cfg, struct amphi_boot_info *bi) {
  struct amphi_file rd;
  if (!cfg->ramdisk[0])
    return;
  if (file_read("ramdisk", cfg->ramdisk, &rd) == EFI_NOT_FOUND)
    amphi_fail(L"ramdisk %a: not found", cfg->ramdisk);
  bi->ramdisk_base = rd.phys;
  bi->ramdisk_size = rd.size;
  amphi_log(L"ramdisk %a: %ld bytes at 0x%lx", cfg->ramdisk, rd.size, rd.phys);
}

static void load_kernel(const struct amphi_config *cfg, struct amphi_kernel *k,
                        struct amphi_boot_info *bi) {
  struct amphi_file f;
  if (file_read("kernel", cfg->kernel, &f) == EFI_NOT_FOUND)
    amphi_fail(L"kernel %a: not found", cfg->kernel);
  elf_load(cfg->kernel, &f, k);
  amphi_log(L"kernel %a: %ld bytes, entry 0x%lx, image 0x%lx+0x%lx at phys 0x%lx", cfg->kernel,
            f.size, k->entry, k->virt_base, k->size, k->phys);
  file_free(&f);
  bi->kernel_physical_base = k->phys;
  bi->kernel_physical_size = k->size;
  bi->kernel_virtual_base = k->virt_base;
}

/* The direct map must reach all RAM, the framebuffer and the chipset MMIO
 * below 4 GiB (LAPIC, IOAPIC, HPET, PCIe ECAM), none of which need be in the
 * memory map; see boot_info.h's hhdm_base comment. */
static UINT64 hhdm_extent(UINT64 map_end, const struct amphi_framebuffer *fb) {
  UINT64 end = 4 * GIB;
  if (map_end > end)
    end = map_end;
  if (fb->format != AMPHI_PIXEL_NONE && fb->base + fb->size > end)
    end = fb->base + fb->size;
  end = (end + GIB - 1) & ~(GIB - 1);
  if (end > HHDM_MAX)
    amphi_fail(L"physical address space ends at 0x%lx; the direct map supports 0x%lx", end,
               HHDM_MAX);
  return end;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab) {
  UINT64 entry_tsc = rdtsc();
  struct amphi_config cfg;
  struct amphi_kernel kernel;
  struct amphi_memmap mm;
  struct amphi_cpu cpu;

  InitializeLib(image, systab);
  BS->SetWatchdogTimer(0, 0, 0, NULL); /* a slow disk must not reset us */

  struct amphi_boot_info *bi = (struct amphi_boot_info *)(UINTN)amphi_alloc_pages(
      EFI_SIZE_TO_PAGES(sizeof *bi), "boot record");
  ZeroMem(bi, sizeof *bi);
  bi->magic = AMPHI_BOOT_MAGIC;
  bi->version = AMPHI_BOOT_VERSION;
  bi->size = sizeof *bi;
  bi->loader_entry_tsc = entry_tsc;
  bi->hhdm_base = AMPHI_HHDM_BASE;

  firmware_identify(bi);
  cpu_probe(&cpu);
  file_init(image);

  config_load(&cfg);
  CopyMem(bi->cmdline, cfg.cmdline, sizeof bi->cmdline);
  amphi_log(L"cmdline: \"%a\"", bi->cmdline);

  load_kernel(&cfg, &kernel, bi);
  load_ramdisk(&cfg, bi);
  gop_query(&bi->framebuffer);
  bi->acpi_rsdp = acpi_find_rsdp();

  bi->boot_stack_size = AMPHI_BOOT_STACK_SIZE;
  bi->boot_stack_base = amphi_alloc_pages(AMPHI_BOOT_STACK_SIZE / AMPHI_PAGE_SIZE, "boot stack");

  memmap_prepare(&mm);
  UINT64 hhdm_end = hhdm_extent(mm.max_end, &bi->framebuffer);
  UINT64 cr3 = paging_build(&cpu, &kernel, hhdm_end, bi->boot_stack_base,
                            (UINT64)(UINTN)amphi_trampoline, (UINT64)(UINTN)amphi_trampoline_end);
  amphi_log(L"direct map [0, 0x%lx) with %a pages, NX %a; stack top 0x%lx", hhdm_end,
            cpu.pages_1g ? "1 GiB" : "2 MiB", cpu.nx ? "on" : "off", AMPHI_BOOT_STACK_TOP_VIRT);

  handoff(image, &cpu, bi, &mm, cr3, kernel.entry, hhdm_end);
}
