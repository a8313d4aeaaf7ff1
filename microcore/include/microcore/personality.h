// What a personality (bsdlayer: the Linux ABI) gets from the microcore.
//
// The microcore owns tasks, threads and memory; a personality owns the
// process model built on them. It sees user register state as a UserFrame
// (layout-identical to the HAL's trap frame, checked in microcore), copies
// user memory through these functions, and hooks the few moments where the
// microcore's own policy would otherwise apply: a system call outside the
// Mach range, a user fault the VM cannot resolve, a task's end.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/task.h"
#include "microcore/thread.h"
#include "rtl/result.h"

namespace microcore {

struct UserFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector, error_code;
  uint64_t rip, cs, rflags, rsp, ss;
};

// A system call below AMPHI_MACH_TRAP_BASE. The handler reads the number
// (rax) and arguments (rdi rsi rdx r10 r8 r9) and stores the result in rax;
// it may rewrite the whole frame (execve, rt_sigreturn, signal delivery).
using PersonalitySyscall = void (*)(UserFrame& frame);
void set_personality_syscall(PersonalitySyscall handler);

// A user fault the VM could not resolve. Return true if the personality
// handled it (e.g. queued SIGSEGV and rewrote the frame for a handler);
// false lets the microcore terminate the task with its usual log line.
struct UserFault {
  uint64_t vector;
  uint64_t address;  // CR2 for page faults
  bool write;
  bool present;
};
using UserFaultHook = bool (*)(Task& task, UserFrame& frame, const UserFault& fault);
void set_user_fault_hook(UserFaultHook hook);

// Runs when a task is destroyed (after its last thread exited), before its
// resources go: the personality turns it into a zombie, signals the parent.
using TaskExitHook = void (*)(Task& task);
void set_task_exit_hook(TaskExitHook hook);

// Runs on every return to user mode of a task with a personality (signal
// delivery point); may rewrite the frame.
using UserReturnHook = void (*)(Task& task, UserFrame& frame);
void set_personality_return_hook(UserReturnHook hook);

// User memory of the current task; false on any invalid address.
[[nodiscard]] bool copy_from_user(void* destination, uint64_t user_source, size_t length);
[[nodiscard]] bool copy_to_user(uint64_t user_destination, const void* source, size_t length);
// Copies a NUL-terminated string of at most capacity-1 bytes; returns its
// length, Errc::too_big if longer, Errc::out_of_range on a bad address.
rtl::Result<size_t> copy_string_from_user(char* destination, uint64_t user_source, size_t capacity);

// fork(): a new task whose address space is a copy-on-write clone of
// `parent`'s, with one thread that will resume in user mode from `frame`
// (its rax set to `child_rax`). The child does not run until resumed.
rtl::Result<Task*> fork_task(Task& parent, const UserFrame& frame, uint64_t child_rax, const char* name);
void resume_task(Task& task);

// clone(CLONE_THREAD): a new thread in `task` (the caller's) that resumes
// user mode from `frame` (rsp already set to its new stack by the caller)
// with rax = `rax` and the TLS pointer `fs_base`. It does not run until
// start_thread; the task ends with its last thread.
rtl::Result<Thread*> create_thread_in(Task& task, const UserFrame& frame, uint64_t rax, uint64_t fs_base);
void start_thread(Thread* thread);
Thread* current_thread_handle();  // the calling thread (personality_thread lives there)
// execve: every other thread of the calling thread's task exits at its
// next return towards user mode (blocked ones wake now). The caller waits
// for them (live_thread_count_of) before reusing their state.
void end_other_threads();
uint32_t live_thread_count_of(Task& task);  // threads not yet dead

// execve(): empties the task's address space (the caller has already
// validated the new image), so the loader can map the new program.
rtl::Result<void> reset_address_space(Task& task);
// Maps [address, address+size) anonymous zero-filled with the protection,
// in the current task (brk, mmap, program segments, stacks).
enum class UserProtection : uint8_t { none = 0, read = 1, write = 2, execute = 4 };
rtl::Result<uint64_t> map_anonymous(Task& task, uint64_t address, uint64_t size, uint32_t protection_bits, bool fixed);
rtl::Result<void> unmap(Task& task, uint64_t address, uint64_t size);
rtl::Result<void> protect(Task& task, uint64_t address, uint64_t size, uint32_t protection_bits);

// The current thread's TLS register (arch_prctl ARCH_SET_FS / GET_FS).
void set_thread_pointer(uint64_t fs_base);
uint64_t thread_pointer();

// Blocking for personality objects (pipes, ttys, wait4): thin wrappers over
// the scheduler's wait queues, so a personality needs nothing else from it.
struct WaitQueue;
rtl::Result<WaitQueue*> create_wait_queue();
void destroy_wait_queue(WaitQueue* queue);
enum class WaitOutcome : uint8_t { woken, timed_out, interrupted };
// Sleeps until woken, the absolute deadline (ns since boot; 0 = none)
// passes, or the task is killed.
WaitOutcome wait_on(WaitQueue& queue, uint64_t deadline_ns);
void wake_waiters(WaitQueue& queue);  // safe from interrupt context
// A signal needs the task's attention: a thread blocked in wait_on returns
// `interrupted` now, one about to block does so at once; the state clears
// at the thread's next return to user mode (where the personality hook
// delivers). Unlike Task::kill, the task lives on.
void interrupt_thread(Task& task);
// The calling thread's personality has acted on the interruption (e.g. it
// now sleeps as a stopped process): its next wait blocks again.
void clear_thread_interrupt();
uint64_t now_ns();
void yield_cpu();
Task& current_task();
// Ends the calling thread (its task ends with its last thread).
[[noreturn]] void exit_current_thread();

// The current thread's x87/SSE state as a 512-byte FXSAVE image (the
// signal frame's fpstate): save copies it out (a thread that never used the
// unit gets the clean FNINIT image), load makes `image` the state user code
// resumes with. `image` is 16-byte aligned; the caller has already
// sanitised MXCSR (a reserved bit would fault in FXRSTOR).
void save_user_fpu(void* image);
void load_user_fpu(const void* image);

// Starts a kernel thread (personality housekeeping, e.g. posting signals
// raised in interrupt context). An `above_user` thread runs ahead of every
// user thread (at the default priority): for kernel work that must not wait
// behind user load, such as the driver supervisor's watchdog and restarts.
rtl::Result<void> start_kernel_thread(void (*entry)(void*), void* argument,
                                      bool above_user = false);

// Runs `entry(argument)` as the first user program of a new task: the
// personality's init. The kernel thread becomes the task's first thread and
// must end by resuming user mode (resume_user_frame) or exiting.
rtl::Result<Task*> create_personality_task(const char* name, void (*entry)(void*), void* argument);
[[noreturn]] void resume_user_frame(const UserFrame& frame);

}  // namespace microcore
