// Port and memory-mapped I/O primitives. These are the only sanctioned ways
// to touch device registers: `volatile` accesses of the exact width, so the
// compiler neither merges, splits nor reorders them.
#pragma once

#include <cstdint>

namespace hal {

#if AMPHI_KERNEL
inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
inline void outw(uint16_t port, uint16_t value) { asm volatile("outw %0, %1" : : "a"(value), "Nd"(port)); }
inline void outl(uint16_t port, uint32_t value) { asm volatile("outl %0, %1" : : "a"(value), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline uint16_t inw(uint16_t port) {
  uint16_t value;
  asm volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
inline uint32_t inl(uint16_t port) {
  uint32_t value;
  asm volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}
#endif

template <typename T>
inline T mmio_read(uintptr_t address) {
  return *reinterpret_cast<const volatile T*>(address);
}
template <typename T>
inline void mmio_write(uintptr_t address, T value) {
  *reinterpret_cast<volatile T*>(address) = value;
}

}  // namespace hal
