// x86-64 page-table entry bits and walking helpers, shared by the kernel's
// own tables (paging.cpp) and user address spaces (address_space.cpp).
// Internal to hal/x86_64.
#pragma once

#include <cstdint>

#include "hal/memory_layout.h"

namespace hal::x86::pte {

inline constexpr uint64_t kPresent = 1ull << 0;
inline constexpr uint64_t kWritable = 1ull << 1;
inline constexpr uint64_t kUser = 1ull << 2;
inline constexpr uint64_t kWriteThrough = 1ull << 3;
inline constexpr uint64_t kCacheDisable = 1ull << 4;
inline constexpr uint64_t kHuge = 1ull << 7;
inline constexpr uint64_t kGlobal = 1ull << 8;
inline constexpr uint64_t kNoExecute = 1ull << 63;
inline constexpr uint64_t kAddressMask = 0x000ffffffffff000ull;

// The 512 entries of the table at `physical`, through the direct map.
inline uint64_t* table_at(uint64_t physical) { return phys_to_ptr<uint64_t>(physical); }
// The index into the level-`level` table (0 = PT ... 3 = PML4) for `va`.
inline unsigned index_at(uintptr_t va, int level) { return (va >> (12 + 9 * level)) & 511; }

}  // namespace hal::x86::pte
