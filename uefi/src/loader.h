/*
 * Internal interface of the Amphi UEFI loader. Nothing here is shared with
 * the kernel: the only contract is <amphi/boot_info.h>.
 *
 * Conventions every file follows:
 *  - Before ExitBootServices the firmware identity-maps memory, so a physical
 *    address and a pointer are interchangeable; the loader relies on that.
 *  - Every allocation that must survive into the kernel is made with
 *    AllocatePages(EfiLoaderData): that is exactly what the memory map
 *    reports as AMPHI_MEM_LOADER. Scratch memory uses pool (BootServicesData)
 *    or is freed before the hand-off.
 *  - Errors never return: amphi_fail() prints one line and powers off.
 */
#ifndef AMPHI_LOADER_H
#define AMPHI_LOADER_H

#include <amphi/boot_info.h>
#include <efi.h>
#include <efilib.h>

#define AMPHI_PAGE_SIZE 4096ULL
#define AMPHI_PAGE_ROUND_UP(x) (((x) + AMPHI_PAGE_SIZE - 1) & ~(AMPHI_PAGE_SIZE - 1))
#define AMPHI_PATH_MAX 256
#define AMPHI_MAX_SEGMENTS 16
#define AMPHI_BOOT_STACK_SIZE (64 * 1024ULL)

/* log.c / fail.c */
void amphi_log(const CHAR16 *fmt, ...);
void amphi_warn(const CHAR16 *fmt, ...);
__attribute__((noreturn)) void amphi_fail(const CHAR16 *fmt, ...);
__attribute__((noreturn)) void amphi_fail_late(const char *msg);

/* alloc: LoaderData pages that survive into the kernel; fails on OOM. */
EFI_PHYSICAL_ADDRESS amphi_alloc_pages(UINTN pages, const char *what);

/* cpu.c */
struct amphi_cpu {
  BOOLEAN nx;       /* CPUID 0x80000001 EDX[20] */
  BOOLEAN pages_1g; /* CPUID 0x80000001 EDX[26] */
};
void cpu_probe(struct amphi_cpu *cpu);
void cpu_enable_nx(void);

/* firmware.c */
void firmware_identify(struct amphi_boot_info *bi);

/* file.c */
struct amphi_file {
  EFI_PHYSICAL_ADDRESS phys; /* page-aligned LoaderData block, NUL-padded */
  UINTN pages;
  UINT64 size; /* bytes of file content */
};
void file_init(EFI_HANDLE image);
/* Returns EFI_NOT_FOUND for a missing file; any other problem is fatal. */
EFI_STATUS file_read(const char *what, const char *path, struct amphi_file *out);
void file_free(struct amphi_file *f);

/* config.c */
struct amphi_config {
  char kernel[AMPHI_PATH_MAX];
  char ramdisk[AMPHI_PATH_MAX]; /* empty: none */
  char cmdline[AMPHI_CMDLINE_MAX];
};
void config_load(struct amphi_config *cfg);

/* elf.c */
struct amphi_segment {
  UINT64 vaddr; /* page aligned */
  UINT64 size;  /* page multiple */
  BOOLEAN write, exec;
};
struct amphi_kernel {
  UINT64 phys; /* block holding [virt_base, virt_base + size) */
  UINT64 virt_base;
  UINT64 size;
  UINT64 entry;
  UINT32 nsegs;
  struct amphi_segment segs[AMPHI_MAX_SEGMENTS];
};
void elf_load(const char *path, const struct amphi_file *file, struct amphi_kernel *k);

/* memmap.c */
struct amphi_memmap {
  EFI_MEMORY_DESCRIPTOR *buf;
  UINTN buf_size, map_size, key, desc_size;
  UINT32 desc_version;
  struct amphi_mem_range *ranges; /* LoaderData: handed to the kernel */
  UINT32 capacity, count;
  UINT64 max_end;
};
void memmap_prepare(struct amphi_memmap *mm);
EFI_STATUS memmap_snapshot(struct amphi_memmap *mm);
EFI_STATUS memmap_convert(struct amphi_memmap *mm);

/* paging.c */
UINT64 paging_build(const struct amphi_cpu *cpu, const struct amphi_kernel *k, UINT64 hhdm_end,
                    UINT64 stack_phys, UINT64 tramp_start, UINT64 tramp_end);

/* gop.c, acpi.c */
void gop_query(struct amphi_framebuffer *fb);
UINT64 acpi_find_rsdp(void);

/* handoff.c */
#define AMPHI_BOOT_STACK_TOP_VIRT                                                                  \
  (AMPHI_BOOT_STACK_GUARD_VIRT + AMPHI_PAGE_SIZE + AMPHI_BOOT_STACK_SIZE)
__attribute__((noreturn)) void handoff(EFI_HANDLE image, const struct amphi_cpu *cpu,
                                       struct amphi_boot_info *bi, struct amphi_memmap *mm,
                                       UINT64 cr3, UINT64 entry, UINT64 hhdm_end);

/* trampoline.S: runs in place inside the loader image, identity-mapped. */
__attribute__((noreturn)) void amphi_trampoline(UINT64 cr3, UINT64 rsp, UINT64 entry, UINT64 arg);
extern const char amphi_trampoline_end[];

#endif
