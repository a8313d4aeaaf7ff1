/*
 * The fatal error path. Bad input must never hang the machine or reset it
 * silently: print exactly one "amphi-loader: error: ..." line saying what was
 * wrong, announce the power-off, give a human 3 s to read it, then shut down
 * via runtime services (QEMU exits on ACPI power-off, which ends a test run).
 *
 * After the first ExitBootServices call the console may be gone, so the late
 * path writes straight to COM1 (harmless where there is none) and only uses
 * ResetSystem, a runtime service that stays valid.
 */
#include "loader.h"

static void halt_forever(void) {
  for (;;)
    __asm__ volatile("cli; hlt");
}

void amphi_fail(const CHAR16 *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  Print(L"amphi-loader: error: ");
  VPrint(fmt, args);
  va_end(args);
  Print(L"\r\namphi-loader: stopping; powering off in 3 s\r\n");
  BS->Stall(3 * 1000 * 1000);
  RT->ResetSystem(EfiResetShutdown, EFI_ABORTED, 0, NULL);
  halt_forever();
  __builtin_unreachable();
}

static void com1_putc(char c) {
  /* Wait (bounded) for the transmit holding register, then send. */
  for (int spin = 0; spin < 100000; spin++) {
    UINT8 lsr;
    __asm__ volatile("inb %1, %0" : "=a"(lsr) : "Nd"((UINT16)0x3fd));
    if (lsr & 0x20)
      break;
  }
  __asm__ volatile("outb %0, %1" : : "a"((UINT8)c), "Nd"((UINT16)0x3f8));
}

static void com1_puts(const char *s) {
  for (; *s; s++)
    com1_putc(*s);
}

void amphi_fail_late(const char *msg) {
  com1_puts("amphi-loader: error: ");
  com1_puts(msg);
  com1_puts("\r\namphi-loader: stopping; powering off\r\n");
  RT->ResetSystem(EfiResetShutdown, EFI_ABORTED, 0, NULL);
  halt_forever();
  __builtin_unreachable();
}
