/*
 * Progress and warning lines on the UEFI console. Under QEMU with
 * -serial stdio the firmware mirrors ConOut to the serial port, which is how
 * the test harness reads these, so every line carries the fixed
 * "amphi-loader: " prefix and ends in CR LF (the serial terminal needs both).
 */
#include "loader.h"

static void vline(const CHAR16 *prefix, const CHAR16 *fmt, va_list args) {
  Print(L"%s", prefix);
  VPrint(fmt, args);
  Print(L"\r\n");
}

void amphi_log(const CHAR16 *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vline(L"amphi-loader: ", fmt, args);
  va_end(args);
}

void amphi_warn(const CHAR16 *fmt, ...) {
  va_list args;
  va_start(args, fmt);
  vline(L"amphi-loader: warning: ", fmt, args);
  va_end(args);
}

/* Defined here because failing allocation is the one error every file shares. */
EFI_PHYSICAL_ADDRESS amphi_alloc_pages(UINTN pages, const char *what) {
  EFI_PHYSICAL_ADDRESS addr = 0;
  EFI_STATUS st = BS->AllocatePages(AllocateAnyPages, EfiLoaderData, pages, &addr);
  if (EFI_ERROR(st))
    amphi_fail(L"out of memory allocating %ld KiB for %a (%r)", (UINT64)pages * 4, what, st);
  return addr;
}
