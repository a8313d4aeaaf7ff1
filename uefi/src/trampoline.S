/*
 * The last loader code to run. Called (SysV) as
 *   amphi_trampoline(cr3, rsp, entry, boot_info_virt)
 * after ExitBootServices, from the loader image, which the firmware's tables
 * identity-map. The loader's tables identity-map these same bytes, so
 * execution continues across the CR3 write; everything after it uses only
 * registers. Clearing CR4.PGE first flushes any global firmware TLB entries.
 * The kernel is entered with "call" so that at its first instruction
 * RSP % 16 == 8, exactly as after a normal SysV call; it must not return,
 * but if it does the CPU halts here instead of running off into memory.
 * Must stay position-independent: it runs wherever the firmware put us.
 */
    .text
    .balign 64
    .globl amphi_trampoline
    .globl amphi_trampoline_end
amphi_trampoline:
    cli
    mov %cr4, %rax
    and $~0x80, %rax
    mov %rax, %cr4
    mov %rdi, %cr3
    mov %rsi, %rsp
    xor %ebp, %ebp
    mov %rcx, %rdi
    call *%rdx
1:  cli
    hlt
    jmp 1b
amphi_trampoline_end:

    .section .note.GNU-stack,"",@progbits
