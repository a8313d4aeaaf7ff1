// Starting a user program: a new task whose address map holds the ELF
// image's segments (copied in, then protected as the ELF says: W^X), a
// 64 KiB stack with an argument string on top, and one thread entering
// Ring 3 at the ELF entry point with RDI = argument string, RSI = length
// (the contract microcore/user/libmach's crt0 expects).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "microcore/task.h"
#include "rtl/result.h"

namespace microcore {

inline constexpr uint64_t kUserStackTop = 0x00007fffffff0000;
inline constexpr uint64_t kUserStackSize = 64 * 1024;

rtl::Result<Task*> spawn_program(const char* name, const uint8_t* elf, size_t size, std::string_view arguments,
                                 uint8_t priority = kDefaultPriority);

// The same, but the first thread is not started until resume_program(), so
// the caller can grant resources (device_services.h) before any code runs.
rtl::Result<Task*> spawn_program_suspended(const char* name, const uint8_t* elf, size_t size,
                                           std::string_view arguments, uint8_t priority = kDefaultPriority);
void resume_program(Task& task);

// Replaces the argument string of a program spawned suspended and not yet
// resumed, so the kernel can pass what only exists once the task does (the
// names of ports it created in the task's space).
rtl::Result<void> set_program_arguments(Task& task, std::string_view arguments);

}  // namespace microcore
