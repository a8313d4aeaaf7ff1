/*
 * The versioned boot-information record: the one contract between the UEFI
 * loader (uefi/) and the kernel. It is plain C so the loader, written against
 * GNU-EFI's C headers, and the C++ kernel read the same bytes.
 *
 * Invariants the loader guarantees when it jumps to the kernel entry point:
 *  - Boot services have been exited; interrupts are off; CR3 holds the
 *    loader's page tables, which map
 *      * all physical memory below `max_physical_address` at `hhdm_base`
 *        (read/write, no-execute), using 1 GiB pages when the CPU has them
 *        (CPUID 0x80000001 EDX[26]), 2 MiB pages otherwise;
 *      * every PT_LOAD segment of the kernel ELF at its link address, with
 *        the segment's permissions (W^X: no segment is both W and X);
 *      * the loader's own trampoline page identity-mapped (the kernel drops
 *        the whole lower half when it installs its own tables; the page is
 *        part of the loader image, typed AMPHI_MEM_USABLE, and the kernel
 *        must not return into it).
 *  - The kernel is entered as if called: RSP is 8 below the top of a
 *    `boot_stack_size` stack (RSP % 16 == 8) whose bottom page is left
 *    unmapped (guard).
 *  - GDTR and IDTR still point at the firmware's tables in (now unmapped)
 *    lower-half memory and CS/SS hold the firmware's selectors: the kernel
 *    must load its own GDT and IDT before any segment load or exception.
 *  - RDI holds the HHDM virtual address of this record. Every pointer-like
 *    field below is a *physical* address unless its name ends in `_virt`.
 *  - All memory the record, the memory map, the command line and the ramdisk
 *    occupy is typed AMPHI_MEM_LOADER in the map, so the kernel can reclaim
 *    it once it has copied what it needs.
 *
 * Versioning: `version` is bumped on any incompatible change; fields are only
 * ever appended, and `size` tells the kernel how many bytes are valid, so a
 * kernel may accept an older minor layout.
 */
#ifndef AMPHI_BOOT_INFO_H
#define AMPHI_BOOT_INFO_H

#include <stdint.h>

#define AMPHI_BOOT_MAGIC 0x4948504d41544f42ULL /* "BOTAMPHI" little-endian */
#define AMPHI_BOOT_VERSION 1u

/* Where the loader maps all of physical memory (the higher-half direct map). */
#define AMPHI_HHDM_BASE 0xffff800000000000ULL
/* The kernel image's link base (-mcmodel=kernel: top 2 GiB). */
#define AMPHI_KERNEL_BASE 0xffffffff80000000ULL
/* The boot stack's unmapped guard page; the stack's `boot_stack_size` bytes
 * are mapped immediately above it, so the initial RSP is
 * AMPHI_BOOT_STACK_GUARD_VIRT + 4096 + boot_stack_size. */
#define AMPHI_BOOT_STACK_GUARD_VIRT 0xfffffffe00000000ULL

enum amphi_mem_type {
  AMPHI_MEM_USABLE = 1,          /* free RAM, including former boot services */
  AMPHI_MEM_LOADER = 2,          /* kernel image, boot record, ramdisk, page tables */
  AMPHI_MEM_ACPI_RECLAIM = 3,    /* ACPI tables: free after they are parsed */
  AMPHI_MEM_ACPI_NVS = 4,        /* firmware-owned, never touch */
  AMPHI_MEM_RUNTIME = 5,         /* UEFI runtime services code/data */
  AMPHI_MEM_MMIO = 6,            /* memory-mapped I/O ranges the firmware named */
  AMPHI_MEM_RESERVED = 7,        /* anything else, including bad memory */
  AMPHI_MEM_PERSISTENT = 8,      /* NVDIMM-style persistent memory */
};

struct amphi_mem_range {
  uint64_t base;  /* physical, page aligned */
  uint64_t pages; /* 4 KiB pages */
  uint32_t type;  /* enum amphi_mem_type */
  uint32_t reserved;
};

enum amphi_pixel_format {
  AMPHI_PIXEL_NONE = 0, /* no framebuffer (firmware without GOP) */
  AMPHI_PIXEL_RGBX = 1, /* byte order R,G,B,X */
  AMPHI_PIXEL_BGRX = 2, /* byte order B,G,R,X (QEMU's default) */
};

struct amphi_framebuffer {
  uint64_t base; /* physical */
  uint64_t size; /* bytes */
  uint32_t width;
  uint32_t height;
  uint32_t pixels_per_scanline;
  uint32_t format; /* enum amphi_pixel_format */
};

#define AMPHI_CMDLINE_MAX 1024
#define AMPHI_FIRMWARE_VENDOR_MAX 64

struct amphi_boot_info {
  uint64_t magic;   /* AMPHI_BOOT_MAGIC */
  uint32_t version; /* AMPHI_BOOT_VERSION */
  uint32_t size;    /* sizeof(struct amphi_boot_info) as the loader built it */

  uint64_t loader_entry_tsc; /* RDTSC at the loader's first instruction: boot time zero */

  char firmware_vendor[AMPHI_FIRMWARE_VENDOR_MAX]; /* UTF-8, NUL-terminated */
  uint32_t firmware_revision;
  uint32_t uefi_revision; /* EFI_SYSTEM_TABLE.Hdr.Revision */

  uint64_t memory_map;       /* physical address of amphi_mem_range[] */
  uint32_t memory_map_count; /* entries, sorted by base, not overlapping */
  uint32_t reserved0;
  uint64_t max_physical_address; /* end of the highest range of any type */
  /* AMPHI_HHDM_BASE. The HHDM covers [0, E) with E = max(4 GiB,
   * max_physical_address, framebuffer end) rounded up to 1 GiB, so the
   * framebuffer and the low MMIO (LAPIC, IOAPIC, HPET, ECAM) are reachable
   * through it too. */
  uint64_t hhdm_base;

  uint64_t kernel_physical_base; /* lowest physical page of the kernel image */
  uint64_t kernel_physical_size; /* bytes, page multiple */
  uint64_t kernel_virtual_base;  /* link address that maps to kernel_physical_base */

  /* Physical base of the boot stack (guard page excluded). Virtually it sits
   * at [AMPHI_BOOT_STACK_GUARD_VIRT + 4096, + boot_stack_size) with the page
   * at AMPHI_BOOT_STACK_GUARD_VIRT left unmapped; the loader uses 64 KiB. */
  uint64_t boot_stack_base;
  uint64_t boot_stack_size;

  /* Physical address of the ACPI RSDP, 0 if none: the 2.0+ one when the
   * firmware publishes it, else the 1.0 one (check its revision byte). */
  uint64_t acpi_rsdp;
  uint64_t efi_system_table; /* physical, for runtime services later; may be 0 */

  struct amphi_framebuffer framebuffer;

  uint64_t ramdisk_base; /* physical, 0 when the configuration names none */
  uint64_t ramdisk_size; /* bytes */

  char cmdline[AMPHI_CMDLINE_MAX]; /* NUL-terminated kernel command line */
};

#endif /* AMPHI_BOOT_INFO_H */
