// The kernel's explicit export list (AMPHI_EXPORT_SYMBOL records between
// __amphi_exports_start and __amphi_exports_end). Private to executive/modules.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive::modules {

// The address of the kernel export `name`, or Errc::not_found.
rtl::Result<uint64_t> find_kernel_export(const char* name);
size_t kernel_export_count();

// Decimal / hex digits of `value` into `out` (capacity >= 21); returns the length.
size_t format_decimal(char* out, uint64_t value);
size_t format_hex(char* out, uint64_t value);

}  // namespace executive::modules
