// Relocatable ELF64 module objects: validation, layout, relocation (see
// executive/module_object.h). Every offset read from the file is checked
// against the file size before use, with overflow-safe comparisons; the
// checks in parse() are what place() relies on.
#include "executive/module_object.h"

#include "rtl/alloc.h"

namespace executive::modules {
namespace {

constexpr uint16_t kEtRel = 1;
constexpr uint16_t kEmX86_64 = 62;
constexpr uint32_t kShtProgbits = 1, kShtSymtab = 2, kShtStrtab = 3, kShtRela = 4, kShtNote = 7,
                   kShtNobits = 8, kShtRel = 9, kShtInitArray = 14, kShtFiniArray = 15,
                   kShtPreinitArray = 16, kShtX86_64Unwind = 0x70000001;
constexpr uint64_t kShfWrite = 0x1, kShfAlloc = 0x2, kShfExec = 0x4;
constexpr uint16_t kShnUndef = 0, kShnLoReserve = 0xff00, kShnAbs = 0xfff1;
constexpr uint8_t kStbGlobal = 1, kStbWeak = 2;
constexpr size_t kEhdrSize = 64, kShdrSize = 64, kSymSize = 24, kRelaSize = 24;

constexpr uint32_t kRNone = 0, kR64 = 1, kRPc32 = 2, kRPlt32 = 4, kR32 = 10, kR32S = 11, kRPc64 = 24;

template <typename T>
T read_at(const uint8_t* data, uint64_t offset) {
  T value;
  __builtin_memcpy(&value, data + offset, sizeof value);
  return value;
}

bool range_ok(uint64_t offset, uint64_t length, uint64_t size) {
  return offset <= size && length <= size - offset;
}

bool equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

bool name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A NUL-terminated name inside `capacity` bytes; `allow_empty` for unused slots.
bool valid_name(const char* name, size_t capacity, bool allow_empty) {
  size_t length = 0;
  while (length < capacity && name[length]) {
    if (!name_char(name[length])) return false;
    ++length;
  }
  if (length == capacity) return false;
  return allow_empty || length > 0;
}

bool terminated(const char* text, size_t capacity) {
  for (size_t i = 0; i < capacity; ++i)
    if (!text[i]) return true;
  return false;
}

size_t relocation_width(uint32_t type) {
  switch (type) {
    case kRNone: return 0;
    case kR64:
    case kRPc64: return 8;
    case kRPc32:
    case kRPlt32:
    case kR32:
    case kR32S: return 4;
    default: return SIZE_MAX;
  }
}

uint64_t align_up(uint64_t value, uint64_t alignment) { return (value + alignment - 1) & ~(alignment - 1); }

rtl::Error bad(const char* what) { return rtl::Error(rtl::Errc::bad_format, what); }

}  // namespace

rtl::Result<void> apply_relocation(uint32_t type, uint8_t* where, uint64_t place, uint64_t symbol,
                                   int64_t addend) {
  uint64_t value = symbol + static_cast<uint64_t>(addend);
  switch (type) {
    case kRNone: return {};
    case kR64: __builtin_memcpy(where, &value, 8); return {};
    case kRPc64: {
      uint64_t relative = value - place;
      __builtin_memcpy(where, &relative, 8);
      return {};
    }
    case kRPc32:
    case kRPlt32: {
      auto relative = static_cast<int64_t>(value - place);
      if (relative < INT32_MIN || relative > INT32_MAX) return bad("PC-relative relocation out of range");
      auto field = static_cast<int32_t>(relative);
      __builtin_memcpy(where, &field, 4);
      return {};
    }
    case kR32: {
      if (value > UINT32_MAX) return bad("R_X86_64_32 value out of range");
      auto field = static_cast<uint32_t>(value);
      __builtin_memcpy(where, &field, 4);
      return {};
    }
    case kR32S: {
      auto signed_value = static_cast<int64_t>(value);
      if (signed_value < INT32_MIN || signed_value > INT32_MAX) return bad("R_X86_64_32S value out of range");
      auto field = static_cast<int32_t>(signed_value);
      __builtin_memcpy(where, &field, 4);
      return {};
    }
    default: return bad("unsupported relocation type");
  }
}

ModuleObject::Section ModuleObject::section(uint32_t index) const {
  uint64_t at = section_table_ + uint64_t(index) * kShdrSize;
  Section s{};
  s.name = read_at<uint32_t>(data_, at + 0);
  s.type = read_at<uint32_t>(data_, at + 4);
  s.flags = read_at<uint64_t>(data_, at + 8);
  s.file_offset = read_at<uint64_t>(data_, at + 24);
  s.size = read_at<uint64_t>(data_, at + 32);
  s.link = read_at<uint32_t>(data_, at + 40);
  s.info = read_at<uint32_t>(data_, at + 44);
  s.alignment = read_at<uint64_t>(data_, at + 48);
  s.entry_size = read_at<uint64_t>(data_, at + 56);
  return s;
}

bool ModuleObject::loaded(const Section& s) const { return (s.flags & kShfAlloc) != 0; }

const char* ModuleObject::section_name(const Section& s) const {
  Section names = section(read_at<uint16_t>(data_, 62));
  return reinterpret_cast<const char*>(data_ + names.file_offset + s.name);  // checked in parse
}

uint32_t ModuleObject::symbol_count() const {
  return static_cast<uint32_t>(section(symtab_index_).size / kSymSize);
}

const char* ModuleObject::symbol_name(uint32_t name_offset) const {
  Section strings = section(section(symtab_index_).link);
  return reinterpret_cast<const char*>(data_ + strings.file_offset + name_offset);  // checked in parse
}

template <typename Visit>
ModuleLayout ModuleObject::walk_layout(Visit&& visit) const {
  ModuleLayout layout{};
  uint64_t offset = 0;
  size_t* sizes[3] = {&layout.text_size, &layout.rodata_size, &layout.data_size};
  for (int region = 0; region < 3; ++region) {
    uint64_t start = offset;
    for (int nobits = 0; nobits < 2; ++nobits) {  // zero-filled sections last
      for (uint32_t i = 1; i < section_count_; ++i) {
        Section s = section(i);
        if (!loaded(s) || (s.type == kShtNobits) != (nobits == 1)) continue;
        int kind = (s.flags & kShfExec) ? 0 : (s.flags & kShfWrite) ? 2 : 1;
        if (kind != region) continue;
        offset = align_up(offset, s.alignment ? s.alignment : 1);
        visit(i, offset);
        offset += s.size;
      }
    }
    offset = align_up(offset, kModulePageSize);
    *sizes[region] = offset - start;
  }
  return layout;
}

uint64_t ModuleObject::image_offset(uint32_t index) const {
  uint64_t found = 0;
  walk_layout([&](uint32_t i, uint64_t offset) {
    if (i == index) found = offset;
  });
  return found;
}

rtl::Result<ModuleObject> ModuleObject::parse(const uint8_t* data, size_t size) {
  if (!data || size < kEhdrSize) return bad("file too small for an ELF header");
  if (size > kMaxModuleImageBytes) return rtl::Error(rtl::Errc::too_big, "module file too large");
  if (data[0] != 0x7f || data[1] != 'E' || data[2] != 'L' || data[3] != 'F') return bad("not an ELF file");
  if (data[4] != 2 || data[5] != 1 || data[6] != 1) return bad("not a little-endian ELF64 file");
  if (read_at<uint16_t>(data, 16) != kEtRel) return bad("not a relocatable object");
  if (read_at<uint16_t>(data, 18) != kEmX86_64) return bad("not an x86-64 object");
  ModuleObject object;
  object.data_ = data;
  object.size_ = size;
  object.section_table_ = read_at<uint64_t>(data, 40);
  uint16_t entry_size = read_at<uint16_t>(data, 58);
  object.section_count_ = read_at<uint16_t>(data, 60);
  uint16_t names_index = read_at<uint16_t>(data, 62);
  if (entry_size != kShdrSize) return bad("unexpected section header size");
  if (object.section_count_ < 2 || object.section_count_ > kMaxModuleSections)
    return bad("bad section count");
  if (!range_ok(object.section_table_, uint64_t(object.section_count_) * kShdrSize, size))
    return bad("section headers outside the file");
  if (names_index == 0 || names_index >= object.section_count_) return bad("bad section name table index");
  TRY(object.check_sections());
  TRY(object.check_symbols());
  TRY(object.check_relocations());
  object.layout_ = object.walk_layout([](uint32_t, uint64_t) {});
  if (object.layout_.total() == 0 || object.layout_.total() > kMaxModuleImageBytes)
    return bad("module image empty or too large");
  return object;
}

rtl::Result<void> ModuleObject::check_sections() {
  Section names = section(read_at<uint16_t>(data_, 62));
  if (names.type != kShtStrtab || names.size == 0 || !range_ok(names.file_offset, names.size, size_))
    return bad("bad section name table");
  if (data_[names.file_offset + names.size - 1] != 0) return bad("section name table not terminated");
  uint32_t module_index = 0;
  for (uint32_t i = 1; i < section_count_; ++i) {
    Section s = section(i);
    if (s.name >= names.size) return bad("section name outside the name table");
    if (s.type != kShtNobits && !range_ok(s.file_offset, s.size, size_)) return bad("section outside the file");
    if (s.alignment > kModulePageSize || (s.alignment & (s.alignment - 1)))
      return bad("bad section alignment");
    if (s.type == kShtSymtab) {
      if (symtab_index_) return bad("more than one symbol table");
      symtab_index_ = i;
    }
    if (s.type == kShtInitArray || s.type == kShtFiniArray || s.type == kShtPreinitArray)
      return bad("static constructors are not supported in modules");
    if (loaded(s)) {
      if (s.type != kShtProgbits && s.type != kShtNobits && s.type != kShtNote && s.type != kShtX86_64Unwind)
        return bad("unsupported allocated section type");
      if ((s.flags & kShfWrite) && (s.flags & kShfExec)) return bad("writable and executable section");
      if (s.size > kMaxModuleImageBytes) return bad("section too large");
    }
    const char* name = section_name(s);
    if (equal(name, ".amphi_module")) {
      if (module_index) return bad("more than one .amphi_module section");
      module_index = i;
    } else if (equal(name, ".amphi_exports")) {
      if (exports_index_) return bad("more than one .amphi_exports section");
      if (!loaded(s) || s.type != kShtProgbits || s.size % sizeof(amphi_export))
        return bad("bad .amphi_exports section");
      exports_index_ = i;
      exports_size_ = s.size;
    } else if (equal(name, ".ctors") || equal(name, ".dtors") || equal(name, ".init_array") ||
               equal(name, ".fini_array")) {
      return bad("static constructors are not supported in modules");
    }
  }
  if (!module_index) return bad("no .amphi_module section");
  Section module = section(module_index);
  if (module.type != kShtProgbits || module.size != sizeof(amphi_module_info))
    return bad("bad .amphi_module section");
  __builtin_memcpy(&info_, data_ + module.file_offset, sizeof info_);
  if (info_.magic != AMPHI_MODULE_MAGIC) return bad("bad module magic");
  if (info_.abi_version != AMPHI_MODULE_ABI_VERSION) return bad("unsupported module ABI version");
  if (!valid_name(info_.name, sizeof info_.name, false)) return bad("bad module name");
  if (!terminated(info_.version, sizeof info_.version)) return bad("bad module version");
  for (auto& dependency : info_.depends)
    if (!valid_name(dependency, sizeof dependency, true)) return bad("bad module dependency name");

  if (!symtab_index_) return bad("no symbol table");
  Section symtab = section(symtab_index_);
  if (symtab.entry_size != kSymSize || symtab.size % kSymSize || symtab.size == 0)
    return bad("bad symbol table");
  if (symtab.link == 0 || symtab.link >= section_count_) return bad("bad symbol string table index");
  Section strings = section(symtab.link);
  if (strings.type != kShtStrtab || strings.size == 0) return bad("bad symbol string table");
  if (data_[strings.file_offset + strings.size - 1] != 0) return bad("symbol string table not terminated");
  return {};
}

rtl::Result<void> ModuleObject::check_symbols() const {
  Section symtab = section(symtab_index_);
  Section strings = section(symtab.link);
  for (uint32_t i = 0; i < symbol_count(); ++i) {
    uint64_t at = symtab.file_offset + uint64_t(i) * kSymSize;
    uint32_t name = read_at<uint32_t>(data_, at);
    uint16_t index = read_at<uint16_t>(data_, at + 6);
    uint64_t value = read_at<uint64_t>(data_, at + 8);
    if (name >= strings.size) return bad("symbol name outside the string table");
    if (index == kShnUndef || index == kShnAbs) continue;
    if (index >= kShnLoReserve) return bad("unsupported symbol section (common or extended index)");
    if (index >= section_count_) return bad("symbol section index out of range");
    Section s = section(index);
    if (loaded(s) && value > s.size) return bad("symbol value outside its section");
  }
  return {};
}

rtl::Result<void> ModuleObject::check_relocations() const {
  uint32_t symbols = symbol_count();
  for (uint32_t i = 1; i < section_count_; ++i) {
    Section s = section(i);
    if (s.type != kShtRela && s.type != kShtRel) continue;
    if (s.info == 0 || s.info >= section_count_) return bad("relocation target out of range");
    Section target = section(s.info);
    if (!loaded(target)) continue;  // debug information: never loaded, never relocated
    if (s.type == kShtRel) return bad("REL relocations are not used on x86-64");
    if (s.link != symtab_index_) return bad("relocations against another symbol table");
    if (s.entry_size != kRelaSize || s.size % kRelaSize) return bad("bad relocation section");
    if (target.type == kShtNobits) return bad("relocations in a zero-filled section");
    for (uint64_t at = s.file_offset; at < s.file_offset + s.size; at += kRelaSize) {
      uint64_t offset = read_at<uint64_t>(data_, at);
      uint64_t info = read_at<uint64_t>(data_, at + 8);
      auto type = static_cast<uint32_t>(info);
      auto symbol = static_cast<uint32_t>(info >> 32);
      size_t width = relocation_width(type);
      if (width == SIZE_MAX) return bad("unsupported relocation type");
      if (symbol >= symbols) return bad("relocation symbol out of range");
      if (!range_ok(offset, width, target.size)) return bad("relocation outside its section");
    }
  }
  return {};
}

rtl::Result<uint64_t> ModuleObject::symbol_value(uint32_t index, uint64_t base, const uint64_t* offsets,
                                                 const SymbolResolver& resolver,
                                                 const char** missing) const {
  uint64_t at = section(symtab_index_).file_offset + uint64_t(index) * kSymSize;
  uint32_t name = read_at<uint32_t>(data_, at);
  uint8_t binding = read_at<uint8_t>(data_, at + 4) >> 4;
  uint16_t shndx = read_at<uint16_t>(data_, at + 6);
  uint64_t value = read_at<uint64_t>(data_, at + 8);
  if (shndx == kShnAbs) return value;
  if (shndx == kShnUndef) {
    if (index == 0) return uint64_t(0);
    const char* symbol = symbol_name(name);
    auto resolved = resolver.resolve(resolver.context, symbol);
    if (resolved.is_ok()) return resolved.value();
    if (binding == kStbWeak) return uint64_t(0);
    if (missing) *missing = symbol;
    return resolved.error();
  }
  if (!loaded(section(shndx))) return bad("relocation against a section that is not loaded");
  return base + offsets[shndx] + value;
}

rtl::Result<void> ModuleObject::place(uint8_t* image, uint64_t base, const SymbolResolver& resolver,
                                      const char** missing) const {
  if (missing) *missing = nullptr;
  auto* offsets = static_cast<uint64_t*>(rtl::allocate(section_count_ * sizeof(uint64_t)));
  if (!offsets) return rtl::Error(rtl::Errc::no_memory, "no memory for module layout");
  __builtin_memset(offsets, 0, section_count_ * sizeof(uint64_t));
  __builtin_memset(image, 0, layout_.total());
  walk_layout([&](uint32_t i, uint64_t offset) {
    offsets[i] = offset;
    Section s = section(i);
    if (s.type != kShtNobits) __builtin_memcpy(image + offset, data_ + s.file_offset, s.size);
  });
  rtl::Result<void> result;
  for (uint32_t i = 1; i < section_count_ && result.is_ok(); ++i) {
    Section s = section(i);
    if (s.type != kShtRela || !loaded(section(s.info))) continue;
    uint64_t target = offsets[s.info];
    for (uint64_t at = s.file_offset; at < s.file_offset + s.size; at += kRelaSize) {
      uint64_t offset = read_at<uint64_t>(data_, at);
      uint64_t info = read_at<uint64_t>(data_, at + 8);
      auto addend = read_at<int64_t>(data_, at + 16);
      auto type = static_cast<uint32_t>(info);
      if (type == kRNone) continue;
      auto symbol = symbol_value(static_cast<uint32_t>(info >> 32), base, offsets, resolver, missing);
      if (symbol.is_error()) {
        result = symbol.error();
        break;
      }
      result = apply_relocation(type, image + target + offset, base + target + offset, symbol.value(), addend);
      if (result.is_error()) break;
    }
  }
  rtl::deallocate(offsets, section_count_ * sizeof(uint64_t));
  return result;
}

rtl::Result<uint64_t> ModuleObject::symbol_address(const char* name, uint64_t base) const {
  Section symtab = section(symtab_index_);
  for (uint32_t i = 1; i < symbol_count(); ++i) {
    uint64_t at = symtab.file_offset + uint64_t(i) * kSymSize;
    uint8_t binding = read_at<uint8_t>(data_, at + 4) >> 4;
    uint16_t shndx = read_at<uint16_t>(data_, at + 6);
    if ((binding != kStbGlobal && binding != kStbWeak) || shndx == kShnUndef || shndx >= kShnLoReserve)
      continue;
    if (!loaded(section(shndx)) || !equal(symbol_name(read_at<uint32_t>(data_, at)), name)) continue;
    return base + image_offset(shndx) + read_at<uint64_t>(data_, at + 8);
  }
  return rtl::Error(rtl::Errc::not_found, "symbol not defined in the module");
}

uint64_t ModuleObject::exports_address(uint64_t base) const {
  return exports_index_ ? base + image_offset(exports_index_) : 0;
}

rtl::Result<void> ModuleObject::check_exports(const uint8_t* image, uint64_t base) const {
  if (!exports_index_) return {};
  uint64_t first = image_offset(exports_index_);
  uint64_t total = layout_.total();
  for (uint64_t at = first; at < first + exports_size_; at += sizeof(amphi_export)) {
    uint64_t name = read_at<uint64_t>(image, at);
    if (name < base || name - base >= total) return bad("export name outside the module");
    auto* text = reinterpret_cast<const char*>(image + (name - base));
    if (!valid_name(text, total - (name - base) < 64 ? total - (name - base) : 64, false))
      return bad("bad export name");
  }
  return {};
}

}  // namespace executive::modules
