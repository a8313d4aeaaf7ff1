// The module area's virtual pages (hal::kModuleAreaBase, in the same top
// 2 GiB as the kernel image). Private to executive/modules.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive::modules {

// `pages` contiguous virtual pages, followed by at least one unmapped page
// (an overrun faults instead of running into the next module).
rtl::Result<uintptr_t> reserve_module_pages(size_t pages);
void release_module_pages(uintptr_t base, size_t pages);

}  // namespace executive::modules
