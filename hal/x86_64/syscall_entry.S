/*
 * SYSCALL entry. The CPU leaves RIP in RCX, RFLAGS in R11, and nothing else:
 * we are on the user stack with user GS. We swap to the kernel GS, park the
 * user RSP in the per-CPU block, switch to this thread's kernel stack and
 * build a hal::TrapFrame exactly like trap_entry.S does (vector 0x100 marks a
 * system call), so every later mechanism (signals, ptrace-style inspection,
 * killing a task) sees one frame format.
 *
 * Return: SYSRET when the saved RIP is canonical (SYSRET with a
 * non-canonical RCX would fault in Ring 0 on Intel CPUs), else IRETQ.
 * Interrupts are enabled by the dispatcher once the frame is complete.
 */
#define CPU_KERNEL_STACK 8
#define CPU_USER_STACK 16
#define USER_DATA_SELECTOR (0x18 | 3)
#define USER_CODE_SELECTOR (0x20 | 3)

#include "trap_frame.inc"

.section .text
.code64
.globl hal_syscall_entry
hal_syscall_entry:
  swapgs
  movq %rsp, %gs:CPU_USER_STACK
  movq %gs:CPU_KERNEL_STACK, %rsp
  pushq $USER_DATA_SELECTOR
  pushq %gs:CPU_USER_STACK
  pushq %r11                   /* RFLAGS */
  pushq $USER_CODE_SELECTOR
  pushq %rcx                   /* RIP */
  pushq $0                     /* error code */
  pushq $0x100                 /* vector: system call */
  PUSH_GENERAL_REGISTERS
  xorl %ebp, %ebp              /* user RBP is not a kernel frame: end backtraces */
  movq %rsp, %rdi
  call hal_syscall_dispatch

.globl hal_syscall_return
hal_syscall_return:
  cli
  POP_GENERAL_REGISTERS
  addq $16, %rsp               /* vector, error code */
  /* Now: RIP, CS, RFLAGS, RSP, SS. SYSRET clobbers RCX and R11 with RIP
   * and RFLAGS, so it serves only frames where they already hold those
   * (an ordinary system call); a rewritten frame (rt_sigreturn, signal
   * delivery, execve) returns through IRETQ with every register intact.
   * SYSRET only to canonical addresses. */
  cmpq (%rsp), %rcx
  jne 1f
  cmpq 16(%rsp), %r11
  jne 1f
  movq %rcx, %r11
  sarq $47, %r11
  movq 16(%rsp), %r11          /* RFLAGS again (MOV keeps the flags of SAR) */
  jnz 1f                       /* upper bits not all zero: not a user address */
  movq 24(%rsp), %rsp          /* user RSP; the frame is no longer needed */
  swapgs
  sysretq
1:
  swapgs
  iretq

/*
 * hal_enter_user(rip, rsp, arg0, arg1): first entry of a thread into Ring 3.
 * Builds an IRETQ frame with interrupts enabled, loads the two arguments
 * into RDI and RSI, clears every other register so no kernel value leaks.
 */
.globl hal_enter_user
hal_enter_user:
  cli
  pushq $USER_DATA_SELECTOR
  pushq %rsi                   /* user RSP */
  pushq $0x202                 /* RFLAGS: IF */
  pushq $USER_CODE_SELECTOR
  pushq %rdi                   /* user RIP */
  movq %rdx, %rdi
  movq %rcx, %rsi
  xorl %eax, %eax
  xorl %ebx, %ebx
  xorl %ecx, %ecx
  xorl %edx, %edx
  xorl %ebp, %ebp
  xorl %r8d, %r8d
  xorl %r9d, %r9d
  xorl %r10d, %r10d
  xorl %r11d, %r11d
  xorl %r12d, %r12d
  xorl %r13d, %r13d
  xorl %r14d, %r14d
  xorl %r15d, %r15d
  swapgs
  iretq

/*
 * hal_switch_context(uint64_t* save_rsp, uint64_t load_rsp): the kernel
 * thread switch. Saves the callee-saved registers on the old stack, stores
 * its RSP, loads the new one and returns into whatever the new stack holds:
 * either an earlier hal_switch_context call or the bootstrap frame of a new
 * thread (hal_thread_start).
 */
.globl hal_switch_context
hal_switch_context:
  pushq %rbp
  pushq %rbx
  pushq %r12
  pushq %r13
  pushq %r14
  pushq %r15
  movq %rsp, (%rdi)
  movq %rsi, %rsp
  popq %r15
  popq %r14
  popq %r13
  popq %r12
  popq %rbx
  popq %rbp
  ret

/* A new thread's first return lands here with entry in R12, argument in R13. */
.globl hal_thread_start
hal_thread_start:
  movq %r13, %rdi
  xorl %ebp, %ebp
  callq *%r12
  ud2                          /* entry functions never return */

.section .note.GNU-stack,"",@progbits

/*
 * hal_resume_user_frame(const TrapFrame* frame): copy the 22-quadword frame
 * to the top of this thread's kernel stack (the per-CPU entry stack) and
 * leave through the common trap return, which restores every register,
 * swaps GS and IRETQs to Ring 3.
 */
.section .text
.globl hal_resume_user_frame
hal_resume_user_frame:
  cli
  movq %rdi, %rsi
  movq %gs:CPU_KERNEL_STACK, %rdi
  subq $176, %rdi              /* sizeof(TrapFrame) = 22 * 8 */
  movq %rdi, %rsp
  movl $22, %ecx
  rep movsq
  jmp hal_trap_return
.section .note.GNU-stack,"",@progbits
