/*
 * uint64_t hal_user_copy(void* dst, const void* src, uint64_t length)
 * returns 0 on success, 1 if a fault was fixed up (see hal/user_memory.h).
 * Only the instructions between hal_user_copy_begin and hal_user_copy_end
 * may fault on user addresses; the page-fault handler redirects such a fault
 * to hal_user_copy_fault.
 */
.section .text
.code64
.globl hal_user_copy, hal_user_copy_begin, hal_user_copy_end, hal_user_copy_fault
hal_user_copy:
  movq %rdx, %rcx
  shrq $3, %rcx                /* quadwords first: one iteration per 8 bytes */
  andl $7, %edx
  stac
hal_user_copy_begin:
  rep movsq
  movl %edx, %ecx
  rep movsb
hal_user_copy_end:
  clac
  xorl %eax, %eax
  ret
hal_user_copy_fault:
  clac
  movl $1, %eax
  ret
.section .note.GNU-stack,"",@progbits
