// Thread contexts: the kernel-to-kernel switch and the first entry into
// Ring 3. The microcore's scheduler owns the policy; these are the mechanism.
#pragma once

#include <cstdint>

#include "hal/trap.h"

extern "C" {
// Saves the callee-saved registers on the current stack, stores RSP in
// *save_rsp, switches to load_rsp and returns into that context.
void hal_switch_context(uint64_t* save_rsp, uint64_t load_rsp);
// Drops to Ring 3 at rip with the given stack; RDI/RSI = arg0/arg1.
[[noreturn]] void hal_enter_user(uint64_t rip, uint64_t rsp, uint64_t arg0, uint64_t arg1);
}

namespace hal {

// Lays out a new kernel stack so the first hal_switch_context onto it calls
// entry(argument). Returns the RSP to switch to. `stack_top` is 16-aligned.
uint64_t prepare_thread_stack(uintptr_t stack_top, void (*entry)(void*), void* argument);

// System calls: one handler for the whole SYSCALL instruction (the
// microcore splits Mach traps from Linux calls by number). It reads and
// writes the frame (RAX is the result).
using SyscallHandler = void (*)(TrapFrame& frame);
void set_syscall_handler(SyscallHandler handler);

// Runs before every return to Ring 3 (after system calls, interrupts and
// exceptions taken in user mode): the scheduler preempts and dying tasks
// stop here, where no kernel lock is held.
using UserReturnHook = void (*)(TrapFrame& frame);
void set_user_return_hook(UserReturnHook hook);

inline constexpr uint64_t kSyscallVector = 0x100;  // TrapFrame::vector of a system call

}  // namespace hal

extern "C" {
// Enters Ring 3 with every register taken from `frame` (a fork child's
// first return, an execve's fresh start). The frame is copied to the top of
// the current kernel stack first, so the caller's storage may go away.
[[noreturn]] void hal_resume_user_frame(const hal::TrapFrame* frame);
}
