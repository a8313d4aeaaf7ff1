// Privileged x86-64 instructions as inline functions, for the HAL's own use
// (other layers ask the HAL for services, never for raw registers).
#pragma once

#include <cstdint>

namespace hal::x86 {

struct CpuidResult {
  uint32_t eax, ebx, ecx, edx;
};

inline CpuidResult cpuid(uint32_t leaf, uint32_t subleaf = 0) {
  CpuidResult r;
  asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
  return r;
}

inline uint64_t rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

inline uint64_t rdmsr(uint32_t msr) {
  uint32_t lo, hi;
  asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}
inline void wrmsr(uint32_t msr, uint64_t value) {
  asm volatile("wrmsr" : : "c"(msr), "a"(static_cast<uint32_t>(value)), "d"(static_cast<uint32_t>(value >> 32)));
}

#define HAL_CONTROL_REGISTER(n)                                                    \
  inline uint64_t read_cr##n() {                                                   \
    uint64_t v;                                                                    \
    asm volatile("mov %%cr" #n ", %0" : "=r"(v));                                  \
    return v;                                                                      \
  }                                                                                \
  inline void write_cr##n(uint64_t v) { asm volatile("mov %0, %%cr" #n : : "r"(v) : "memory"); }
HAL_CONTROL_REGISTER(0)
HAL_CONTROL_REGISTER(2)
HAL_CONTROL_REGISTER(3)
HAL_CONTROL_REGISTER(4)
#undef HAL_CONTROL_REGISTER

inline void invlpg(uintptr_t address) { asm volatile("invlpg (%0)" : : "r"(address) : "memory"); }
inline void cli() { asm volatile("cli" : : : "memory"); }
inline void sti() { asm volatile("sti" : : : "memory"); }
inline void hlt() { asm volatile("hlt" : : : "memory"); }
inline uint64_t read_rflags() {
  uint64_t flags;
  asm volatile("pushfq; popq %0" : "=r"(flags) : : "memory");
  return flags;
}

// Model-specific registers the HAL programs.
inline constexpr uint32_t kMsrEfer = 0xc0000080;
inline constexpr uint32_t kMsrApicBase = 0x1b;
inline constexpr uint32_t kMsrPat = 0x277;

// Control-register and EFER bits.
inline constexpr uint64_t kCr0MonitorCoprocessor = 1u << 1;
inline constexpr uint64_t kCr0Emulation = 1u << 2;
inline constexpr uint64_t kCr0TaskSwitched = 1u << 3;
inline constexpr uint64_t kCr0WriteProtect = 1u << 16;
inline constexpr uint64_t kCr4Pge = 1u << 7;
inline constexpr uint64_t kCr4OsFxsr = 1u << 9;
inline constexpr uint64_t kCr4OsXmmExcpt = 1u << 10;
inline constexpr uint64_t kCr4Umip = 1u << 11;
inline constexpr uint64_t kCr4Smep = 1u << 20;
inline constexpr uint64_t kCr4Smap = 1u << 21;
inline constexpr uint64_t kEferNxe = 1u << 11;
inline constexpr uint64_t kRflagsInterrupt = 1u << 9;

}  // namespace hal::x86
