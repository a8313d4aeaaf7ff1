// The formatting engine: the only kernel unit compiled with SSE.
//
// fmt's floating-point paths (Dragonbox, the bigint fallback) are written for
// a hosted ABI where double lives in XMM registers, so this unit is built
// with -msse2 and every entry runs between platform::fpu_begin and fpu_end,
// which save and restore the vector state of whatever we interrupted, as
// Linux brackets SIMD code with kernel_fpu_begin/end.
//
// Invariant that keeps the rest of the kernel SSE-free: this object is
// linked after every other kernel object (AMPHI_FPU_OBJECTS in
// scripts/cmake/KernelImage.cmake), so for any inline function that other
// units also instantiate, the linker keeps their general-register copy; a
// post-link check (scripts/check_kernel_sse.sh) fails the build if vector
// instructions appear outside the functions this unit owns.
#define FMT_HEADER_ONLY
#define FMT_THROW(exception) ::rtl::detail_format_failed()

// Declared before any fmt header: with FMT_HEADER_ONLY, fmt/core.h (reached
// through rtl/format.h) already pulls in the code that expands FMT_THROW.
namespace rtl {
[[noreturn]] void detail_format_failed();
}

#include "rtl/format.h"
#include "rtl/platform.h"

#include <fmt/format.h>

namespace rtl {

void detail_format_failed() {
  panic_message(__FILE__, __LINE__, "invalid format string or argument");
}

size_t vformat_to_buffer(char* out, size_t capacity, fmt::string_view format,
                         fmt::format_args args) {
  if (capacity == 0) return 0;
  platform::fpu_begin();
  auto result = fmt::vformat_to_n(out, capacity - 1, format, args);
  platform::fpu_end();
  size_t length = result.size < capacity - 1 ? result.size : capacity - 1;
  out[length] = '\0';
  return length;
}

}  // namespace rtl
