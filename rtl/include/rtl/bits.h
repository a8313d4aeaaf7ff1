// Bit and alignment arithmetic used by every allocator and page-table walker.
//
// Alignments must be powers of two. The checks are RTL_ASSERTs, so a bad
// alignment is a compile error in a constant expression (the panic call is
// not constexpr) and a panic at run time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "rtl/panic.h"

namespace rtl {

inline constexpr uint64_t KiB = uint64_t{1} << 10;
inline constexpr uint64_t MiB = uint64_t{1} << 20;
inline constexpr uint64_t GiB = uint64_t{1} << 30;

template <typename T>
constexpr bool is_power_of_two(T value) {
  static_assert(std::is_unsigned_v<T>, "alignment arithmetic is unsigned");
  return value != 0 && (value & (value - 1)) == 0;
}

// The alignment parameter takes the value's type, so align_up(address, 4096)
// works for any unsigned `address` without casts.
template <typename T>
constexpr T align_down(T value, std::type_identity_t<T> alignment) {
  RTL_ASSERT(is_power_of_two(alignment));
  return value & ~(alignment - 1);
}

// Panics rather than wrapping to 0 when the next boundary is not representable.
template <typename T>
constexpr T align_up(T value, std::type_identity_t<T> alignment) {
  RTL_ASSERT(is_power_of_two(alignment));
  T result = (value + (alignment - 1)) & ~(alignment - 1);
  RTL_ASSERT(result >= value);
  return result;
}

template <typename T>
constexpr bool is_aligned(T value, std::type_identity_t<T> alignment) {
  RTL_ASSERT(is_power_of_two(alignment));
  return (value & (alignment - 1)) == 0;
}

// Pointer forms, for buffers carved out of raw memory.
inline bool is_aligned(const void* pointer, size_t alignment) {
  return is_aligned(reinterpret_cast<uintptr_t>(pointer), alignment);
}

// Number of `divisor`-sized units needed to hold `value` (pages for bytes).
template <typename T>
constexpr T div_round_up(T value, std::type_identity_t<T> divisor) {
  static_assert(std::is_unsigned_v<T>, "unsigned arithmetic only");
  RTL_ASSERT(divisor != 0);
  return value / divisor + (value % divisor != 0 ? 1 : 0);
}

}  // namespace rtl
