/*
 * Builds the 4-level page tables the kernel starts on. What is mapped, and
 * nothing else (the lower half is empty apart from the trampoline):
 *  - HHDM: physical [0, hhdm_end) at AMPHI_HHDM_BASE, RW + NX, with 1 GiB
 *    pages when the CPU has them, 2 MiB otherwise (hhdm_end is 1 GiB aligned);
 *  - each kernel segment at its link address, 4 KiB pages, RO/RW/RX per its
 *    ELF flags, NX on everything not executable;
 *  - the boot stack above an unmapped guard page at
 *    AMPHI_BOOT_STACK_GUARD_VIRT, RW + NX;
 *  - the trampoline's page(s) identity-mapped read-only executable, so the
 *    instruction after "mov cr3" is still fetchable.
 * Every table page is LoaderData (AMPHI_MEM_LOADER). A mapping request that
 * lands on an existing one is a loader bug and fails loudly.
 * NX bits are set only when the CPU supports NX (the hand-off sets EFER.NXE).
 */
#include "loader.h"

#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_PS (1ull << 7)
#define PTE_NX (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

#define SIZE_4K (1ull << 12)
#define SIZE_2M (1ull << 21)
#define SIZE_1G (1ull << 30)

static UINT64 *pml4;
static UINT64 nx_bit;

static UINT64 *new_table(void) {
  UINT64 *t = (UINT64 *)(UINTN)amphi_alloc_pages(1, "page tables");
  ZeroMem(t, AMPHI_PAGE_SIZE);
  return t;
}

static void map(UINT64 va, UINT64 pa, UINT64 page_size, UINT64 flags) {
  UINT64 *table = pml4;
  for (UINT32 shift = 39;; shift -= 9) {
    UINT64 *e = &table[(va >> shift) & 511];
    if ((1ull << shift) == page_size) {
      if (*e & PTE_P)
        amphi_fail(L"internal: page table conflict at 0x%lx", va);
      *e = pa | flags | PTE_P | (page_size == SIZE_4K ? 0 : PTE_PS);
      return;
    }
    if (!(*e & PTE_P))
      *e = (UINT64)(UINTN)new_table() | PTE_P | PTE_W;
    else if (*e & PTE_PS)
      amphi_fail(L"internal: page table conflict at 0x%lx", va);
    table = (UINT64 *)(UINTN)(*e & PTE_ADDR);
  }
}

static void map_range(UINT64 va, UINT64 pa, UINT64 size, UINT64 page, UINT64 flags) {
  for (UINT64 off = 0; off < size; off += page)
    map(va + off, pa + off, page, flags);
}

UINT64 paging_build(const struct amphi_cpu *cpu, const struct amphi_kernel *k, UINT64 hhdm_end,
                    UINT64 stack_phys, UINT64 tramp_start, UINT64 tramp_end) {
  nx_bit = cpu->nx ? PTE_NX : 0;
  pml4 = new_table();

  map_range(AMPHI_HHDM_BASE, 0, hhdm_end, cpu->pages_1g ? SIZE_1G : SIZE_2M, PTE_W | nx_bit);

  for (UINT32 i = 0; i < k->nsegs; i++) {
    const struct amphi_segment *s = &k->segs[i];
    UINT64 flags = (s->write ? PTE_W : 0) | (s->exec ? 0 : nx_bit);
    map_range(s->vaddr, k->phys + (s->vaddr - k->virt_base), s->size, SIZE_4K, flags);
  }

  map_range(AMPHI_BOOT_STACK_GUARD_VIRT + AMPHI_PAGE_SIZE, stack_phys, AMPHI_BOOT_STACK_SIZE,
            SIZE_4K, PTE_W | nx_bit);

  UINT64 t0 = tramp_start & ~(AMPHI_PAGE_SIZE - 1);
  UINT64 t1 = AMPHI_PAGE_ROUND_UP(tramp_end);
  map_range(t0, t0, t1 - t0, SIZE_4K, 0);

  return (UINT64)(UINTN)pml4;
}
