// execve's initial user stack, as Linux builds it (fs/exec.c copy_strings,
// fs/binfmt_elf.c create_elf_tables) and as glibc's and musl's _start read
// it. A pure builder: the glue copies the resulting bytes to the top of the
// new stack mapping and starts the thread at the entry point with rsp.
//
// Picture, addresses growing upwards (stack_top is exclusive):
//
//   rsp ->  argc                          rsp % 16 == 0 (the ABI's process entry)
//           argv[0..argc-1], NULL
//           envp[0..envc-1], NULL
//           auxv pairs ..., AT_NULL 0
//           padding to 16
//           AT_RANDOM's 16 bytes
//           "x86_64\0" (AT_PLATFORM)       after aligning down to 16
//           padding
//           argv strings, envp strings     each NUL-terminated, in order
//           execfn string (AT_EXECFN)
//           8 zero bytes
//   stack_top
//
// Linux randomises the gap under the strings (arch_align_stack); this
// builder does not — the glue may pass a stack_top lowered by a random
// multiple of 16 for the same effect.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/elf_image.h"
#include "rtl/result.h"

namespace bsdlayer {

// Limits (E2BIG beyond them): each string, NUL included, at most
// MAX_ARG_STRLEN as Linux; all argument and environment strings plus their
// pointers (and execfn) at most kMaxArgBytes, the classic ARG_MAX. Linux
// allows a quarter of RLIMIT_STACK; 128 KiB keeps the kernel's staging
// copy small. getrlimit(RLIMIT_STACK) should report 512 KiB or more so that
// glibc's sysconf(_SC_ARG_MAX) (a quarter of it) does not promise more.
inline constexpr size_t kMaxArgStringLength = 131072;
inline constexpr size_t kMaxArgBytes = 131072;

struct InitialStackInput {
  const char* const* argv = nullptr;  // argc strings (argv[argc] need not be NULL)
  size_t argc = 0;                    // 0: an empty argv[0] is supplied, as Linux >= 5.18
  const char* const* envp = nullptr;
  size_t envc = 0;
  const char* execfn = nullptr;       // the path execve was given (AT_EXECFN)
  const microcore::ElfImage* image = nullptr;  // AT_PHDR, AT_PHENT, AT_PHNUM, AT_ENTRY
  uint8_t random[16] = {};            // AT_RANDOM: glibc's stack protector and pointer guard seed
  const char* platform = "x86_64";    // AT_PLATFORM
  uint64_t hwcap = 0;                 // AT_HWCAP: CPUID.1:EDX, as Linux on x86
  uint64_t hwcap2 = 0;                // AT_HWCAP2 (bit 1: FSGSBASE usable)
  uint32_t uid = 0, euid = 0, gid = 0, egid = 0;
  uint64_t stack_top = 0;             // exclusive, 16-byte aligned, <= ElfImage::kUserEnd
};

struct InitialStack {
  uint64_t rsp;   // initial stack pointer; (rsp) = argc
  size_t size;    // bytes of the image: it covers [rsp, stack_top)
};

// Validates and measures: the size and rsp build_initial_stack will produce.
// Errors: too_big (E2BIG limits above), invalid_argument (null pointers,
// misaligned stack_top), out_of_range (the image would reach below
// ElfImage::kUserMin).
rtl::Result<InitialStack> measure_initial_stack(const InitialStackInput& input);

// Writes the image into `out` (`capacity` >= measure's size; out[0] is the
// byte at rsp). Same errors as measure, plus too_big if capacity is short.
rtl::Result<InitialStack> build_initial_stack(const InitialStackInput& input, uint8_t* out, size_t capacity);

}  // namespace bsdlayer
