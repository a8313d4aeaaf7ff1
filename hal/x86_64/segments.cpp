// GDT and TSS for the boot CPU (see hal/segments.h). Per-CPU copies come with
// SMP; everything here is written once during early boot.
#include "hal/segments.h"

#include <cstddef>

namespace hal {
namespace {

struct [[gnu::packed]] Tss {
  uint32_t reserved0;
  uint64_t rsp[3];
  uint64_t reserved1;
  uint64_t ist[7];
  uint64_t reserved2;
  uint16_t reserved3;
  uint16_t iomap_base;
};
static_assert(sizeof(Tss) == 104);

struct [[gnu::packed]] DescriptorPointer {
  uint16_t limit;
  uint64_t base;
};

constexpr size_t kPageSize = 4096;
constexpr size_t kIstStackSize = 4 * kPageSize;

// Guard page first, then the stack growing down towards it. Page alignment
// lets the pager unmap exactly the guard.
struct alignas(kPageSize) IstStack {
  uint8_t guard[kPageSize];
  uint8_t stack[kIstStackSize];
};

IstStack g_ist_stacks[3];
uintptr_t g_guard_pages[3];

// The TSS and, right after it, the I/O permission bitmap plus the all-ones
// byte the CPU requires past its end.
struct [[gnu::packed]] TssWithBitmap {
  Tss tss;
  uint8_t io_bitmap[kIoBitmapBytes];
  uint8_t terminator;
};
TssWithBitmap g_tss_block;
Tss& g_tss = g_tss_block.tss;
// Which bitmap the TSS holds: the owner's pointer and generation (grants
// bump it), or null for "all denied".
const uint8_t* g_loaded_bitmap = nullptr;
uint64_t g_loaded_generation = 0;
uint64_t g_gdt[7];

constexpr uint64_t kPresent = 1ull << 47;
constexpr uint64_t kDescriptorType = 1ull << 44;  // code/data (not system)
constexpr uint64_t kExecutable = 1ull << 43;
constexpr uint64_t kWritable = 1ull << 41;
constexpr uint64_t kLongMode = 1ull << 53;
constexpr uint64_t dpl(uint64_t level) { return level << 45; }

}  // namespace

void install_segments() {
  g_gdt[0] = 0;
  g_gdt[1] = kPresent | kDescriptorType | kExecutable | kWritable | kLongMode | dpl(0);
  g_gdt[2] = kPresent | kDescriptorType | kWritable | dpl(0);
  g_gdt[3] = kPresent | kDescriptorType | kWritable | dpl(3);
  g_gdt[4] = kPresent | kDescriptorType | kExecutable | kWritable | kLongMode | dpl(3);

  for (int i = 0; i < 3; ++i) {
    g_tss.ist[i] = reinterpret_cast<uint64_t>(g_ist_stacks[i].stack + kIstStackSize);
    g_guard_pages[i] = reinterpret_cast<uintptr_t>(g_ist_stacks[i].guard);
  }
  g_tss.iomap_base = sizeof(Tss);
  for (auto& byte : g_tss_block.io_bitmap) byte = 0xff;
  g_tss_block.terminator = 0xff;

  auto base = reinterpret_cast<uint64_t>(&g_tss_block);
  uint64_t limit = sizeof(TssWithBitmap) - 1;
  g_gdt[5] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x9ull << 40) | kPresent |
             (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
  g_gdt[6] = base >> 32;

  DescriptorPointer pointer{sizeof(g_gdt) - 1, reinterpret_cast<uint64_t>(g_gdt)};
  asm volatile(
      "lgdt %0\n"
      "pushq %1\n"
      "leaq 1f(%%rip), %%rax\n"
      "pushq %%rax\n"
      "lretq\n"
      "1:\n"
      "movw %w2, %%ds\n"
      "movw %w2, %%es\n"
      "movw %w2, %%ss\n"
      "xorl %%eax, %%eax\n"
      "movw %%ax, %%fs\n"
      "movw %%ax, %%gs\n"
      "ltr %w3\n"
      :
      : "m"(pointer), "i"(kKernelCodeSelector), "r"(static_cast<uint32_t>(kKernelDataSelector)),
        "r"(static_cast<uint32_t>(kTssSelector))
      : "rax", "memory");
}

void set_kernel_stack(uintptr_t top) { g_tss.rsp[0] = top; }

void load_io_bitmap(const uint8_t* bitmap, uint64_t generation) {
  if (bitmap == g_loaded_bitmap && generation == g_loaded_generation) return;
  if (bitmap)
    __builtin_memcpy(g_tss_block.io_bitmap, bitmap, kIoBitmapBytes);
  else
    __builtin_memset(g_tss_block.io_bitmap, 0xff, kIoBitmapBytes);
  g_loaded_bitmap = bitmap;
  g_loaded_generation = generation;
}

GuardPageList ist_guard_pages() { return {g_guard_pages, 3}; }

}  // namespace hal
