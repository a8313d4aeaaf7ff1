// The kernel's own symbol table, embedded in the image at build time
// (scripts/gen_ksyms.py writes it; the .ksyms section holds it), so a panic
// can print `function+0x1c/0x80` without any debugger. Read-only after boot.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive {

struct Symbol {
  const char* name;
  uint64_t address;
  uint32_t size;    // 0 when the toolchain gave none (assembly labels)
  uint64_t offset;  // of the looked-up address from `address`
};

class SymbolTable {
 public:
  static constexpr uint32_t kMagic = 0x4D59534B;  // "KSYM"

  // Validates the blob: header, entry array and every name offset in bounds,
  // addresses sorted.
  static rtl::Result<SymbolTable> parse(const uint8_t* data, size_t size);

  // The function containing `address`: the last symbol at or below it, and
  // only if the address is inside its size (or, for sizeless symbols, before
  // the next symbol).
  rtl::Result<Symbol> lookup(uint64_t address) const;
  size_t count() const { return count_; }

 private:
  const uint8_t* entries_ = nullptr;
  const char* strings_ = nullptr;
  size_t count_ = 0;
  size_t strings_size_ = 0;

  uint64_t address_at(size_t index) const;
};

}  // namespace executive
