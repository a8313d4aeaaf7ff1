// The one way Amphi code includes fmt. It pins the configuration every unit
// must agree on before fmt's headers are seen:
//  - no exceptions: a malformed runtime format string panics (compile-time
//    checked format strings make that a programming error);
//  - no locale: the kernel has none, so the thousands separator is fixed;
//  - assertions route to rtl's panic.
// Kernel units other than rtl/src/format_fpu.cpp see only fmt/core.h: they
// build argument lists, never run fmt's formatting code, which needs SSE.
#pragma once

#include "rtl/panic.h"

#ifndef FMT_STATIC_THOUSANDS_SEPARATOR
#define FMT_STATIC_THOUSANDS_SEPARATOR 0x27
#endif
#define FMT_ASSERT(condition, message) \
  ((condition) ? (void)0 : ::rtl::panic_message(__FILE__, __LINE__, (message)))

#include <fmt/core.h>
