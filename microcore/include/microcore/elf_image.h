// Static ELF64 x86-64 executables: parsing and validation of the image a
// user task is loaded from (the initrd's programs, later static Linux
// binaries for bsdlayer).
//
// parse_elf_image() reads only the headers and checks everything a loader
// relies on, so the loader can map segments without further bounds checks:
//  - identity: magic, ELFCLASS64, little-endian, EV_CURRENT, EM_X86_64,
//    ET_EXEC (ET_DYN is static-pie or dynamic: not_supported for now, as is
//    PT_INTERP);
//  - the program header table lies inside the file, entries are Elf64_Phdr;
//  - every PT_LOAD: filesz <= memsz, memsz > 0, file bytes inside the file,
//    vaddr >= kUserMin and vaddr + memsz <= kUserEnd without overflow,
//    offset and vaddr congruent modulo the page size, alignment a power of
//    two; PT_LOAD entries ascend and their page-rounded ranges do not overlap
//    (each page gets exactly one segment's protection); at most kMaxSegments;
//  - the entry point lies inside an executable PT_LOAD;
//  - PT_TLS (at most one): initial image inside the file, filesz <= memsz;
//  - PT_PHDR, if present, lies inside a PT_LOAD's file-backed bytes.
// The image views nothing after parse() returns: it holds copies of the
// numbers only, so the caller may drop the bytes once segments are copied.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace microcore {

struct ElfSegment {
  // Segment permission bits, as in p_flags (PF_X, PF_W, PF_R).
  static constexpr uint32_t kExecute = 1;
  static constexpr uint32_t kWrite = 2;
  static constexpr uint32_t kRead = 4;

  uint64_t vaddr;        // where the first byte goes
  uint64_t memsz;        // bytes of address space; [filesz, memsz) is zero-filled
  uint64_t file_offset;  // first file byte; congruent to vaddr mod kPageSize
  uint64_t filesz;       // bytes copied from the file
  uint32_t flags;        // kRead | kWrite | kExecute

  bool readable() const { return flags & kRead; }
  bool writable() const { return flags & kWrite; }
  bool executable() const { return flags & kExecute; }
};

// The thread-local storage template (PT_TLS): the loader builds each
// thread's TLS block from it (filesz bytes from the file, then zeros).
struct ElfTls {
  uint64_t vaddr;
  uint64_t memsz;
  uint64_t file_offset;
  uint64_t filesz;
  uint64_t align;  // 1 if the header says 0
};

struct ElfImage {
  static constexpr size_t kMaxSegments = 16;
  static constexpr uint64_t kPageSize = 4096;
  // The user half: page 0 stays unmapped so null dereferences fault.
  static constexpr uint64_t kUserMin = 0x1000;
  static constexpr uint64_t kUserEnd = 0x0000800000000000;

  uint64_t entry = 0;
  // For the aux vector: AT_PHDR (the program headers' address once loaded,
  // 0 if no PT_LOAD maps them), AT_PHENT, AT_PHNUM.
  uint64_t phdr_vaddr = 0;
  uint16_t phdr_entry_size = 0;
  uint16_t phdr_count = 0;

  ElfSegment segments[kMaxSegments] = {};
  size_t segment_count = 0;

  bool has_tls = false;
  ElfTls tls = {};

  // PT_GNU_STACK: absent means the historical default (executable stack);
  // stack_flags are its p_flags when present.
  bool has_gnu_stack = false;
  uint32_t stack_flags = 0;
  bool wants_executable_stack() const { return !has_gnu_stack || (stack_flags & ElfSegment::kExecute); }

  // Lowest and highest (exclusive) page-rounded addresses the segments span.
  uint64_t lowest_address() const;
  uint64_t highest_address() const;
};

// Parses `size` bytes at `data`. Errors: bad_format (malformed or not an
// x86-64 ELF64 executable), not_supported (dynamic or position-independent
// executables), too_big (more than kMaxSegments PT_LOAD entries). Each error
// carries a static message saying which check failed.
rtl::Result<ElfImage> parse_elf_image(const uint8_t* data, size_t size);

}  // namespace microcore
