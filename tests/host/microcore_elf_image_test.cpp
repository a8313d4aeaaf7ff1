// microcore::parse_elf_image: synthetic ELF64 images built here (one valid
// static executable, then one broken field per check), plus the real user
// programs the build produces (build/user/*).
#include "microcore/elf_image.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

namespace {

using microcore::ElfImage;
using microcore::ElfSegment;
using microcore::parse_elf_image;
using Bytes = std::vector<uint8_t>;

constexpr uint32_t PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7, PT_GNU_STACK = 0x6474e551;
constexpr uint32_t R = 4, W = 2, X = 1;

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, filesz, memsz, align;
};

void put(Bytes& b, size_t at, uint64_t value, int size) {
  for (int i = 0; i < size; ++i) b[at + i] = static_cast<uint8_t>(value >> (8 * i));
}

// An ELF file: header, program headers at offset 64, file size `size`.
struct Elf {
  uint16_t type = 2;  // ET_EXEC
  uint16_t machine = 62;
  uint64_t entry = 0x401000;
  uint64_t phoff = 64;
  uint16_t phentsize = 56;
  std::vector<Phdr> phdrs;
  size_t size = 0x4000;
  uint8_t ident_class = 2, ident_data = 1, ident_version = 1;
  uint32_t version = 1;

  Bytes build() const {
    Bytes b(size, 0);
    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F';
    b[4] = ident_class, b[5] = ident_data, b[6] = ident_version;
    put(b, 16, type, 2);
    put(b, 18, machine, 2);
    put(b, 20, version, 4);
    put(b, 24, entry, 8);
    put(b, 32, phoff, 8);
    put(b, 52, 64, 2);
    put(b, 54, phentsize, 2);
    put(b, 56, phdrs.size(), 2);
    for (size_t i = 0; i < phdrs.size(); ++i) {
      if (phoff > b.size() || i * 56 + 56 > b.size() - phoff) break;  // deliberately truncated tables
      size_t at = phoff + i * 56;
      const Phdr& p = phdrs[i];
      put(b, at, p.type, 4);
      put(b, at + 4, p.flags, 4);
      put(b, at + 8, p.offset, 8);
      put(b, at + 16, p.vaddr, 8);
      put(b, at + 24, p.vaddr, 8);
      put(b, at + 32, p.filesz, 8);
      put(b, at + 40, p.memsz, 8);
      put(b, at + 48, p.align, 8);
    }
    return b;
  }
};

// What GNU ld makes of a static program with -z separate-code: headers (R),
// text (RX), rodata (R), data+bss (RW), and a non-executable stack.
Elf good_elf() {
  Elf e;
  e.phdrs = {
      {PT_LOAD, R, 0, 0x400000, 0x200, 0x200, 0x1000},
      {PT_LOAD, R | X, 0x1000, 0x401000, 0x800, 0x800, 0x1000},
      {PT_LOAD, R, 0x2000, 0x402000, 0x300, 0x300, 0x1000},
      {PT_LOAD, R | W, 0x3040, 0x403040, 0x100, 0x2000, 0x1000},
      {PT_GNU_STACK, R | W, 0, 0, 0, 0, 0x10},
  };
  return e;
}

rtl::Result<ElfImage> parse(const Bytes& b) { return parse_elf_image(b.data(), b.size()); }

void expect_error(const Elf& e, rtl::Errc code, const char* what_contains) {
  Bytes b = e.build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_error()) << "expected: " << what_contains;
  EXPECT_EQ(result.error().code(), code) << result.error().what();
  EXPECT_NE(std::string(result.error().what()).find(what_contains), std::string::npos) << result.error().what();
}

void expect_bad(const Elf& e, const char* what_contains) { expect_error(e, rtl::Errc::bad_format, what_contains); }

TEST(ElfImage, ParsesStaticExecutable) {
  Bytes b = good_elf().build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const ElfImage& image = result.value();
  EXPECT_EQ(image.entry, 0x401000u);
  ASSERT_EQ(image.segment_count, 4u);
  EXPECT_EQ(image.segments[1].vaddr, 0x401000u);
  EXPECT_EQ(image.segments[1].file_offset, 0x1000u);
  EXPECT_EQ(image.segments[1].flags, ElfSegment::kRead | ElfSegment::kExecute);
  EXPECT_TRUE(image.segments[1].executable());
  EXPECT_FALSE(image.segments[1].writable());
  EXPECT_EQ(image.segments[3].filesz, 0x100u);
  EXPECT_EQ(image.segments[3].memsz, 0x2000u);
  EXPECT_TRUE(image.segments[3].writable());
  // The program headers sit at file offset 64, inside the first segment.
  EXPECT_EQ(image.phdr_vaddr, 0x400040u);
  EXPECT_EQ(image.phdr_count, 5);
  EXPECT_EQ(image.phdr_entry_size, 56);
  EXPECT_TRUE(image.has_gnu_stack);
  EXPECT_FALSE(image.wants_executable_stack());
  EXPECT_FALSE(image.has_tls);
  EXPECT_EQ(image.lowest_address(), 0x400000u);
  EXPECT_EQ(image.highest_address(), 0x406000u);
}

TEST(ElfImage, ReportsTlsAndPhdr) {
  Elf e = good_elf();
  e.phdrs.insert(e.phdrs.begin(), {PT_PHDR, R, 64, 0x400040, 6 * 56, 6 * 56, 8});
  e.phdrs.push_back({PT_TLS, R, 0x3040, 0x403040, 0x10, 0x30, 0});
  Bytes b = e.build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(result.value().phdr_vaddr, 0x400040u);
  ASSERT_TRUE(result.value().has_tls);
  EXPECT_EQ(result.value().tls.vaddr, 0x403040u);
  EXPECT_EQ(result.value().tls.filesz, 0x10u);
  EXPECT_EQ(result.value().tls.memsz, 0x30u);
  EXPECT_EQ(result.value().tls.align, 1u);
}

TEST(ElfImage, PhdrNotLoadedGivesZero) {
  Elf e = good_elf();
  e.phdrs[0] = {PT_LOAD, R, 0x800, 0x400800, 0x100, 0x100, 0x1000};  // misses offset 64
  Bytes b = e.build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(result.value().phdr_vaddr, 0u);
}

TEST(ElfImage, MissingGnuStackMeansExecutableStack) {
  Elf e = good_elf();
  e.phdrs.pop_back();
  Bytes b = e.build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_ok());
  EXPECT_TRUE(result.value().wants_executable_stack());
}

TEST(ElfImage, RejectsBadIdentity) {
  Bytes tiny(63, 0);
  EXPECT_TRUE(parse(tiny).is_error());
  EXPECT_TRUE(parse_elf_image(nullptr, 0).is_error());

  Bytes b = good_elf().build();
  b[1] = 'X';
  ASSERT_TRUE(parse(b).is_error());
  EXPECT_EQ(parse(b).error().code(), rtl::Errc::bad_format);

  Elf e = good_elf();
  e.ident_class = 1;
  expect_bad(e, "64-bit");
  e = good_elf();
  e.ident_data = 2;
  expect_bad(e, "little-endian");
  e = good_elf();
  e.ident_version = 0;
  expect_bad(e, "identification version");
  e = good_elf();
  e.machine = 3;  // EM_386
  expect_bad(e, "x86-64");
  e = good_elf();
  e.version = 2;
  expect_bad(e, "file version");
  e = good_elf();
  e.type = 1;  // ET_REL
  expect_bad(e, "not an executable");
}

TEST(ElfImage, RejectsBadOsAbi) {
  Bytes b = good_elf().build();
  b[7] = 9;  // FreeBSD
  auto result = parse(b);
  ASSERT_TRUE(result.is_error());
  EXPECT_NE(std::string(result.error().what()).find("OS ABI"), std::string::npos);
}

TEST(ElfImage, RejectsBadProgramHeaderTable) {
  Elf e = good_elf();
  e.phentsize = 64;
  expect_bad(e, "entry size");
  e = good_elf();
  e.phdrs.clear();
  expect_bad(e, "no program headers");
  e = good_elf();
  e.phoff = e.size - 100;
  expect_bad(e, "program header table");
  e = good_elf();
  e.phoff = ~0ull - 10;  // offset + size overflows
  expect_bad(e, "program header table");
  e = good_elf();
  e.phdrs = {{PT_GNU_STACK, R | W, 0, 0, 0, 0, 16}};
  expect_bad(e, "no PT_LOAD");
}

TEST(ElfImage, RefusesDynamicAndPositionIndependent) {
  Elf e = good_elf();
  e.phdrs.push_back({PT_INTERP, R, 0x2000, 0x402000, 28, 28, 1});
  expect_error(e, rtl::Errc::not_supported, "PT_INTERP");
  e = good_elf();
  e.type = 3;  // ET_DYN without PT_INTERP: static-pie
  expect_error(e, rtl::Errc::not_supported, "ET_DYN");
}

TEST(ElfImage, RejectsBadSegments) {
  Elf e = good_elf();
  e.phdrs[3].filesz = 0x3000;  // > memsz
  expect_bad(e, "file size exceeds memory size");
  e = good_elf();
  e.phdrs[3].memsz = e.phdrs[3].filesz = 0;
  expect_bad(e, "zero size");
  e = good_elf();
  e.phdrs[2].filesz = e.phdrs[2].memsz = 0x3000;  // runs past the 16 KiB file
  expect_bad(e, "past the end of the file");
  e = good_elf();
  e.phdrs[2].offset = ~0ull - 0xfff;  // offset + filesz overflows
  e.phdrs[2].vaddr = 0x402000 + (e.phdrs[2].offset & 0xfff);
  expect_bad(e, "past the end of the file");
  e = good_elf();
  e.phdrs[0].vaddr = 0;
  e.phdrs[0].offset = 0;
  expect_bad(e, "below the lowest user address");
  e = good_elf();
  e.phdrs[3].vaddr = 0xffff800000003040;
  expect_bad(e, "user half");
  e = good_elf();
  e.phdrs[3].vaddr = 0x00007ffffffff040;  // ends above 0x0000800000000000
  e.phdrs[3].memsz = 0x2000;
  expect_bad(e, "user half");
  e = good_elf();
  e.phdrs[3].vaddr = ~0ull - 0xfbf;  // vaddr + memsz wraps
  expect_bad(e, "user half");
  e = good_elf();
  e.phdrs[1].align = 0x1800;
  expect_bad(e, "power of two");
  e = good_elf();
  e.phdrs[3].vaddr = 0x403080;  // offset 0x...040 vs address 0x...080
  expect_bad(e, "congruent");
}

TEST(ElfImage, RejectsOverlapAndDisorder) {
  Elf e = good_elf();
  e.phdrs[2].vaddr = 0x401000;  // on top of the text
  e.phdrs[2].offset = 0x1000;
  expect_bad(e, "overlap");
  e = good_elf();
  std::swap(e.phdrs[1], e.phdrs[2]);
  expect_bad(e, "ascending");
  // Sharing a page is an overlap too: each page gets one protection.
  e = good_elf();
  e.phdrs[3].vaddr = 0x402340;
  e.phdrs[3].offset = 0x3340;
  expect_bad(e, "overlap");
}

TEST(ElfImage, RejectsTooManySegments) {
  Elf e;
  e.size = 0x20000;
  for (uint64_t i = 0; i < 17; ++i)
    e.phdrs.push_back({PT_LOAD, R | X, 0x1000 * (i + 1), 0x401000 + 0x1000 * i, 0x10, 0x10, 0x1000});
  expect_error(e, rtl::Errc::too_big, "16");
  e.phdrs.pop_back();
  Bytes b = e.build();
  auto result = parse(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(result.value().segment_count, 16u);
}

TEST(ElfImage, RejectsEntryOutsideExecutableSegment) {
  Elf e = good_elf();
  e.entry = 0x402010;  // rodata: readable, not executable
  expect_bad(e, "entry point");
  e = good_elf();
  e.entry = 0x401800;  // one past the text
  expect_bad(e, "entry point");
  e = good_elf();
  e.entry = 0x3ff000;
  expect_bad(e, "entry point");
}

TEST(ElfImage, RejectsBadTlsAndPhdr) {
  Elf e = good_elf();
  e.phdrs.push_back({PT_TLS, R, 0x3040, 0x403040, 0x40, 0x30, 8});
  expect_bad(e, "PT_TLS file size");
  e = good_elf();
  e.phdrs.push_back({PT_TLS, R, 0x3ff0, 0x403ff0, 0x40, 0x40, 8});
  expect_bad(e, "PT_TLS extends past");
  e = good_elf();
  e.phdrs.push_back({PT_TLS, R, 0x3040, 0x403040, 0x10, 0x10, 3});
  expect_bad(e, "PT_TLS alignment");
  e = good_elf();
  e.phdrs.push_back({PT_TLS, R, 0x3040, 0x403040, 0x10, 0x10, 8});
  e.phdrs.push_back({PT_TLS, R, 0x3040, 0x403040, 0x10, 0x10, 8});
  expect_bad(e, "more than one PT_TLS");
  e = good_elf();
  e.phdrs.push_back({PT_PHDR, R, 64, 0x500000, 6 * 56, 6 * 56, 8});
  expect_bad(e, "PT_PHDR");
}

// Every truncation of a valid image is refused, never read past.
TEST(ElfImage, EveryTruncationIsRejected) {
  Bytes b = good_elf().build();
  for (size_t size = 0; size < 0x3140; size += 7) EXPECT_TRUE(parse_elf_image(b.data(), size).is_error()) << size;
}

Bytes read_file(const std::string& path) {
  Bytes bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  return bytes;
}

TEST(ElfImage, ParsesTheBuiltUserPrograms) {
  int found = 0;
  for (const char* name : {"ping", "pong", "spin", "badptr", "ipcbench", "memhog"}) {
    Bytes b = read_file(std::string(AMPHI_BUILD_DIR) + "/user/" + name);
    if (b.empty()) continue;
    ++found;
    auto result = parse(b);
    ASSERT_TRUE(result.is_ok()) << name << ": " << result.error().what();
    const ElfImage& image = result.value();
    EXPECT_EQ(image.lowest_address(), 0x400000u) << name;
    EXPECT_FALSE(image.wants_executable_stack()) << name;
    EXPECT_NE(image.phdr_vaddr, 0u) << name;
    bool has_text = false;
    for (size_t i = 0; i < image.segment_count; ++i) {
      EXPECT_FALSE(image.segments[i].writable() && image.segments[i].executable()) << name << ": W+X segment";
      has_text |= image.segments[i].executable();
    }
    EXPECT_TRUE(has_text) << name;
  }
  if (found == 0) GTEST_SKIP() << "no user programs in " << AMPHI_BUILD_DIR << "/user";
}

// A dynamically linked host program is refused as such, not as malformed.
TEST(ElfImage, RefusesAHostDynamicExecutable) {
  Bytes b = read_file("/bin/sh");
  if (b.size() < 64 || b[0] != 0x7f) GTEST_SKIP() << "no /bin/sh";
  auto result = parse(b);
  ASSERT_TRUE(result.is_error());
  EXPECT_EQ(result.error().code(), rtl::Errc::not_supported) << result.error().what();
}

}  // namespace
