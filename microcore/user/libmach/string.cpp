// The memory functions the compiler may call even in freestanding code
// (struct copies, zero-initialisation), and strlen for std::string_view. rep movsb/stosb keep them short and
// cannot be turned back into calls to themselves by the optimiser.
#include <stddef.h>

extern "C" {

// Eight bytes per step, as the kernel's own memcpy does: a driver server
// copies request data with it, and the two modes should pay the same.
void* memcpy(void* destination, const void* source, size_t count) {
  void* d = destination;
  size_t quads = count / 8, tail = count % 8;
  asm volatile("rep movsq" : "+D"(d), "+S"(source), "+c"(quads) : : "memory");
  asm volatile("rep movsb" : "+D"(d), "+S"(source), "+c"(tail) : : "memory");
  return destination;
}

void* memmove(void* destination, const void* source, size_t count) {
  auto* d = static_cast<unsigned char*>(destination);
  auto* s = static_cast<const unsigned char*>(source);
  if (d <= s || d >= s + count) return memcpy(destination, source, count);
  // Overlapping with the destination above: copy backwards.
  d += count - 1;
  s += count - 1;
  asm volatile("std\n\trep movsb\n\tcld" : "+D"(d), "+S"(s), "+c"(count) : : "memory");
  return destination;
}

void* memset(void* destination, int value, size_t count) {
  void* d = destination;
  asm volatile("rep stosb" : "+D"(d), "+c"(count) : "a"(value) : "memory");
  return destination;
}

int memcmp(const void* left, const void* right, size_t count) {
  auto* l = static_cast<const unsigned char*>(left);
  auto* r = static_cast<const unsigned char*>(right);
  for (size_t i = 0; i < count; ++i)
    if (l[i] != r[i]) return l[i] < r[i] ? -1 : 1;
  return 0;
}

// std::string_view's length of a C string (drvserver's driver catalog).
size_t strlen(const char* text) {
  size_t length = 0;
  while (text[length]) ++length;
  return length;
}

}  // extern "C"
