#include "executive/symbol_table.h"

#include <cstring>

namespace executive {
namespace {

constexpr size_t kHeaderSize = 16;
constexpr size_t kEntrySize = 16;  // u64 address, u32 size, u32 name offset

uint32_t load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

rtl::Result<SymbolTable> SymbolTable::parse(const uint8_t* data, size_t size) {
  if (!data || size < kHeaderSize) return rtl::Error(rtl::Errc::bad_format, "symbol table too short");
  if (load32(data) != kMagic) return rtl::Error(rtl::Errc::bad_format, "symbol table magic mismatch");
  if (load32(data + 4) != 1) return rtl::Error(rtl::Errc::not_supported, "symbol table version");
  uint64_t count = load32(data + 8);
  uint64_t strings_offset = load32(data + 12);
  if (strings_offset != kHeaderSize + count * kEntrySize || strings_offset > size)
    return rtl::Error(rtl::Errc::bad_format, "symbol table entries out of bounds");
  SymbolTable table;
  table.entries_ = data + kHeaderSize;
  table.count_ = count;
  table.strings_ = reinterpret_cast<const char*>(data + strings_offset);
  table.strings_size_ = size - strings_offset;
  for (size_t i = 0; i < count; ++i) {
    uint32_t name = load32(table.entries_ + i * kEntrySize + 12);
    if (name >= table.strings_size_ ||
        !std::memchr(table.strings_ + name, '\0', table.strings_size_ - name))
      return rtl::Error(rtl::Errc::bad_format, "symbol name out of bounds");
    if (i > 0 && table.address_at(i) < table.address_at(i - 1))
      return rtl::Error(rtl::Errc::bad_format, "symbol table not sorted");
  }
  return table;
}

uint64_t SymbolTable::address_at(size_t index) const { return load64(entries_ + index * kEntrySize); }

rtl::Result<Symbol> SymbolTable::lookup(uint64_t address) const {
  if (count_ == 0 || address < address_at(0)) return rtl::Error(rtl::Errc::not_found);
  size_t low = 0, high = count_;  // invariant: address_at(low) <= address
  while (high - low > 1) {
    size_t middle = low + (high - low) / 2;
    if (address_at(middle) <= address)
      low = middle;
    else
      high = middle;
  }
  const uint8_t* entry = entries_ + low * kEntrySize;
  Symbol symbol{strings_ + load32(entry + 12), load64(entry), load32(entry + 8), 0};
  symbol.offset = address - symbol.address;
  if (symbol.size ? symbol.offset >= symbol.size : low + 1 == count_)
    return rtl::Error(rtl::Errc::not_found);
  return symbol;
}

}  // namespace executive
