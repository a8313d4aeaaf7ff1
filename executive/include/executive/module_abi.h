// The loadable-module ABI: what a module (.ko) and the kernel agree on.
// Included by the kernel and by modules (built with the kernel's flags).
//
// A module is a relocatable ELF64 object (x86-64, ET_REL), compiled with
// -mcmodel=kernel -fno-common and the kernel's other flags. The loader
// places it in the module area (hal::kModuleAreaBase), inside the same top
// 2 GiB as the kernel image, so every 32-bit relocation -mcmodel=kernel code
// uses (PC32, PLT32, 32S) reaches both the kernel and other modules.
//
// A module carries:
//  - exactly one `.amphi_module` section holding an amphi_module_info
//    (AMPHI_MODULE below): its name, version and the modules it needs;
//  - `amphi_module_init` (C linkage, returns 0 or a negative errno; any
//    nonzero value aborts the load) and optionally `amphi_module_exit`;
//  - optionally `.amphi_exports` records (AMPHI_EXPORT_SYMBOL) that later
//    modules may link against; using one makes the user depend on it.
// Modules may not have static constructors (.init_array is rejected).
//
// Undefined symbols resolve only against exported symbols: the kernel's
// explicit export list (the .amphi_exports section of the image) and the
// exports of live modules. Anything else fails the load with "unknown
// symbol" (ENOENT), as on Linux.
#pragma once

#include <stddef.h>
#include <stdint.h>

#define AMPHI_MODULE_MAGIC 0x444f4d41u  // "AMOD"
#define AMPHI_MODULE_ABI_VERSION 1u
#define AMPHI_MODULE_NAME_MAX 56  // with the NUL
#define AMPHI_MODULE_VERSION_MAX 32
#define AMPHI_MODULE_MAX_DEPENDS 4

// The .amphi_module section: plain bytes, no relocations needed to read it.
struct amphi_module_info {
  uint32_t magic;        // AMPHI_MODULE_MAGIC
  uint32_t abi_version;  // AMPHI_MODULE_ABI_VERSION
  char name[AMPHI_MODULE_NAME_MAX];  // [A-Za-z0-9_]+, as rmmod and lsmod name it
  char version[AMPHI_MODULE_VERSION_MAX];
  char depends[AMPHI_MODULE_MAX_DEPENDS][AMPHI_MODULE_NAME_MAX];  // unused ones empty
};

// One exported symbol; in the kernel image between __amphi_exports_start
// and __amphi_exports_end (hal/x86_64/kernel.ld), in a module in its
// .amphi_exports section.
struct amphi_export {
  const char* name;
  const void* address;
};

// AMPHI_MODULE("hello", "1.0") or AMPHI_MODULE("hello_dep", "1.0", "hello").
#define AMPHI_MODULE(module_name, module_version, ...)                                  \
  extern "C" [[gnu::used, gnu::section(".amphi_module")]] const amphi_module_info   \
      amphi_module_info_record = {AMPHI_MODULE_MAGIC, AMPHI_MODULE_ABI_VERSION, module_name, \
                                  module_version, {__VA_ARGS__}}

// Exports a C-linkage function or object under its own name. The record
// keeps the symbol alive under --gc-sections (the section is KEEP'd).
#define AMPHI_EXPORT_SYMBOL(symbol)                                                      \
  [[gnu::used]] static const char amphi_export_name_##symbol[] = #symbol;                \
  [[gnu::used, gnu::section(".amphi_exports")]] static const amphi_export                \
      amphi_export_record_##symbol = {amphi_export_name_##symbol,                        \
                                      reinterpret_cast<const void*>(&symbol)}

// What the kernel exports to modules (executive/modules/kernel_exports.cpp).
extern "C" {
// Logs one line at a Linux level (0 emerg .. 7 debug) through printk.
void amphi_printk(int level, const char* message);
// Heap memory from the kernel allocator (rtl::allocate), 16-byte aligned;
// null when out of memory. amphi_kfree(nullptr) is a no-op.
void* amphi_kmalloc(size_t size);
void amphi_kfree(void* pointer);
// Nanoseconds since boot.
uint64_t amphi_uptime_ns(void);
// Formats an unsigned number in decimal into `buffer` (NUL-terminated,
// truncated to `capacity`); returns the length written without the NUL.
size_t amphi_format_u64(char* buffer, size_t capacity, uint64_t value);
}
