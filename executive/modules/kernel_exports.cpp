// What the kernel exports to modules. Only C-linkage names appear here, so
// the name a module's object file asks for is exactly the record's name;
// everything else in the image stays private (Linux's EXPORT_SYMBOL model).
// Compilers may emit calls to memcpy/memset/memmove/memcmp for plain C++, so
// those are exported too.
#include <cstring>

#include "executive/module_abi.h"
#include "kernel_exports.h"
#include "microcore/personality.h"
#include "rtl/alloc.h"
#include "rtl/log.h"

extern "C" const amphi_export __amphi_exports_start[], __amphi_exports_end[];

namespace {
constexpr size_t kAllocationHeader = 16;  // keeps the size; keeps 16-byte alignment
}  // namespace

extern "C" {

void amphi_printk(int level, const char* message) {
  if (level < 0 || level > 7) level = static_cast<int>(rtl::LogLevel::info);
  rtl::printk(static_cast<rtl::LogLevel>(level), "{}", message ? message : "(null)");
}

void* amphi_kmalloc(size_t size) {
  if (size > (1ull << 30)) return nullptr;
  auto* block = static_cast<uint8_t*>(rtl::allocate(size + kAllocationHeader, 16));
  if (!block) return nullptr;
  __builtin_memcpy(block, &size, sizeof size);
  return block + kAllocationHeader;
}

void amphi_kfree(void* pointer) {
  if (!pointer) return;
  uint8_t* block = static_cast<uint8_t*>(pointer) - kAllocationHeader;
  size_t size;
  __builtin_memcpy(&size, block, sizeof size);
  rtl::deallocate(block, size + kAllocationHeader, 16);
}

uint64_t amphi_uptime_ns(void) { return microcore::now_ns(); }

size_t amphi_format_u64(char* buffer, size_t capacity, uint64_t value) {
  if (!buffer || capacity == 0) return 0;
  char digits[24];
  size_t length = executive::modules::format_decimal(digits, value);
  if (length > capacity - 1) length = capacity - 1;
  __builtin_memcpy(buffer, digits, length);
  buffer[length] = 0;
  return length;
}

}  // extern "C"

AMPHI_EXPORT_SYMBOL(amphi_printk);
AMPHI_EXPORT_SYMBOL(amphi_kmalloc);
AMPHI_EXPORT_SYMBOL(amphi_kfree);
AMPHI_EXPORT_SYMBOL(amphi_uptime_ns);
AMPHI_EXPORT_SYMBOL(amphi_format_u64);
AMPHI_EXPORT_SYMBOL(memcpy);
AMPHI_EXPORT_SYMBOL(memmove);
AMPHI_EXPORT_SYMBOL(memset);
AMPHI_EXPORT_SYMBOL(memcmp);
AMPHI_EXPORT_SYMBOL(strlen);

namespace executive::modules {

rtl::Result<uint64_t> find_kernel_export(const char* name) {
  for (const amphi_export* e = __amphi_exports_start; e < __amphi_exports_end; ++e) {
    const char* a = e->name;
    const char* b = name;
    while (*a && *a == *b) ++a, ++b;
    if (*a == *b) return reinterpret_cast<uint64_t>(e->address);
  }
  return rtl::Error(rtl::Errc::not_found, "not exported by the kernel");
}

size_t kernel_export_count() { return static_cast<size_t>(__amphi_exports_end - __amphi_exports_start); }

size_t format_decimal(char* out, uint64_t value) {
  char reversed[21];
  size_t n = 0;
  do {
    reversed[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value);
  for (size_t i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

size_t format_hex(char* out, uint64_t value) {
  char reversed[17];
  size_t n = 0;
  do {
    reversed[n++] = "0123456789abcdef"[value & 15];
    value >>= 4;
  } while (value);
  for (size_t i = 0; i < n; ++i) out[i] = reversed[n - 1 - i];
  return n;
}

}  // namespace executive::modules
