// A loadable module's relocatable ELF64 object, parsed and placed. Portable:
// no memory mapping here, the caller provides the destination bytes and the
// address they will run at (executive/modules/module_loader.cpp in the
// kernel, plain buffers in tests/host/executive_module_*_test.cpp).
//
// parse() validates everything it will later trust: the ELF header
// (ELF64, little-endian, ET_REL, x86-64), every section header and its file
// range, the one symbol table with its string table, every symbol's section
// index and name, the relocation sections, and the .amphi_module record.
//
// Layout: allocated sections are grouped by protection into three
// page-aligned regions, text (R+X), rodata (R), data (R+W, NOBITS last) so
// the loader can map each with W^X.
#pragma once

#include <cstddef>
#include <cstdint>

#include "executive/module_abi.h"
#include "rtl/result.h"

namespace executive::modules {

inline constexpr size_t kModulePageSize = 4096;
inline constexpr size_t kMaxModuleSections = 512;
inline constexpr size_t kMaxModuleImageBytes = 64ull << 20;  // file and placed image

enum class Region : uint8_t { text, rodata, data };

struct ModuleLayout {
  size_t text_size;    // page multiples; regions follow each other in this order
  size_t rodata_size;
  size_t data_size;
  size_t total() const { return text_size + rodata_size + data_size; }
};

// Resolves an undefined symbol to an address; Errc::not_found if unknown.
struct SymbolResolver {
  rtl::Result<uint64_t> (*resolve)(void* context, const char* name);
  void* context;
};

// Applies one x86-64 relocation at `where` (the writable alias of run-time
// address `place`), value S + A. Supports R_X86_64_NONE, 64, PC32, PLT32,
// 32, 32S, PC64; an unsupported type or a value that does not fit its field
// is Errc::bad_format.
rtl::Result<void> apply_relocation(uint32_t type, uint8_t* where, uint64_t place, uint64_t symbol,
                                   int64_t addend);

class ModuleObject {
 public:
  // `data` must stay alive (and unchanged) while the object is used.
  static rtl::Result<ModuleObject> parse(const uint8_t* data, size_t size);

  const amphi_module_info& info() const { return info_; }
  const ModuleLayout& layout() const { return layout_; }

  // Copies every allocated section into `image` (layout().total() bytes,
  // the writable alias of run-time address `base`), zero-fills the rest,
  // resolves undefined symbols and applies every relocation. On an unknown
  // symbol returns Errc::not_found and points `*missing` at its name (inside
  // the parsed file).
  rtl::Result<void> place(uint8_t* image, uint64_t base, const SymbolResolver& resolver,
                          const char** missing) const;

  // After place(): the run-time address of a defined global symbol.
  rtl::Result<uint64_t> symbol_address(const char* name, uint64_t base) const;
  // After place(): the run-time address and byte size of the module's own
  // .amphi_exports section (size 0 when it has none). The size is a
  // multiple of sizeof(amphi_export).
  uint64_t exports_address(uint64_t base) const;
  size_t exports_size() const { return exports_size_; }
  // After place(): every export record's name lies inside the image, is
  // NUL-terminated there and is a valid symbol name.
  rtl::Result<void> check_exports(const uint8_t* image, uint64_t base) const;

 private:
  struct Section {
    uint64_t file_offset;
    uint64_t size;
    uint32_t type;
    uint64_t flags;
    uint32_t link;
    uint32_t info;
    uint64_t entry_size;
    uint64_t alignment;
    uint32_t name;
  };

  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
  uint32_t section_count_ = 0;
  uint64_t section_table_ = 0;  // file offset
  uint32_t symtab_index_ = 0;
  amphi_module_info info_{};
  ModuleLayout layout_{};
  uint32_t exports_index_ = 0;
  size_t exports_size_ = 0;

  Section section(uint32_t index) const;
  const char* symbol_name(uint32_t name_offset) const;
  const char* section_name(const Section& s) const;
  bool loaded(const Section& s) const;
  // Assigns every loaded section its image offset in a fixed order; calls
  // visit(index, offset) for each and returns the layout.
  template <typename Visit>
  ModuleLayout walk_layout(Visit&& visit) const;
  uint64_t image_offset(uint32_t index) const;
  rtl::Result<void> check_sections();
  rtl::Result<void> check_symbols() const;
  rtl::Result<void> check_relocations() const;
  rtl::Result<uint64_t> symbol_value(uint32_t index, uint64_t base, const uint64_t* offsets,
                                     const SymbolResolver& resolver, const char** missing) const;
  uint32_t symbol_count() const;
};

}  // namespace executive::modules
