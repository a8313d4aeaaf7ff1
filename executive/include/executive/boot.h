// The executive's boot sequence (NT's Phase 0/1): amphi_start() is the ELF
// entry point the loader jumps to; it brings the HAL up far enough to catch
// faults, moves to the kernel's own boot stack and continues in
// kernel_main(), which builds memory, interrupts, clock and devices, logging
// each step like Linux does, and ends in the idle loop.
#pragma once

#include <cstdint>
#include <string_view>

#include "amphi/boot_info.h"
#include "rtl/command_line.h"

namespace executive {

// The boot record, copied out of loader memory before anything else.
const amphi_boot_info& boot_info();
const rtl::CommandLine& command_line();

[[noreturn]] void kernel_main();

// Self-tests selected with `test=` on the command line (see README.md);
// returns only for unknown names, after logging an error.
void run_boot_self_test(std::string_view name);

// Panic policy chosen with `panic=halt|poweroff|reboot`.
enum class PanicAction { halt, power_off, reboot };
void install_panic_handler(PanicAction action);

// Guard pages of the boot stack, for the panic handler's overflow diagnosis.
bool is_stack_guard_address(uintptr_t address);
uintptr_t boot_stack_guard_page();

}  // namespace executive
