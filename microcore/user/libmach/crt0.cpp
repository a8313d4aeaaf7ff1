// _start: the first instruction of every microcore user program.
//
// Entry contract (the kernel's loader sets it up): RSP = top of a 64 KiB user
// stack, 16-byte aligned; RDI = the NUL-terminated argument string (maybe
// empty), RSI = its length; no other register is defined. _start clears RBP
// so frame-pointer backtraces end here, realigns RSP defensively, and calls
// amphi_start with RDI/RSI untouched; the call pushes the return address, so
// amphi_start sees RSP = 8 mod 16 as the SysV ABI wants. main's result goes
// to task_exit, which never returns.
//
// There is no C runtime: no global constructors run (the programs have none)
// and .bss is zero because the loader zero-fills [filesz, memsz).
#include <stddef.h>

#include "mach.h"

int main(const char* args);

extern "C" [[noreturn]] void amphi_start(const char* args, size_t length) {
  (void)length;
  mach::task_exit(main(args));
}

extern "C" [[gnu::naked, noreturn]] void _start() {
  asm("xorl %ebp, %ebp\n\t"
      "andq $-16, %rsp\n\t"
      "call amphi_start\n\t"
      "ud2");
}
