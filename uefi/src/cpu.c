/*
 * CPU facts the page tables depend on. Everything is probed, nothing assumed:
 * NX bits are only legal once EFER.NXE is set, and NXE only exists when CPUID
 * says so; 1 GiB pages fault as reserved-bit violations on CPUs without them.
 * The loader builds 4-level tables, so firmware running with LA57 enabled is
 * refused up front rather than crashing on the CR3 switch.
 */
#include "loader.h"

#define EFER_MSR 0xc0000080u
#define EFER_NXE (1ull << 11)
#define CR4_LA57 (1ull << 12)

static void cpuid(UINT32 leaf, UINT32 *a, UINT32 *b, UINT32 *c, UINT32 *d) {
  __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

void cpu_probe(struct amphi_cpu *cpu) {
  UINT32 a, b, c, d;
  UINT64 cr4;

  cpu->nx = FALSE;
  cpu->pages_1g = FALSE;
  cpuid(0x80000000u, &a, &b, &c, &d);
  if (a >= 0x80000001u) {
    cpuid(0x80000001u, &a, &b, &c, &d);
    cpu->nx = (d >> 20) & 1;
    cpu->pages_1g = (d >> 26) & 1;
  }

  __asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
  if (cr4 & CR4_LA57)
    amphi_fail(
        L"firmware runs with 5-level paging (CR4.LA57); the loader only builds 4-level tables");
  if (!cpu->nx)
    amphi_warn(L"CPU has no NX; kernel data and the direct map will be executable");
}

void cpu_enable_nx(void) {
  UINT32 lo, hi;
  __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(EFER_MSR));
  UINT64 efer = ((UINT64)hi << 32) | lo;
  efer |= EFER_NXE;
  __asm__ volatile("wrmsr" : : "c"(EFER_MSR), "a"((UINT32)efer), "d"((UINT32)(efer >> 32)));
}
