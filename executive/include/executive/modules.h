// Loadable kernel modules: the executive's module list and loader. The
// format and the symbol rules are in executive/module_abi.h; bsdlayer's
// init_module / finit_module / delete_module (bsdlayer/kernel/sys_module.cpp)
// and /proc/modules are built on these calls.
//
// A module moves loading -> live -> unloading -> gone. Its name is reserved
// from the start of a load, so a second load of the same name fails with
// already_exists even while the first one's init is still running. Init and
// exit run without any lock held (they may do anything a kernel thread may).
//
// References: a module that depends on another (listed in its .amphi_module
// record, or using one of its exported symbols) holds a reference on it
// until it is unloaded itself; unloading a module with references fails
// with busy.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive::modules {

inline constexpr size_t kMaxModules = 32;

struct LoadOutcome {
  // ok, or: bad_format (not a module: ENOEXEC), not_found (unknown symbol
  // or missing dependency: ENOENT), already_exists, no_memory, too_big.
  rtl::Errc error = rtl::Errc::ok;
  // When error is ok but the module's init returned nonzero: that value (a
  // negative errno by convention). The module has been unloaded again.
  int init_result = 0;
};

// Loads the relocatable object `image` (a kernel copy; not kept after the
// call), runs its init, and on success adds it to the list as live.
LoadOutcome load_module(const uint8_t* image, size_t size);

// Runs the exit function of the live module `name` and frees it: not_found
// if there is none, busy if other modules use it or it is still loading.
rtl::Result<void> unload_module(const char* name);

// /proc/modules, Linux's format, one line per module:
//   "hello 8192 1 hello_dep, Live 0xffffffffc0000000\n"
//   "hello_dep 8192 0 - Live 0xffffffffc0003000\n"
// (name, image bytes, references, the modules using it or "-", state
// Live/Loading/Unloading, load address).
// Writes at most `capacity` bytes (no NUL) and returns the full length
// needed, so a caller can size a buffer and retry.
size_t format_proc_modules(char* buffer, size_t capacity);

// How many modules are listed (any state).
size_t module_count();

}  // namespace executive::modules
