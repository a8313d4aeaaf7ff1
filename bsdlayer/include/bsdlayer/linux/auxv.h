// ELF auxiliary vector types (the a_type of each Elf64_auxv_t pair on the
// initial stack), Linux's numbering (uapi/linux/auxvec.h, asm/auxvec.h).
#pragma once

#include <cstdint>

namespace bsdlayer::linux_abi {

inline constexpr uint64_t kAT_NULL = 0;
inline constexpr uint64_t kAT_IGNORE = 1;
inline constexpr uint64_t kAT_EXECFD = 2;
inline constexpr uint64_t kAT_PHDR = 3;
inline constexpr uint64_t kAT_PHENT = 4;
inline constexpr uint64_t kAT_PHNUM = 5;
inline constexpr uint64_t kAT_PAGESZ = 6;
inline constexpr uint64_t kAT_BASE = 7;
inline constexpr uint64_t kAT_FLAGS = 8;
inline constexpr uint64_t kAT_ENTRY = 9;
inline constexpr uint64_t kAT_NOTELF = 10;
inline constexpr uint64_t kAT_UID = 11;
inline constexpr uint64_t kAT_EUID = 12;
inline constexpr uint64_t kAT_GID = 13;
inline constexpr uint64_t kAT_EGID = 14;
inline constexpr uint64_t kAT_PLATFORM = 15;
inline constexpr uint64_t kAT_HWCAP = 16;
inline constexpr uint64_t kAT_CLKTCK = 17;
inline constexpr uint64_t kAT_SECURE = 23;
inline constexpr uint64_t kAT_BASE_PLATFORM = 24;
inline constexpr uint64_t kAT_RANDOM = 25;
inline constexpr uint64_t kAT_HWCAP2 = 26;
inline constexpr uint64_t kAT_EXECFN = 31;
inline constexpr uint64_t kAT_SYSINFO_EHDR = 33;
inline constexpr uint64_t kAT_MINSIGSTKSZ = 51;

}  // namespace bsdlayer::linux_abi
