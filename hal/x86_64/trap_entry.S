/*
 * Entry stubs for all 256 vectors. Each stub normalises the stack to a
 * hal::TrapFrame (pushing a zero error code where the CPU pushes none, then
 * the vector), saves the general registers and calls hal_trap_dispatch.
 *
 * Stack alignment: the CPU aligns RSP to 16 before pushing its 5-quadword
 * frame; 2 + 15 further pushes make 22 quadwords, so RSP is 16-aligned again
 * at the call, as the SysV ABI requires.
 *
 * GS: coming from user mode we SWAPGS so the kernel always sees its per-CPU
 * GS base, and swap back before IRETQ to user mode.
 */

#include "trap_frame.inc"

.section .text
.code64

.macro TRAP_STUB vector
  .align 16
trap_stub_\vector:
  .if (\vector == 8) || ((\vector >= 10) && (\vector <= 14)) || (\vector == 17) || (\vector == 21) || (\vector == 29) || (\vector == 30)
  .else
    pushq $0
  .endif
  pushq $\vector
  jmp trap_common
.endm

.altmacro
.macro TRAP_STUBS from, to
  TRAP_STUB %from
  .if \to-\from
    TRAP_STUBS %(from+1), \to
  .endif
.endm

TRAP_STUBS 0, 63
TRAP_STUBS 64, 127
TRAP_STUBS 128, 191
TRAP_STUBS 192, 255

trap_common:
  testq $3, 24(%rsp)          /* CS of the interrupted context */
  jz 1f
  swapgs
1:
  PUSH_GENERAL_REGISTERS
  cld
  movq %rsp, %rdi
  call hal_trap_dispatch
.globl hal_trap_return
hal_trap_return:
  POP_GENERAL_REGISTERS
  addq $16, %rsp              /* vector and error code */
  testq $3, 8(%rsp)
  jz 2f
  swapgs
2:
  iretq

/* Table of stub addresses, indexed by vector, for the IDT builder. */
.section .rodata
.align 8
.globl hal_trap_stubs
hal_trap_stubs:
.macro STUB_ADDRESS vector
  .quad trap_stub_\vector
.endm
.macro STUB_ADDRESSES from, to
  STUB_ADDRESS %from
  .if \to-\from
    STUB_ADDRESSES %(from+1), \to
  .endif
.endm
STUB_ADDRESSES 0, 63
STUB_ADDRESSES 64, 127
STUB_ADDRESSES 128, 191
STUB_ADDRESSES 192, 255

.section .note.GNU-stack,"",@progbits
