/*
 * Validates and loads the kernel ELF. The file is untrusted input: every
 * offset and size is bounds-checked against the file before it is used, with
 * overflow-safe arithmetic, and the loader refuses anything it could not map
 * faithfully:
 *  - ELF64, little-endian, EM_X86_64, ET_EXEC, no PT_INTERP (static only);
 *  - PT_LOAD segments at or above AMPHI_KERNEL_BASE, filesz <= memsz, file
 *    bytes inside the file, never W+X, and page-disjoint from each other
 *    (each page gets exactly one permission set), in ascending order;
 *  - the entry point inside an executable segment;
 *  - the whole image span at most KERNEL_MAX_SPAN.
 * The image is placed in one contiguous physically allocated block so that
 * kernel_physical_base + (va - kernel_virtual_base) holds for every segment;
 * gaps between segments are zero-filled and not mapped.
 */
#include "loader.h"

#define KERNEL_MAX_SPAN (256ull << 20)
#define PT_LOAD 1
#define PT_INTERP 3
#define PF_X 1
#define PF_W 2

typedef struct {
  UINT8 ident[16];
  UINT16 type, machine;
  UINT32 version;
  UINT64 entry, phoff, shoff;
  UINT32 flags;
  UINT16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
} elf64_ehdr;

typedef struct {
  UINT32 type, flags;
  UINT64 offset, vaddr, paddr, filesz, memsz, align;
} elf64_phdr;

/* a + b <= limit without wrapping */
static BOOLEAN fits(UINT64 a, UINT64 b, UINT64 limit) { return a <= limit && b <= limit - a; }

#define BAD(...) amphi_fail(L"kernel %a: " __VA_ARGS__)

static const elf64_ehdr *check_header(const char *path, const struct amphi_file *f) {
  const UINT8 *p = (const UINT8 *)(UINTN)f->phys;
  if (f->size < 4 || p[0] != 0x7f || p[1] != 'E' || p[2] != 'L' || p[3] != 'F')
    BAD(L"not an ELF64 x86-64 executable (bad magic)", path);
  if (f->size < sizeof(elf64_ehdr))
    BAD(L"truncated: %ld bytes, smaller than an ELF64 header", path, f->size);
  const elf64_ehdr *eh = (const elf64_ehdr *)p;
  if (eh->ident[4] != 2)
    BAD(L"not an ELF64 x86-64 executable (not 64-bit)", path);
  if (eh->ident[5] != 1)
    BAD(L"not an ELF64 x86-64 executable (not little-endian)", path);
  if (eh->ident[6] != 1 || eh->version != 1)
    BAD(L"not an ELF64 x86-64 executable (bad ELF version)", path);
  if (eh->machine != 62)
    BAD(L"not an ELF64 x86-64 executable (machine %d)", path, eh->machine);
  if (eh->type != 2)
    BAD(L"not an ELF64 x86-64 executable (type %d, want ET_EXEC)", path, eh->type);
  if (eh->phentsize != sizeof(elf64_phdr))
    BAD(L"bad program header size %d", path, eh->phentsize);
  if (eh->phnum == 0)
    BAD(L"no program headers", path);
  if (!fits(eh->phoff, (UINT64)eh->phnum * sizeof(elf64_phdr), f->size))
    BAD(L"truncated: program headers extend past end of file (%ld bytes)", path, f->size);
  return eh;
}

static void check_segment(const char *path, const struct amphi_file *f, const elf64_phdr *ph,
                          UINTN idx, const struct amphi_kernel *k) {
  if (ph->filesz > ph->memsz)
    BAD(L"segment %ld: filesz > memsz", path, (UINT64)idx);
  if (!fits(ph->offset, ph->filesz, f->size))
    BAD(L"truncated: segment %ld extends past end of file (%ld bytes)", path, (UINT64)idx, f->size);
  if (ph->vaddr < AMPHI_KERNEL_BASE)
    BAD(L"segment %ld: vaddr 0x%lx below kernel base 0x%lx", path, (UINT64)idx, ph->vaddr,
        AMPHI_KERNEL_BASE);
  if (!fits(ph->vaddr, ph->memsz, ~0ull - AMPHI_PAGE_SIZE))
    BAD(L"segment %ld: wraps the address space", path, (UINT64)idx);
  if ((ph->flags & (PF_W | PF_X)) == (PF_W | PF_X))
    BAD(L"segment %ld: writable and executable (W^X violated)", path, (UINT64)idx);
  if (k->nsegs == AMPHI_MAX_SEGMENTS)
    BAD(L"more than %d PT_LOAD segments", path, AMPHI_MAX_SEGMENTS);
  if (k->nsegs) {
    const struct amphi_segment *prev = &k->segs[k->nsegs - 1];
    if ((ph->vaddr & ~(AMPHI_PAGE_SIZE - 1)) < prev->vaddr + prev->size)
      BAD(L"segment %ld: overlaps or shares a page with the previous segment", path, (UINT64)idx);
  }
}

void elf_load(const char *path, const struct amphi_file *f, struct amphi_kernel *k) {
  const elf64_ehdr *eh = check_header(path, f);
  const elf64_phdr *ph = (const elf64_phdr *)((const UINT8 *)(UINTN)f->phys + eh->phoff);

  SetMem(k, sizeof *k, 0);
  for (UINTN i = 0; i < eh->phnum; i++) {
    if (ph[i].type == PT_INTERP)
      BAD(L"has PT_INTERP; the kernel must be statically linked", path);
    if (ph[i].type != PT_LOAD || (ph[i].memsz == 0 && ph[i].filesz == 0))
      continue;
    check_segment(path, f, &ph[i], i, k);
    struct amphi_segment *s = &k->segs[k->nsegs++];
    s->vaddr = ph[i].vaddr & ~(AMPHI_PAGE_SIZE - 1);
    s->size = AMPHI_PAGE_ROUND_UP(ph[i].vaddr + ph[i].memsz) - s->vaddr;
    s->write = (ph[i].flags & PF_W) != 0;
    s->exec = (ph[i].flags & PF_X) != 0;
  }
  if (k->nsegs == 0)
    BAD(L"no loadable segments", path);

  k->virt_base = k->segs[0].vaddr;
  k->size = k->segs[k->nsegs - 1].vaddr + k->segs[k->nsegs - 1].size - k->virt_base;
  if (k->size > KERNEL_MAX_SPAN)
    BAD(L"image spans %ld MiB, limit is %ld MiB", path, k->size >> 20, KERNEL_MAX_SPAN >> 20);

  k->entry = eh->entry;
  BOOLEAN entry_ok = FALSE;
  for (UINT32 i = 0; i < k->nsegs; i++)
    if (k->segs[i].exec && eh->entry >= k->segs[i].vaddr &&
        eh->entry < k->segs[i].vaddr + k->segs[i].size)
      entry_ok = TRUE;
  if (!entry_ok)
    BAD(L"entry point 0x%lx is not inside an executable segment", path, eh->entry);

  k->phys = amphi_alloc_pages(k->size / AMPHI_PAGE_SIZE, "kernel image");
  UINT8 *img = (UINT8 *)(UINTN)k->phys;
  ZeroMem(img, k->size);
  for (UINTN i = 0; i < eh->phnum; i++) {
    if (ph[i].type != PT_LOAD || (ph[i].memsz == 0 && ph[i].filesz == 0))
      continue;
    CopyMem(img + (ph[i].vaddr - k->virt_base), (const UINT8 *)(UINTN)f->phys + ph[i].offset,
            ph[i].filesz);
  }
}
