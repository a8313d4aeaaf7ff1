// SymbolTable: the panic path's address-to-name lookup, on blobs built here
// in the format scripts/gen_ksyms.py writes, and on the real kernel's.
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "executive/symbol_table.h"

using executive::SymbolTable;

namespace {

struct Entry {
  uint64_t address;
  uint32_t size;
  std::string name;
};

template <typename T>
void put(std::vector<uint8_t>& out, T value) {
  uint8_t bytes[sizeof(T)];
  std::memcpy(bytes, &value, sizeof(T));
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

std::vector<uint8_t> build(const std::vector<Entry>& entries) {
  std::vector<uint8_t> blob, strings;
  put<uint32_t>(blob, SymbolTable::kMagic);
  put<uint32_t>(blob, 1);
  put<uint32_t>(blob, static_cast<uint32_t>(entries.size()));
  put<uint32_t>(blob, static_cast<uint32_t>(16 + 16 * entries.size()));
  for (const Entry& e : entries) {
    put<uint64_t>(blob, e.address);
    put<uint32_t>(blob, e.size);
    put<uint32_t>(blob, static_cast<uint32_t>(strings.size()));
    strings.insert(strings.end(), e.name.begin(), e.name.end());
    strings.push_back(0);
  }
  blob.insert(blob.end(), strings.begin(), strings.end());
  return blob;
}

}  // namespace

TEST(ExecutiveSymbolTable, FindsTheContainingFunctionAndOffset) {
  auto blob = build({{0x1000, 0x40, "alpha"}, {0x1040, 0x10, "beta"}, {0x2000, 0x20, "gamma"}});
  auto table = SymbolTable::parse(blob.data(), blob.size());
  ASSERT_TRUE(table.is_ok());
  auto hit = table.value().lookup(0x1047);
  ASSERT_TRUE(hit.is_ok());
  EXPECT_STREQ(hit.value().name, "beta");
  EXPECT_EQ(hit.value().offset, 7u);
  EXPECT_STREQ(table.value().lookup(0x1000).value().name, "alpha");
  EXPECT_TRUE(table.value().lookup(0x0fff).is_error());  // below every symbol
  EXPECT_TRUE(table.value().lookup(0x1050).is_error());  // in the gap after beta
  EXPECT_TRUE(table.value().lookup(0x2020).is_error());  // past the last symbol
}

TEST(ExecutiveSymbolTable, SizelessSymbolsExtendToTheNext) {
  auto blob = build({{0x1000, 0, "stub"}, {0x1100, 8, "next"}});
  auto table = SymbolTable::parse(blob.data(), blob.size());
  ASSERT_TRUE(table.is_ok());
  EXPECT_STREQ(table.value().lookup(0x10ff).value().name, "stub");
}

TEST(ExecutiveSymbolTable, RejectsMalformedBlobs) {
  auto good = build({{0x1000, 4, "a"}, {0x2000, 4, "b"}});
  EXPECT_TRUE(SymbolTable::parse(good.data(), 8).is_error());
  auto bad_magic = good;
  bad_magic[0] ^= 1;
  EXPECT_TRUE(SymbolTable::parse(bad_magic.data(), bad_magic.size()).is_error());
  auto unsorted = build({{0x2000, 4, "b"}, {0x1000, 4, "a"}});
  EXPECT_TRUE(SymbolTable::parse(unsorted.data(), unsorted.size()).is_error());
  auto unterminated = good;
  unterminated.pop_back();  // last name loses its NUL
  EXPECT_TRUE(SymbolTable::parse(unterminated.data(), unterminated.size()).is_error());
  auto short_entries = good;
  short_entries.resize(16 + 8);
  EXPECT_TRUE(SymbolTable::parse(short_entries.data(), short_entries.size()).is_error());
}

// The table the build embedded in kernel.elf (scripts/gen_ksyms.py) parses
// and names the kernel's entry point.
TEST(ExecutiveSymbolTable, TheBuiltKernelTableParses) {
  std::ifstream file(AMPHI_BUILD_DIR "/generated/ksyms.bin", std::ios::binary);
  if (!file) GTEST_SKIP() << "kernel not built";
  std::vector<uint8_t> blob((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  auto table = SymbolTable::parse(blob.data(), blob.size());
  ASSERT_TRUE(table.is_ok()) << table.error().what();
  EXPECT_GT(table.value().count(), 100u);
}
