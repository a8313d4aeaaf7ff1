/*
 * Leaves the firmware and enters the kernel.
 *
 * Order matters: everything the kernel receives is allocated before this
 * runs, so the memory map taken here is final and describes the record, the
 * range array, the page tables and the stack as AMPHI_MEM_LOADER. The map key
 * goes stale whenever the firmware allocates behind our back (timers,
 * drivers); ExitBootServices then fails with EFI_INVALID_PARAMETER and the
 * spec allows only GetMemoryMap + ExitBootServices again, so the retry loop
 * allocates nothing and prints nothing, and gives up after MAX_ATTEMPTS
 * through the late (COM1 + ResetSystem) error path.
 *
 * Stack choice: the 64 KiB boot stack is physically anywhere (LoaderData)
 * and virtually at [AMPHI_BOOT_STACK_GUARD_VIRT + 4 KiB, +64 KiB) with the
 * page at AMPHI_BOOT_STACK_GUARD_VIRT (0xfffffffe00000000) unmapped as a
 * guard; the HHDM alias of the same memory has no guard, so the kernel must
 * keep using the dedicated virtual range. Initial RSP =
 * AMPHI_BOOT_STACK_TOP_VIRT = 0xfffffffe00011000 (16-byte aligned; the
 * trampoline's call leaves RSP % 16 == 8 at the entry, as SysV expects).
 */
#include "loader.h"

#define MAX_ATTEMPTS 4

void handoff(EFI_HANDLE image, const struct amphi_cpu *cpu, struct amphi_boot_info *bi,
             struct amphi_memmap *mm, UINT64 cr3, UINT64 entry, UINT64 hhdm_end) {
  EFI_STATUS st = EFI_SUCCESS;
  UINTN attempt;

  amphi_log(L"exiting boot services; entering kernel at 0x%lx", entry);
  for (attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    st = memmap_snapshot(mm);
    if (EFI_ERROR(st)) {
      if (attempt == 0)
        amphi_fail(L"GetMemoryMap failed (%r)", st);
      amphi_fail_late("GetMemoryMap failed during ExitBootServices retry");
    }
    if (EFI_ERROR(memmap_convert(mm))) {
      if (attempt == 0)
        amphi_fail(L"memory map has more than %d entries", mm->capacity);
      amphi_fail_late("memory map grew past its preallocated capacity");
    }
    st = BS->ExitBootServices(image, mm->key);
    if (st == EFI_SUCCESS)
      break;
    if (st != EFI_INVALID_PARAMETER && attempt == 0)
      amphi_fail(L"ExitBootServices failed (%r)", st);
  }
  if (st != EFI_SUCCESS)
    amphi_fail_late("ExitBootServices kept failing (stale memory map key)");

  /* Boot services are gone: from here on only memory writes and the CPU. */
  bi->memory_map = (UINT64)(UINTN)mm->ranges;
  bi->memory_map_count = mm->count;
  bi->max_physical_address = mm->max_end;
  if (mm->max_end > hhdm_end)
    amphi_fail_late("memory map grew past the direct map built for it");

  __asm__ volatile("cli");
  if (cpu->nx)
    cpu_enable_nx();
  amphi_trampoline(cr3, AMPHI_BOOT_STACK_TOP_VIRT, entry, AMPHI_HHDM_BASE + (UINT64)(UINTN)bi);
}
