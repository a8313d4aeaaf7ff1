#include "hal/context.h"

#include "hal/cpu.h"

extern "C" void hal_thread_start();

namespace hal {
SyscallHandler g_syscall_handler = nullptr;  // set once at boot
UserReturnHook g_user_return_hook = nullptr;  // set once at boot

uint64_t prepare_thread_stack(uintptr_t stack_top, void (*entry)(void*), void* argument) {
  // Matches hal_switch_context's pops: r15 r14 r13 r12 rbx rbp, then ret.
  // The return address sits at top-8 so hal_thread_start runs with RSP
  // 16-aligned, as its call into `entry` requires.
  auto* slot = reinterpret_cast<uint64_t*>(stack_top);
  slot[-1] = reinterpret_cast<uint64_t>(&hal_thread_start);
  slot[-2] = 0;                                      // rbp
  slot[-3] = 0;                                      // rbx
  slot[-4] = reinterpret_cast<uint64_t>(entry);      // r12
  slot[-5] = reinterpret_cast<uint64_t>(argument);   // r13
  slot[-6] = 0;                                      // r14
  slot[-7] = 0;                                      // r15
  return stack_top - 7 * 8;
}

void set_syscall_handler(SyscallHandler handler) { g_syscall_handler = handler; }
void set_user_return_hook(UserReturnHook hook) { g_user_return_hook = hook; }

void run_user_return_hook(TrapFrame& frame) {
  if (g_user_return_hook) g_user_return_hook(frame);
}

}  // namespace hal

extern "C" void hal_syscall_dispatch(hal::TrapFrame* frame) {
  hal::x86::sti();  // the frame is complete: interrupts may nest from here
  if (hal::g_syscall_handler)
    hal::g_syscall_handler(*frame);
  else
    frame->rax = static_cast<uint64_t>(-38);  // ENOSYS
  hal::x86::cli();
  hal::run_user_return_hook(*frame);
}
