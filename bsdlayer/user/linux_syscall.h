// Raw Linux x86-64 system calls for Amphi's freestanding programs (init,
// posixbench): no libc, the ABI by number, so they depend on nothing but
// the interface they exercise.
#pragma once

#include <cstddef>

namespace amphi_user {

inline long syscall6(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
  long result;
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return result;
}

inline size_t length_of(const char* text) {
  size_t n = 0;
  while (text[n]) ++n;
  return n;
}

}  // namespace amphi_user
