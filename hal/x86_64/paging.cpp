// Kernel page tables (see hal/paging.h for the layout and the contract).
//
// Invariants:
//  - Page-table pages are reached through the direct map, which both the
//    loader's tables and ours provide at the same base, so building the new
//    tables while the old ones are live needs no temporary mappings.
//  - Every mapping is created exactly once during boot; the MMIO window is
//    only ever appended to (g_mmio_next), under the boot CPU's control.
#include "hal/paging.h"

#include "hal/cpu.h"
#include "hal/cpu_identity.h"
#include "hal/memory_layout.h"
#include "page_table_entry.h"

extern "C" char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern "C" char __data_start[], __data_end[], __ksyms_start[], __kernel_end[];

namespace hal::paging {
namespace {

using namespace x86::pte;

struct Builder {
  const FrameSource* frames;
  uint64_t root;  // physical
  uint32_t table_pages;
  bool nx;
  bool global;
};

uint64_t g_kernel_root = 0;
uint64_t g_mmio_next = kMmioWindowBase;
FrameSource g_frames{};
bool g_nx = false;

rtl::Result<uint64_t> new_table(Builder& b) {
  uint64_t page = b.frames->allocate(b.frames->context);
  if (!page) return rtl::Error(rtl::Errc::no_memory, "out of memory for page tables");
  uint64_t* entries = table_at(page);
  for (int i = 0; i < 512; ++i) entries[i] = 0;
  ++b.table_pages;
  return page;
}

// Returns the table one level below `table[index]`, creating it if needed.
rtl::Result<uint64_t> descend(Builder& b, uint64_t table, unsigned index) {
  uint64_t& entry = table_at(table)[index];
  if (entry & kPresent) {
    if (entry & kHuge) return rtl::Error(rtl::Errc::already_exists, "range already mapped huge");
    return entry & kAddressMask;
  }
  uint64_t next = TRY(new_table(b));
  // Intermediate entries are permissive; the leaf decides.
  entry = next | kPresent | kWritable;
  return next;
}

rtl::Result<void> map_page(Builder& b, uintptr_t virt, uint64_t phys, uint64_t flags, bool huge) {
  uint64_t table = b.root;
  int leaf_level = huge ? 1 : 0;
  for (int level = 3; level > leaf_level; --level) table = TRY(descend(b, table, index_at(virt, level)));
  uint64_t& entry = table_at(table)[index_at(virt, leaf_level)];
  if (entry & kPresent) return rtl::Error(rtl::Errc::already_exists, "page mapped twice");
  if (!b.nx) flags &= ~kNoExecute;
  if (!b.global) flags &= ~kGlobal;
  entry = phys | flags | kPresent | (huge ? kHuge : 0);
  return {};
}

bool is_guard(uintptr_t page, const uintptr_t* guards, size_t count) {
  for (size_t i = 0; i < count; ++i)
    if (guards[i] == page) return true;
  return false;
}

rtl::Result<void> map_image_range(Builder& b, const amphi_boot_info& boot, const char* start,
                                  const char* end, uint64_t flags, const uintptr_t* guards,
                                  size_t guard_count, uint32_t& guards_skipped) {
  auto from = reinterpret_cast<uintptr_t>(start) & ~(kPageSize - 1);
  auto to = (reinterpret_cast<uintptr_t>(end) + kPageSize - 1) & ~(kPageSize - 1);
  for (uintptr_t virt = from; virt < to; virt += kPageSize) {
    if (is_guard(virt, guards, guard_count)) {
      ++guards_skipped;
      continue;
    }
    uint64_t phys = boot.kernel_physical_base + (virt - boot.kernel_virtual_base);
    TRY(map_page(b, virt, phys, flags, false));
  }
  return {};
}

bool direct_mapped_type(uint32_t type) {
  return type != AMPHI_MEM_MMIO && type != AMPHI_MEM_RESERVED;
}

rtl::Result<uint64_t> map_direct(Builder& b, const amphi_boot_info& boot) {
  auto* ranges = phys_to_ptr<const amphi_mem_range>(boot.memory_map);
  uint64_t mapped = 0;
  for (uint32_t i = 0; i < boot.memory_map_count; ++i) {
    const amphi_mem_range& r = ranges[i];
    if (!direct_mapped_type(r.type)) continue;
    uint64_t phys = r.base, end = r.base + r.pages * kPageSize;
    while (phys < end) {
      // A 2 MiB page only when it fits entirely inside this range and the
      // neighbouring 4 KiB pages of a previous range have not claimed it.
      bool huge = (phys % kHugePageSize) == 0 && phys + kHugePageSize <= end;
      uint64_t size = huge ? kHugePageSize : kPageSize;
      auto result = map_page(b, phys_to_virt(phys), phys, kWritable | kNoExecute | kGlobal, huge);
      if (result.is_error() && result.error().code() != rtl::Errc::already_exists) return result.error();
      phys += size;
      mapped += size;
    }
  }
  return mapped;
}

}  // namespace

rtl::Result<AddressSpaceReport> build_kernel_address_space(const amphi_boot_info& boot,
                                                           const FrameSource& frames,
                                                           const uintptr_t* guard_pages,
                                                           size_t guard_count) {
  g_frames = frames;
  const CpuInfo& cpu = cpu_info();
  Builder b{&g_frames, 0, 0, cpu.has(Feature::nx), cpu.has(Feature::pge)};
  b.root = TRY(new_table(b));

  AddressSpaceReport report{};
  report.direct_mapped_bytes = TRY(map_direct(b, boot));
  uint32_t guards = 0;
  TRY(map_image_range(b, boot, __text_start, __text_end, kGlobal, guard_pages, guard_count, guards));
  TRY(map_image_range(b, boot, __rodata_start, __rodata_end, kGlobal | kNoExecute, guard_pages,
                      guard_count, guards));
  TRY(map_image_range(b, boot, __data_start, __data_end, kGlobal | kWritable | kNoExecute,
                      guard_pages, guard_count, guards));
  TRY(map_image_range(b, boot, __ksyms_start, __kernel_end, kGlobal | kNoExecute, guard_pages,
                      guard_count, guards));
  // Pre-create the top-level entries of the kernel half so that every
  // address space cloned from this one later shares them.
  for (unsigned i = 256; i < 512; ++i) TRY(descend(b, b.root, i));

  g_kernel_root = b.root;
  g_nx = b.nx;
  x86::write_cr3(b.root);
  report.page_table_pages = b.table_pages;
  report.guard_pages = guards;
  return report;
}

ProtectionFeatures enable_protection() {
  const CpuInfo& cpu = cpu_info();
  ProtectionFeatures on{};
  on.nx = g_nx;
  x86::write_cr0(x86::read_cr0() | x86::kCr0WriteProtect);
  uint64_t cr4 = x86::read_cr4();
  if (cpu.has(Feature::pge)) {
    cr4 |= x86::kCr4Pge;
    on.global_pages = true;
  }
  if (cpu.has(Feature::smep)) {
    cr4 |= x86::kCr4Smep;
    on.smep = true;
  }
  if (cpu.has(Feature::smap)) {
    cr4 |= x86::kCr4Smap;
    on.smap = true;
  }
  if (cpu.has(Feature::umip)) {
    cr4 |= x86::kCr4Umip;
    on.umip = true;
  }
  x86::write_cr4(cr4);
  return on;
}

rtl::Result<uintptr_t> map_device_memory(uint64_t physical, size_t size) {
  if (!g_kernel_root) return rtl::Error(rtl::Errc::not_supported, "kernel page tables not built");
  uint64_t offset = physical & (kPageSize - 1);
  uint64_t first = physical - offset;
  uint64_t length = (offset + size + kPageSize - 1) & ~(kPageSize - 1);
  if (length == 0 || g_mmio_next + length > kMmioWindowBase + kMmioWindowSize)
    return rtl::Error(rtl::Errc::no_memory, "MMIO window exhausted");
  Builder b{&g_frames, g_kernel_root, 0, g_nx, false};
  // Large windows (PCI ECAM: 1 MiB per bus) use 2 MiB pages when the
  // physical range allows, to keep the page tables small.
  bool huge = (first % kHugePageSize) == 0 && (length % kHugePageSize) == 0;
  uint64_t step = huge ? kHugePageSize : kPageSize;
  if (huge) g_mmio_next = (g_mmio_next + kHugePageSize - 1) & ~(kHugePageSize - 1);
  if (g_mmio_next + length > kMmioWindowBase + kMmioWindowSize)
    return rtl::Error(rtl::Errc::no_memory, "MMIO window exhausted");
  uintptr_t base = g_mmio_next;
  for (uint64_t done = 0; done < length; done += step)
    TRY(map_page(b, base + done, first + done, kWritable | kNoExecute | kCacheDisable | kWriteThrough,
                 huge));
  g_mmio_next += length + kPageSize;  // an unmapped page between mappings catches overruns
  return base + offset;
}

rtl::Result<void> map_kernel_page(uintptr_t virt, uint64_t physical) {
  Builder b{&g_frames, g_kernel_root, 0, g_nx, false};
  return map_page(b, virt, physical, kWritable | kNoExecute, false);
}

rtl::Result<void> map_kernel_page(uintptr_t virt, uint64_t physical, KernelPageAccess access) {
  Builder b{&g_frames, g_kernel_root, 0, g_nx, false};
  uint64_t flags = access == KernelPageAccess::read_write   ? kWritable | kNoExecute
                   : access == KernelPageAccess::read       ? kNoExecute
                                                            : 0;
  return map_page(b, virt, physical, flags, false);
}

rtl::Result<uint64_t> unmap_kernel_page(uintptr_t virt) {
  uint64_t table = g_kernel_root;
  for (int level = 3; level > 0; --level) {
    uint64_t entry = table_at(table)[index_at(virt, level)];
    if (!(entry & kPresent) || (entry & kHuge)) return rtl::Error(rtl::Errc::not_found, "not mapped");
    table = entry & kAddressMask;
  }
  uint64_t& leaf = table_at(table)[index_at(virt, 0)];
  if (!(leaf & kPresent)) return rtl::Error(rtl::Errc::not_found, "not mapped");
  uint64_t physical = leaf & kAddressMask;
  leaf = 0;
  x86::invlpg(virt);
  return physical;
}

uint64_t kernel_root() { return g_kernel_root; }
const FrameSource& frame_source() { return g_frames; }

rtl::Result<uint64_t> translate(uintptr_t virt) {
  uint64_t table = x86::read_cr3() & kAddressMask;
  for (int level = 3; level >= 0; --level) {
    uint64_t entry = table_at(table)[index_at(virt, level)];
    if (!(entry & kPresent)) return rtl::Error(rtl::Errc::not_found, "unmapped");
    if (level == 0 || (entry & kHuge)) {
      uint64_t page_size = 1ull << (12 + 9 * level);
      return (entry & kAddressMask & ~(page_size - 1)) | (virt & (page_size - 1));
    }
    table = entry & kAddressMask;
  }
  return rtl::Error(rtl::Errc::not_found, "unmapped");
}

}  // namespace hal::paging
