/*
 * Identifies the firmware for the boot record and the log. The vendor string
 * is UCS-2/UTF-16 in the system table; the record wants UTF-8, NUL-terminated
 * and at most AMPHI_FIRMWARE_VENDOR_MAX bytes, so the conversion never splits
 * a multi-byte sequence when it truncates.
 */
#include "loader.h"

static UINTN utf8_encode(UINT32 cp, char out[4]) {
  if (cp < 0x80) {
    out[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (char)(0xc0 | (cp >> 6));
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (char)(0xe0 | (cp >> 12));
    out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  out[0] = (char)(0xf0 | (cp >> 18));
  out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  out[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

static void utf16_to_utf8(const CHAR16 *in, char *out, UINTN cap) {
  UINTN n = 0;
  for (; in && *in; in++) {
    UINT32 cp = *in;
    if (cp >= 0xd800 && cp < 0xdc00 && in[1] >= 0xdc00 && in[1] < 0xe000) {
      cp = 0x10000 + ((cp - 0xd800) << 10) + (in[1] - 0xdc00);
      in++;
    } else if (cp >= 0xd800 && cp < 0xe000) {
      cp = 0xfffd; /* lone surrogate */
    }
    char buf[4];
    UINTN len = utf8_encode(cp, buf);
    if (n + len + 1 > cap)
      break;
    for (UINTN i = 0; i < len; i++)
      out[n++] = buf[i];
  }
  out[n] = 0;
}

void firmware_identify(struct amphi_boot_info *bi) {
  utf16_to_utf8(ST->FirmwareVendor, bi->firmware_vendor, sizeof bi->firmware_vendor);
  bi->firmware_revision = ST->FirmwareRevision;
  bi->uefi_revision = ST->Hdr.Revision;
  bi->efi_system_table = (UINT64)(UINTN)ST;
  amphi_log(L"firmware %s rev 0x%x, UEFI %d.%d", ST->FirmwareVendor ? ST->FirmwareVendor : L"?",
            ST->FirmwareRevision, ST->Hdr.Revision >> 16, ST->Hdr.Revision & 0xffff);
}
