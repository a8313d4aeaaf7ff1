// Static ELF64 executable parsing (see microcore/elf_image.h for the checks).
//
// Fields are read byte by byte as little-endian, so the bytes need no
// alignment, and every sum of two header fields is checked for overflow
// before it is compared with a bound: the image may be hostile.
#include "microcore/elf_image.h"

namespace microcore {

namespace {

// ELF constants (System V gABI, x86-64 psABI).
constexpr uint8_t kMagic[4] = {0x7f, 'E', 'L', 'F'};
constexpr uint8_t kClass64 = 2;
constexpr uint8_t kDataLittleEndian = 1;
constexpr uint8_t kVersionCurrent = 1;
constexpr uint8_t kOsAbiSysv = 0;
constexpr uint8_t kOsAbiGnu = 3;
constexpr uint16_t kTypeExec = 2;
constexpr uint16_t kTypeDyn = 3;
constexpr uint16_t kMachineX86_64 = 62;
constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr uint16_t kPhnumExtended = 0xffff;  // PN_XNUM: count lives in section 0

constexpr uint32_t kPtLoad = 1;
constexpr uint32_t kPtInterp = 3;
constexpr uint32_t kPtPhdr = 6;
constexpr uint32_t kPtTls = 7;
constexpr uint32_t kPtGnuStack = 0x6474e551;

uint16_t read_u16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | (p[1] << 8)); }
uint32_t read_u32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}
uint64_t read_u64(const uint8_t* p) { return read_u32(p) | (static_cast<uint64_t>(read_u32(p + 4)) << 32); }

rtl::Error bad(const char* what) { return rtl::Error(rtl::Errc::bad_format, what); }

struct ProgramHeader {
  uint32_t type;
  uint32_t flags;
  uint64_t offset;
  uint64_t vaddr;
  uint64_t filesz;
  uint64_t memsz;
  uint64_t align;
};

ProgramHeader read_phdr(const uint8_t* p) {
  return {read_u32(p), read_u32(p + 4), read_u64(p + 8), read_u64(p + 16),
          read_u64(p + 32), read_u64(p + 40), read_u64(p + 48)};
}

// True if [offset, offset + length) lies inside a file of `size` bytes.
bool inside_file(uint64_t offset, uint64_t length, size_t size) {
  return offset <= size && length <= size - offset;
}

bool is_power_of_two_or_zero(uint64_t value) { return (value & (value - 1)) == 0; }

uint64_t page_down(uint64_t address) { return address & ~(ElfImage::kPageSize - 1); }
// Callers pass addresses <= kUserEnd, so rounding up cannot overflow.
uint64_t page_up(uint64_t address) { return page_down(address + ElfImage::kPageSize - 1); }

rtl::Result<ElfSegment> check_load(const ProgramHeader& ph, size_t size) {
  if (ph.memsz == 0) return bad("ELF: PT_LOAD with zero size");
  if (ph.filesz > ph.memsz) return bad("ELF: PT_LOAD file size exceeds memory size");
  if (!inside_file(ph.offset, ph.filesz, size)) return bad("ELF: PT_LOAD extends past the end of the file");
  if (ph.vaddr < ElfImage::kUserMin) return bad("ELF: PT_LOAD below the lowest user address");
  if (ph.vaddr >= ElfImage::kUserEnd || ph.memsz > ElfImage::kUserEnd - ph.vaddr)
    return bad("ELF: PT_LOAD outside the user half of the address space");
  if (!is_power_of_two_or_zero(ph.align)) return bad("ELF: PT_LOAD alignment not a power of two");
  if ((ph.vaddr % ElfImage::kPageSize) != (ph.offset % ElfImage::kPageSize))
    return bad("ELF: PT_LOAD offset and address not congruent modulo the page size");
  return ElfSegment{ph.vaddr, ph.memsz, ph.offset, ph.filesz,
                    ph.flags & (ElfSegment::kRead | ElfSegment::kWrite | ElfSegment::kExecute)};
}

rtl::Result<void> check_tls(const ProgramHeader& ph, size_t size) {
  if (ph.filesz > ph.memsz) return bad("ELF: PT_TLS file size exceeds memory size");
  if (!inside_file(ph.offset, ph.filesz, size)) return bad("ELF: PT_TLS extends past the end of the file");
  if (!is_power_of_two_or_zero(ph.align)) return bad("ELF: PT_TLS alignment not a power of two");
  if (ph.vaddr >= ElfImage::kUserEnd || ph.memsz > ElfImage::kUserEnd - ph.vaddr)
    return bad("ELF: PT_TLS outside the user half of the address space");
  return {};
}

// The address at which file bytes [offset, offset + length) appear once
// loaded, or 0 if no segment's file-backed part holds all of them.
uint64_t loaded_address_of(const ElfImage& image, uint64_t offset, uint64_t length) {
  for (size_t i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    if (offset >= s.file_offset && offset - s.file_offset <= s.filesz &&
        length <= s.filesz - (offset - s.file_offset))
      return s.vaddr + (offset - s.file_offset);
  }
  return 0;
}

// True if [vaddr, vaddr + length) lies in one segment's file-backed bytes.
bool inside_loaded_file_bytes(const ElfImage& image, uint64_t vaddr, uint64_t length) {
  for (size_t i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    if (vaddr >= s.vaddr && vaddr - s.vaddr <= s.filesz && length <= s.filesz - (vaddr - s.vaddr)) return true;
  }
  return false;
}

}  // namespace

uint64_t ElfImage::lowest_address() const { return segment_count ? page_down(segments[0].vaddr) : 0; }

uint64_t ElfImage::highest_address() const {
  if (!segment_count) return 0;
  const ElfSegment& last = segments[segment_count - 1];
  return page_up(last.vaddr + last.memsz);
}

rtl::Result<ElfImage> parse_elf_image(const uint8_t* data, size_t size) {
  if (data == nullptr || size < kEhdrSize) return bad("ELF: file shorter than the ELF header");
  for (int i = 0; i < 4; ++i)
    if (data[i] != kMagic[i]) return bad("ELF: bad magic");
  if (data[4] != kClass64) return bad("ELF: not a 64-bit (ELFCLASS64) file");
  if (data[5] != kDataLittleEndian) return bad("ELF: not little-endian");
  if (data[6] != kVersionCurrent) return bad("ELF: unknown identification version");
  if (data[7] != kOsAbiSysv && data[7] != kOsAbiGnu) return bad("ELF: unsupported OS ABI");

  uint16_t type = read_u16(data + 16);
  uint16_t machine = read_u16(data + 18);
  uint32_t version = read_u32(data + 20);
  uint64_t entry = read_u64(data + 24);
  uint64_t phoff = read_u64(data + 32);
  uint16_t ehsize = read_u16(data + 52);
  uint16_t phentsize = read_u16(data + 54);
  uint16_t phnum = read_u16(data + 56);

  if (machine != kMachineX86_64) return bad("ELF: not an x86-64 file");
  if (version != kVersionCurrent) return bad("ELF: unknown file version");
  if (type != kTypeExec && type != kTypeDyn) return bad("ELF: not an executable");
  if (ehsize != kEhdrSize) return bad("ELF: bad ELF header size");
  if (phentsize != kPhdrSize) return bad("ELF: bad program header entry size");
  if (phnum == 0) return bad("ELF: no program headers");
  if (phnum == kPhnumExtended) return bad("ELF: extended program header count (PN_XNUM) not supported");
  if (!inside_file(phoff, static_cast<uint64_t>(phnum) * kPhdrSize, size))
    return bad("ELF: program header table extends past the end of the file");

  // Refusals that are about support, not validity, come before the segment
  // checks so a dynamic binary is reported as such.
  bool has_interp = false;
  for (uint16_t i = 0; i < phnum; ++i)
    if (read_u32(data + phoff + i * kPhdrSize) == kPtInterp) has_interp = true;
  if (has_interp)
    return rtl::Error(rtl::Errc::not_supported, "ELF: dynamically linked (PT_INTERP) executables not supported");
  if (type == kTypeDyn)
    return rtl::Error(rtl::Errc::not_supported, "ELF: position-independent (ET_DYN) executables not supported yet");

  ElfImage image;
  image.entry = entry;
  image.phdr_entry_size = phentsize;
  image.phdr_count = phnum;
  bool has_phdr_header = false;
  uint64_t phdr_header_vaddr = 0;

  for (uint16_t i = 0; i < phnum; ++i) {
    ProgramHeader ph = read_phdr(data + phoff + i * kPhdrSize);
    switch (ph.type) {
      case kPtLoad: {
        if (image.segment_count == ElfImage::kMaxSegments)
          return rtl::Error(rtl::Errc::too_big, "ELF: more PT_LOAD segments than the loader supports (16)");
        ElfSegment segment = TRY(check_load(ph, size));
        if (image.segment_count > 0) {
          const ElfSegment& previous = image.segments[image.segment_count - 1];
          if (segment.vaddr < previous.vaddr) return bad("ELF: PT_LOAD segments not in ascending order");
          if (page_down(segment.vaddr) < page_up(previous.vaddr + previous.memsz))
            return bad("ELF: PT_LOAD segments overlap (or share a page)");
        }
        image.segments[image.segment_count++] = segment;
        break;
      }
      case kPtTls:
        if (image.has_tls) return bad("ELF: more than one PT_TLS");
        TRY(check_tls(ph, size));
        image.has_tls = true;
        image.tls = {ph.vaddr, ph.memsz, ph.offset, ph.filesz, ph.align ? ph.align : 1};
        break;
      case kPtGnuStack:
        image.has_gnu_stack = true;
        image.stack_flags = ph.flags;
        break;
      case kPtPhdr:
        if (has_phdr_header) return bad("ELF: more than one PT_PHDR");
        has_phdr_header = true;
        phdr_header_vaddr = ph.vaddr;
        break;
      default:
        break;  // PT_NOTE, PT_GNU_PROPERTY, PT_GNU_RELRO, ...: nothing to load
    }
  }
  if (image.segment_count == 0) return bad("ELF: no PT_LOAD segments");

  bool entry_ok = false;
  for (size_t i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    if (s.executable() && entry >= s.vaddr && entry - s.vaddr < s.memsz) entry_ok = true;
  }
  if (!entry_ok) return bad("ELF: entry point outside every executable segment");

  uint64_t table_size = static_cast<uint64_t>(phnum) * kPhdrSize;
  if (has_phdr_header) {
    if (!inside_loaded_file_bytes(image, phdr_header_vaddr, table_size))
      return bad("ELF: PT_PHDR not inside a loaded segment");
    image.phdr_vaddr = phdr_header_vaddr;
  } else {
    image.phdr_vaddr = loaded_address_of(image, phoff, table_size);
  }
  return image;
}

}  // namespace microcore
