// Module objects (executive/modules/module_object.cpp): the demo modules the
// build produces parse, lay out W^X and relocate; malformed inputs (every
// header field the parser trusts, truncations, random corruption) fail
// with bad_format instead of reading out of bounds.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "executive/module_object.h"

namespace executive::modules {
namespace {

std::vector<uint8_t> read_module(const char* name) {
  std::ifstream in(std::string(AMPHI_BUILD_DIR) + "/modules/" + name, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

constexpr uint64_t kBase = 0xffffffffc0000000ull;
constexpr uint64_t kKernelSymbol = 0xffffffff80123450ull;

rtl::Result<uint64_t> resolve_all(void*, const char*) { return kKernelSymbol; }
rtl::Result<uint64_t> resolve_none(void*, const char*) { return rtl::Error(rtl::Errc::not_found); }

uint16_t u16(const std::vector<uint8_t>& f, size_t at) {
  uint16_t v;
  std::memcpy(&v, f.data() + at, 2);
  return v;
}
uint64_t u64(const std::vector<uint8_t>& f, size_t at) {
  uint64_t v;
  std::memcpy(&v, f.data() + at, 8);
  return v;
}
template <typename T>
void put(std::vector<uint8_t>& f, size_t at, T v) {
  std::memcpy(f.data() + at, &v, sizeof v);
}

// Section header `index` of the file, and one of its fields' offsets.
size_t shdr(const std::vector<uint8_t>& f, unsigned index) { return u64(f, 40) + 64ull * index; }
int find_section_type(const std::vector<uint8_t>& f, uint32_t type) {
  for (unsigned i = 1; i < u16(f, 60); ++i) {
    uint32_t t;
    std::memcpy(&t, f.data() + shdr(f, i) + 4, 4);
    if (t == type) return static_cast<int>(i);
  }
  return -1;
}

class ModuleObjectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    hello = read_module("hello.ko");
    ASSERT_GT(hello.size(), 64u) << "build/modules/hello.ko missing: build the project first";
  }
  std::vector<uint8_t> hello;
};

TEST_F(ModuleObjectTest, HelloParsesWithItsRecord) {
  auto object = ModuleObject::parse(hello.data(), hello.size());
  ASSERT_TRUE(object.is_ok()) << object.error().what();
  EXPECT_STREQ(object.value().info().name, "hello");
  EXPECT_STREQ(object.value().info().version, "1.0");
  EXPECT_EQ(object.value().info().depends[0][0], '\0');
  const ModuleLayout& layout = object.value().layout();
  EXPECT_GT(layout.text_size, 0u);
  EXPECT_GT(layout.data_size, 0u);  // g_greetings
  EXPECT_EQ(layout.text_size % kModulePageSize, 0u);
  EXPECT_EQ(layout.rodata_size % kModulePageSize, 0u);
  EXPECT_EQ(layout.data_size % kModulePageSize, 0u);
  EXPECT_EQ(object.value().exports_size(), sizeof(amphi_export));
}

TEST_F(ModuleObjectTest, HelloPlacesAndRelocates) {
  auto object = ModuleObject::parse(hello.data(), hello.size()).release_value();
  std::vector<uint8_t> image(object.layout().total(), 0xcc);
  const char* missing = nullptr;
  auto placed = object.place(image.data(), kBase, SymbolResolver{resolve_all, nullptr}, &missing);
  ASSERT_TRUE(placed.is_ok()) << placed.error().what();
  auto init = object.symbol_address("amphi_module_init", kBase);
  auto exit = object.symbol_address("amphi_module_exit", kBase);
  ASSERT_TRUE(init.is_ok());
  ASSERT_TRUE(exit.is_ok());
  EXPECT_GE(init.value(), kBase);
  EXPECT_LT(init.value(), kBase + object.layout().text_size);
  EXPECT_TRUE(object.symbol_address("no_such_symbol", kBase).is_error());
  ASSERT_TRUE(object.check_exports(image.data(), kBase).is_ok());
  // The export record names hello_greet and points into the module's text.
  uint64_t record = object.exports_address(kBase) - kBase;
  uint64_t name, address;
  std::memcpy(&name, image.data() + record, 8);
  std::memcpy(&address, image.data() + record + 8, 8);
  EXPECT_STREQ(reinterpret_cast<const char*>(image.data() + (name - kBase)), "hello_greet");
  EXPECT_EQ(address, object.symbol_address("hello_greet", kBase).value());
  // Every text call to amphi_printk was relocated (PLT32): some rel32 in
  // the text now reaches kKernelSymbol.
  bool found = false;
  for (size_t at = 0; at + 4 <= object.layout().text_size && !found; ++at) {
    int32_t rel;
    std::memcpy(&rel, image.data() + at, 4);
    found = kBase + at + 4 + static_cast<int64_t>(rel) == kKernelSymbol;
  }
  EXPECT_TRUE(found);
}

TEST_F(ModuleObjectTest, UnknownSymbolNamesIt) {
  auto object = ModuleObject::parse(hello.data(), hello.size()).release_value();
  std::vector<uint8_t> image(object.layout().total());
  const char* missing = nullptr;
  auto placed = object.place(image.data(), kBase, SymbolResolver{resolve_none, nullptr}, &missing);
  ASSERT_TRUE(placed.is_error());
  EXPECT_EQ(placed.error().code(), rtl::Errc::not_found);
  ASSERT_NE(missing, nullptr);
  EXPECT_TRUE(std::string(missing) == "amphi_printk" || std::string(missing) == "strlen" ||
              std::string(missing).rfind("amphi_", 0) == 0)
      << missing;
}

TEST_F(ModuleObjectTest, HelloDepDependsThroughItsUndefinedSymbol) {
  auto dep = read_module("hello_dep.ko");
  auto object = ModuleObject::parse(dep.data(), dep.size());
  ASSERT_TRUE(object.is_ok()) << object.error().what();
  EXPECT_STREQ(object.value().info().name, "hello_dep");
  std::vector<uint8_t> image(object.value().layout().total());
  struct Seen {
    bool greet = false;
  } seen;
  auto resolver = [](void* context, const char* name) -> rtl::Result<uint64_t> {
    if (std::string(name) == "hello_greet") static_cast<Seen*>(context)->greet = true;
    return kKernelSymbol;
  };
  ASSERT_TRUE(object.value().place(image.data(), kBase, SymbolResolver{resolver, &seen}, nullptr).is_ok());
  EXPECT_TRUE(seen.greet);
}

TEST_F(ModuleObjectTest, RejectsNonModules) {
  const uint8_t empty[1] = {};
  EXPECT_EQ(ModuleObject::parse(nullptr, 0).error().code(), rtl::Errc::bad_format);
  EXPECT_EQ(ModuleObject::parse(empty, sizeof empty).error().code(), rtl::Errc::bad_format);
  auto text = std::vector<uint8_t>(200, 'x');
  EXPECT_EQ(ModuleObject::parse(text.data(), text.size()).error().code(), rtl::Errc::bad_format);
  auto exec = hello;
  put<uint16_t>(exec, 16, 2);  // ET_EXEC, like /bin/busybox
  EXPECT_EQ(ModuleObject::parse(exec.data(), exec.size()).error().code(), rtl::Errc::bad_format);
  auto arm = hello;
  put<uint16_t>(arm, 18, 183);  // EM_AARCH64
  EXPECT_EQ(ModuleObject::parse(arm.data(), arm.size()).error().code(), rtl::Errc::bad_format);
  auto elf32 = hello;
  elf32[4] = 1;
  EXPECT_EQ(ModuleObject::parse(elf32.data(), elf32.size()).error().code(), rtl::Errc::bad_format);
}

TEST_F(ModuleObjectTest, RejectsBadHeaders) {
  auto shoff = hello;
  put<uint64_t>(shoff, 40, ~0ull - 10);  // section table offset wraps
  EXPECT_EQ(ModuleObject::parse(shoff.data(), shoff.size()).error().code(), rtl::Errc::bad_format);
  auto shnum = hello;
  put<uint16_t>(shnum, 60, 0xffff);
  EXPECT_EQ(ModuleObject::parse(shnum.data(), shnum.size()).error().code(), rtl::Errc::bad_format);
  auto shent = hello;
  put<uint16_t>(shent, 58, 40);
  EXPECT_EQ(ModuleObject::parse(shent.data(), shent.size()).error().code(), rtl::Errc::bad_format);
  auto shstr = hello;
  put<uint16_t>(shstr, 62, u16(hello, 60));  // names index out of range
  EXPECT_EQ(ModuleObject::parse(shstr.data(), shstr.size()).error().code(), rtl::Errc::bad_format);
  // A section whose file range runs past the end.
  auto range = hello;
  int symtab = find_section_type(hello, 2);
  ASSERT_GT(symtab, 0);
  put<uint64_t>(range, shdr(hello, symtab) + 32, hello.size());
  EXPECT_EQ(ModuleObject::parse(range.data(), range.size()).error().code(), rtl::Errc::bad_format);
  // A symbol name offset beyond its string table.
  auto symname = hello;
  put<uint32_t>(symname, u64(hello, shdr(hello, symtab) + 24) + 24, 0x7fffffff);
  EXPECT_EQ(ModuleObject::parse(symname.data(), symname.size()).error().code(), rtl::Errc::bad_format);
  // A relocation outside its target section, and an unsupported type.
  int rela = find_section_type(hello, 4);
  ASSERT_GT(rela, 0);
  uint64_t first_rela = u64(hello, shdr(hello, rela) + 24);
  auto reloff = hello;
  put<uint64_t>(reloff, first_rela, 1ull << 40);
  EXPECT_EQ(ModuleObject::parse(reloff.data(), reloff.size()).error().code(), rtl::Errc::bad_format);
  auto reltype = hello;
  put<uint32_t>(reltype, first_rela + 8, 37);  // R_X86_64_GOTPC32_TLSDESC
  EXPECT_EQ(ModuleObject::parse(reltype.data(), reltype.size()).error().code(), rtl::Errc::bad_format);
  auto relsym = hello;
  put<uint32_t>(relsym, first_rela + 12, 0xffffff);
  EXPECT_EQ(ModuleObject::parse(relsym.data(), relsym.size()).error().code(), rtl::Errc::bad_format);
}

TEST_F(ModuleObjectTest, RejectsBadModuleRecord) {
  // Find the .amphi_module record by its magic in the file.
  size_t at = 0;
  for (; at + 4 <= hello.size(); ++at) {
    uint32_t magic;
    std::memcpy(&magic, hello.data() + at, 4);
    if (magic == AMPHI_MODULE_MAGIC) break;
  }
  ASSERT_LT(at + sizeof(amphi_module_info), hello.size());
  auto magic = hello;
  magic[at] ^= 1;
  EXPECT_EQ(ModuleObject::parse(magic.data(), magic.size()).error().code(), rtl::Errc::bad_format);
  auto abi = hello;
  put<uint32_t>(abi, at + 4, 99);
  EXPECT_EQ(ModuleObject::parse(abi.data(), abi.size()).error().code(), rtl::Errc::bad_format);
  auto unterminated = hello;
  std::memset(unterminated.data() + at + 8, 'a', AMPHI_MODULE_NAME_MAX);
  EXPECT_EQ(ModuleObject::parse(unterminated.data(), unterminated.size()).error().code(), rtl::Errc::bad_format);
  auto slash = hello;
  slash[at + 8] = '/';
  EXPECT_EQ(ModuleObject::parse(slash.data(), slash.size()).error().code(), rtl::Errc::bad_format);
  auto empty = hello;
  empty[at + 8] = 0;
  EXPECT_EQ(ModuleObject::parse(empty.data(), empty.size()).error().code(), rtl::Errc::bad_format);
}

TEST_F(ModuleObjectTest, TruncationsAndCorruptionNeverCrash) {
  for (size_t size = 0; size < hello.size(); size += 7) {
    std::vector<uint8_t> cut(hello.begin(), hello.begin() + static_cast<long>(size));
    EXPECT_TRUE(ModuleObject::parse(cut.data(), cut.size()).is_error()) << size;
  }
  std::mt19937 random(12345);
  for (int round = 0; round < 2000; ++round) {
    auto bad = hello;
    for (int flips = 0; flips < 4; ++flips) bad[random() % bad.size()] = static_cast<uint8_t>(random());
    auto object = ModuleObject::parse(bad.data(), bad.size());
    if (object.is_error()) continue;
    // Whatever still parses must place within its own image.
    std::vector<uint8_t> image(object.value().layout().total());
    (void)object.value().place(image.data(), kBase, SymbolResolver{resolve_all, nullptr}, nullptr);
    (void)object.value().check_exports(image.data(), kBase);
  }
}

TEST(ModuleRelocation, AppliesAndRangeChecks) {
  uint8_t buffer[8] = {};
  uint64_t place = 0xffffffffc0001000ull;
  ASSERT_TRUE(apply_relocation(1, buffer, place, 0x1122334455667788ull, 8).is_ok());
  EXPECT_EQ(u64(std::vector<uint8_t>(buffer, buffer + 8), 0), 0x1122334455667790ull);
  int32_t field;
  ASSERT_TRUE(apply_relocation(2, buffer, place, 0xffffffff80001000ull, -4).is_ok());  // PC32 to the kernel
  std::memcpy(&field, buffer, 4);
  EXPECT_EQ(static_cast<int64_t>(field), int64_t(0xffffffff80001000ull - 4 - place));
  ASSERT_TRUE(apply_relocation(4, buffer, place, place + 0x100, -4).is_ok());  // PLT32
  std::memcpy(&field, buffer, 4);
  EXPECT_EQ(field, 0x100 - 4);
  ASSERT_TRUE(apply_relocation(11, buffer, place, 0xffffffff80000000ull, 0x10).is_ok());  // 32S
  std::memcpy(&field, buffer, 4);
  EXPECT_EQ(static_cast<int64_t>(field), static_cast<int64_t>(0xffffffff80000010ull));
  // Out of range: PC32 from the module area to the direct map, 32S of a
  // lower-half address above 2 GiB, 32 of a top-half address.
  EXPECT_EQ(apply_relocation(2, buffer, place, 0xffff800000000000ull, 0).error().code(), rtl::Errc::bad_format);
  EXPECT_EQ(apply_relocation(11, buffer, place, 0x80000000ull, 0).error().code(), rtl::Errc::bad_format);
  EXPECT_EQ(apply_relocation(10, buffer, place, 0xffffffff80000000ull, 0).error().code(), rtl::Errc::bad_format);
  ASSERT_TRUE(apply_relocation(10, buffer, place, 0x12345678, 0).is_ok());
  EXPECT_EQ(apply_relocation(42, buffer, place, 0, 0).error().code(), rtl::Errc::bad_format);
  EXPECT_TRUE(apply_relocation(0, buffer, place, 0, 0).is_ok());
}

}  // namespace
}  // namespace executive::modules
