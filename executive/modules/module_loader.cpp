// The module list, load and unload (see executive/modules.h).
//
// Memory: a module's image is one run of physically contiguous frames,
// written and relocated through the direct map, then mapped into the module
// area page by page with its final protection (text R+X, rodata R, data
// R+W+NX), so no page of the area is ever writable and executable, and no
// protection ever changes while mapped.
//
// Locking: g_modules guards the table (slots, states, references). It is
// never held while a module's code runs or while memory is mapped. Symbol
// lookups against another module take their reference under the lock at
// the moment of the lookup, so a module found cannot start unloading.
#include "executive/modules.h"

#include "executive/module_object.h"
#include "hal/memory_layout.h"
#include "hal/paging.h"
#include "kernel_exports.h"
#include "microcore/physical_memory.h"
#include "module_area.h"
#include "rtl/alloc.h"
#include "rtl/log.h"
#include "rtl/spinlock.h"

namespace executive::modules {
namespace {

enum class State : uint8_t { free, loading, live, unloading };

struct Module {
  State state = State::free;
  char name[AMPHI_MODULE_NAME_MAX] = {};
  uintptr_t base = 0;
  size_t pages = 0;
  uint64_t physical = 0;
  uint32_t references = 0;  // modules using this one
  uint32_t uses = 0;        // bit i: this module holds a reference on slot i
  void (*exit)() = nullptr;
  const amphi_export* exports = nullptr;
  size_t export_count = 0;
};
static_assert(kMaxModules <= 32, "Module::uses is a 32-bit mask");

struct ModuleTable {
  Module slots[kMaxModules];
};
rtl::SpinlockProtected<ModuleTable> g_modules;

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

int find(ModuleTable& table, const char* name) {
  for (size_t i = 0; i < kMaxModules; ++i)
    if (table.slots[i].state != State::free && same(table.slots[i].name, name)) return static_cast<int>(i);
  return -1;
}

void release_uses(ModuleTable& table, Module& module) {
  for (size_t i = 0; i < kMaxModules; ++i)
    if (module.uses & (1u << i)) --table.slots[i].references;
  module.uses = 0;
}

// Takes a reference on live module `target` for `user` (once per pair).
void use(ModuleTable& table, size_t user, size_t target) {
  if (table.slots[user].uses & (1u << target)) return;
  table.slots[user].uses |= 1u << target;
  ++table.slots[target].references;
}

struct ResolveContext {
  size_t slot;
};

rtl::Result<uint64_t> resolve(void* context, const char* name) {
  if (auto kernel = find_kernel_export(name); kernel.is_ok()) return kernel.value();
  size_t user = static_cast<ResolveContext*>(context)->slot;
  return g_modules.with([&](ModuleTable& table) -> rtl::Result<uint64_t> {
    for (size_t i = 0; i < kMaxModules; ++i) {
      Module& m = table.slots[i];
      if (m.state != State::live || i == user) continue;
      for (size_t e = 0; e < m.export_count; ++e) {
        if (!same(m.exports[e].name, name)) continue;
        use(table, user, i);
        return reinterpret_cast<uint64_t>(m.exports[e].address);
      }
    }
    return rtl::Error(rtl::Errc::not_found, "unknown symbol");
  });
}

rtl::Result<void> map_image(uintptr_t base, uint64_t physical, const ModuleLayout& layout) {
  for (size_t offset = 0; offset < layout.total(); offset += hal::kPageSize) {
    auto access = offset < layout.text_size                        ? hal::paging::KernelPageAccess::read_execute
                  : offset < layout.text_size + layout.rodata_size ? hal::paging::KernelPageAccess::read
                                                                    : hal::paging::KernelPageAccess::read_write;
    TRY(hal::paging::map_kernel_page(base + offset, physical + offset, access));
  }
  return {};
}

void unmap_image(uintptr_t base, size_t pages) {
  for (size_t page = 0; page < pages; ++page) (void)hal::paging::unmap_kernel_page(base + page * hal::kPageSize);
}

// Frees everything a slot owns and the slot itself.
void discard(size_t slot) {
  Module copy = g_modules.with([&](ModuleTable& table) { return table.slots[slot]; });
  if (copy.base) {
    unmap_image(copy.base, copy.pages);
    release_module_pages(copy.base, copy.pages);
  }
  if (copy.physical) microcore::free_frames(copy.physical, copy.pages);
  g_modules.with([&](ModuleTable& table) {
    release_uses(table, table.slots[slot]);
    table.slots[slot] = Module{};
  });
}

// Reserves a slot under the module's name and takes the references its
// declared dependencies need.
rtl::Result<size_t> reserve(const amphi_module_info& info) {
  return g_modules.with([&](ModuleTable& table) -> rtl::Result<size_t> {
    if (find(table, info.name) >= 0) return rtl::Error(rtl::Errc::already_exists, "module already loaded");
    size_t slot = kMaxModules;
    for (size_t i = 0; i < kMaxModules && slot == kMaxModules; ++i)
      if (table.slots[i].state == State::free) slot = i;
    if (slot == kMaxModules) return rtl::Error(rtl::Errc::no_memory, "module table full");
    Module& m = table.slots[slot];
    __builtin_memcpy(m.name, info.name, sizeof m.name);
    m.state = State::loading;
    for (const auto& dependency : info.depends) {
      if (!dependency[0]) continue;
      int target = find(table, dependency);
      if (target < 0 || table.slots[target].state != State::live) {
        rtl::pr_err("module {}: missing dependency {}", info.name, dependency);
        release_uses(table, m);
        m = Module{};
        return rtl::Error(rtl::Errc::not_found, "missing dependency");
      }
      use(table, slot, static_cast<size_t>(target));
    }
    return slot;
  });
}

// Everything between a reserved slot and a module ready to initialise;
// returns the address of its init function.
rtl::Result<uint64_t> install(size_t slot, const ModuleObject& object) {
  const ModuleLayout& layout = object.layout();
  const char* name = object.info().name;
  size_t pages = layout.total() / hal::kPageSize;
  uintptr_t base = TRY(reserve_module_pages(pages));
  g_modules.with([&](ModuleTable& table) {
    table.slots[slot].base = base;
    table.slots[slot].pages = pages;
  });
  uint64_t physical = TRY(microcore::allocate_frames(pages));
  g_modules.with([&](ModuleTable& table) { table.slots[slot].physical = physical; });

  auto* image = hal::phys_to_ptr<uint8_t>(physical);
  ResolveContext context{slot};
  const char* missing = nullptr;
  if (auto placed = object.place(image, base, SymbolResolver{resolve, &context}, &missing); placed.is_error()) {
    if (placed.error().code() == rtl::Errc::not_found && missing)
      rtl::pr_err("module {}: unknown symbol {}", name, missing);
    else
      rtl::pr_err("module {}: {}", name, placed.error().what());
    return placed.error();
  }
  if (auto exports = object.check_exports(image, base); exports.is_error()) {
    rtl::pr_err("module {}: {}", name, exports.error().what());
    return exports.error();
  }
  auto in_text = [&](uint64_t address) { return address >= base && address < base + layout.text_size; };
  auto init = object.symbol_address("amphi_module_init", base);
  if (init.is_error() || !in_text(init.value())) {
    rtl::pr_err("module {}: no amphi_module_init in its text", name);
    return rtl::Error(rtl::Errc::bad_format, "no amphi_module_init");
  }
  auto exit = object.symbol_address("amphi_module_exit", base);
  if (exit.is_ok() && !in_text(exit.value())) return rtl::Error(rtl::Errc::bad_format, "bad amphi_module_exit");
  TRY(map_image(base, physical, layout));
  g_modules.with([&](ModuleTable& table) {
    Module& m = table.slots[slot];
    m.exit = exit.is_ok() ? reinterpret_cast<void (*)()>(exit.value()) : nullptr;
    m.exports = reinterpret_cast<const amphi_export*>(object.exports_address(base));
    m.export_count = object.exports_size() / sizeof(amphi_export);
  });
  return init.value();
}

}  // namespace

LoadOutcome load_module(const uint8_t* image, size_t size) {
  auto parsed = ModuleObject::parse(image, size);
  if (parsed.is_error()) {
    rtl::pr_warn("module: not a valid module: {}", parsed.error().what());
    return {parsed.error().code(), 0};
  }
  const ModuleObject& object = parsed.value();
  auto slot = reserve(object.info());
  if (slot.is_error()) return {slot.error().code(), 0};
  auto installed = install(slot.value(), object);
  if (installed.is_error()) {
    discard(slot.value());
    return {installed.error().code(), 0};
  }
  int status = reinterpret_cast<int (*)()>(installed.value())();
  if (status != 0) {
    rtl::pr_err("module {}: init failed ({})", object.info().name, status);
    discard(slot.value());
    return {rtl::Errc::ok, status};
  }
  g_modules.with([&](ModuleTable& table) { table.slots[slot.value()].state = State::live; });
  return {};
}

rtl::Result<void> unload_module(const char* name) {
  auto slot = g_modules.with([&](ModuleTable& table) -> rtl::Result<size_t> {
    int index = find(table, name);
    if (index < 0) return rtl::Error(rtl::Errc::not_found, "no such module");
    Module& m = table.slots[index];
    if (m.state != State::live || m.references) return rtl::Error(rtl::Errc::busy, "module in use");
    m.state = State::unloading;
    return static_cast<size_t>(index);
  });
  if (slot.is_error()) return slot.error();
  void (*exit)() = g_modules.with([&](ModuleTable& table) { return table.slots[slot.value()].exit; });
  if (exit) exit();
  discard(slot.value());
  return {};
}

size_t format_proc_modules(char* buffer, size_t capacity) {
  size_t length = 0;
  auto put = [&](const char* text, size_t n) {
    for (size_t i = 0; i < n; ++i, ++length)
      if (length < capacity) buffer[length] = text[i];
  };
  auto put_text = [&](const char* text) { put(text, __builtin_strlen(text)); };
  auto put_number = [&](uint64_t value, bool hex) {
    char digits[24];
    put(digits, hex ? format_hex(digits, value) : format_decimal(digits, value));
  };
  g_modules.with([&](ModuleTable& table) {
    for (size_t i = 0; i < kMaxModules; ++i) {
      const Module& m = table.slots[i];
      if (m.state == State::free) continue;
      put_text(m.name);
      put_text(" ");
      put_number(m.pages * hal::kPageSize, false);
      put_text(" ");
      put_number(m.references, false);
      put_text(" ");
      bool any = false;
      for (size_t user = 0; user < kMaxModules; ++user) {
        if (!(table.slots[user].uses & (1u << i))) continue;
        put_text(table.slots[user].name);
        put_text(",");
        any = true;
      }
      put_text(any ? " " : "- ");
      put_text(m.state == State::live ? "Live" : m.state == State::loading ? "Loading" : "Unloading");
      put_text(" 0x");
      put_number(m.base, true);
      put_text("\n");
    }
  });
  return length;
}

size_t module_count() {
  return g_modules.with([](ModuleTable& table) {
    size_t count = 0;
    for (const Module& m : table.slots) count += m.state != State::free;
    return count;
  });
}

}  // namespace executive::modules
