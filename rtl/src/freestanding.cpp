// The C and C++ runtime pieces a freestanding kernel must supply itself:
// the mem*/str* functions the compiler may call implicitly, and the few C++
// ABI hooks fmt's header code references. Kernel build only.
//
// The mem* routines use the string instructions (rep movs/stos), which are
// fast on every CPU with ERMS and, unlike a C loop, cannot be turned back into
// a call to themselves by the optimiser.
#include <cstddef>
#include <cstdint>
#include <new>

#include "rtl/alloc.h"
#include "rtl/panic.h"

extern "C" {

// Quadwords first, then the tail: rep movsq moves 8 bytes per iteration,
// which matters wherever the CPU (or an emulator counting instructions)
// charges per iteration.
void* memcpy(void* destination, const void* source, size_t count) {
  void* result = destination;
  size_t quads = count / 8, tail = count % 8;
  asm volatile("rep movsq" : "+D"(destination), "+S"(source), "+c"(quads) : : "memory");
  asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(tail) : : "memory");
  return result;
}

void* memmove(void* destination, const void* source, size_t count) {
  auto* d = static_cast<unsigned char*>(destination);
  auto* s = static_cast<const unsigned char*>(source);
  if (d <= s || d >= s + count) return memcpy(destination, source, count);
  // Overlapping with the destination above: copy backwards.
  d += count - 1;
  s += count - 1;
  asm volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(count) : : "memory");
  return destination;
}

void* memset(void* destination, int value, size_t count) {
  void* result = destination;
  uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(value);
  size_t quads = count / 8, tail = count % 8;
  asm volatile("rep stosq" : "+D"(destination), "+c"(quads) : "a"(pattern) : "memory");
  asm volatile("rep stosb" : "+D"(destination), "+c"(tail) : "a"(pattern) : "memory");
  return result;
}

int memcmp(const void* left, const void* right, size_t count) {
  auto* a = static_cast<const unsigned char*>(left);
  auto* b = static_cast<const unsigned char*>(right);
  for (size_t i = 0; i < count; ++i)
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

void* memchr(const void* haystack, int needle, size_t count) {
  auto* p = static_cast<const unsigned char*>(haystack);
  for (size_t i = 0; i < count; ++i)
    if (p[i] == static_cast<unsigned char>(needle)) return const_cast<unsigned char*>(p + i);
  return nullptr;
}

size_t strlen(const char* text) {
  size_t length = 0;
  while (text[length]) ++length;
  return length;
}

// fmt's long-double fallback formats through snprintf; the kernel never
// formats long double, so report failure and let fmt's error path panic.
int snprintf(char*, size_t, const char*, ...) { return -1; }

// Static destructors never run in the kernel.
int atexit(void (*)()) { return 0; }
void* __dso_handle = nullptr;

void __cxa_pure_virtual() { rtl::panic_message(__FILE__, __LINE__, "pure virtual call"); }

}  // extern "C"

// Only fmt's bignum buffers reach the global operator new (formatting a
// float with extreme precision). Kernel code allocates through rtl::try_make
// and handles failure; here there is no way to report it, so it panics.
void* operator new(size_t size) {
  void* pointer = rtl::allocate(size);
  if (!pointer) rtl::panic_message(__FILE__, __LINE__, "operator new: out of memory");
  return pointer;
}
void* operator new[](size_t size) { return operator new(size); }
void operator delete(void* pointer, size_t size) noexcept { rtl::deallocate(pointer, size); }
void operator delete[](void* pointer, size_t size) noexcept { rtl::deallocate(pointer, size); }
// Unsized deletes cannot tell the heap the size; nothing in the kernel uses them.
void operator delete(void*) noexcept { rtl::panic_message(__FILE__, __LINE__, "unsized delete"); }
void operator delete[](void*) noexcept { rtl::panic_message(__FILE__, __LINE__, "unsized delete"); }

namespace std {
void __throw_bad_alloc() { rtl::panic_message(__FILE__, __LINE__, "bad_alloc"); }
void __throw_bad_array_new_length() { rtl::panic_message(__FILE__, __LINE__, "bad_array_new_length"); }
void __throw_length_error(const char*) { rtl::panic_message(__FILE__, __LINE__, "length_error"); }
void __throw_out_of_range_fmt(const char*, ...) { rtl::panic_message(__FILE__, __LINE__, "out_of_range"); }
}  // namespace std
