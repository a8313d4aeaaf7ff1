/*
 * Describes GOP's current mode as the kernel's framebuffer. The loader never
 * changes the mode: what the firmware chose is known to work on this
 * display. A missing GOP (headless firmware) or a mode without a linear
 * 32-bit framebuffer is not fatal: format AMPHI_PIXEL_NONE and a warning.
 */
#include "loader.h"

static UINT32 classify(const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info) {
  switch (info->PixelFormat) {
  case PixelRedGreenBlueReserved8BitPerColor:
    return AMPHI_PIXEL_RGBX;
  case PixelBlueGreenRedReserved8BitPerColor:
    return AMPHI_PIXEL_BGRX;
  case PixelBitMask:
    if (info->PixelInformation.RedMask == 0xff && info->PixelInformation.GreenMask == 0xff00 &&
        info->PixelInformation.BlueMask == 0xff0000)
      return AMPHI_PIXEL_RGBX;
    if (info->PixelInformation.BlueMask == 0xff && info->PixelInformation.GreenMask == 0xff00 &&
        info->PixelInformation.RedMask == 0xff0000)
      return AMPHI_PIXEL_BGRX;
    return AMPHI_PIXEL_NONE;
  default:
    return AMPHI_PIXEL_NONE;
  }
}

void gop_query(struct amphi_framebuffer *fb) {
  EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
  EFI_STATUS st;

  SetMem(fb, sizeof *fb, 0);
  fb->format = AMPHI_PIXEL_NONE;
  st = BS->LocateProtocol(&GraphicsOutputProtocol, NULL, (void **)&gop);
  if (EFI_ERROR(st) || !gop || !gop->Mode || !gop->Mode->Info) {
    amphi_warn(L"no GOP; booting without a framebuffer");
    return;
  }
  const EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *info = gop->Mode->Info;
  UINT32 format = classify(info);
  if (format == AMPHI_PIXEL_NONE) {
    amphi_warn(L"GOP mode has no linear 32-bit framebuffer; booting without one");
    return;
  }
  fb->base = gop->Mode->FrameBufferBase;
  fb->size = gop->Mode->FrameBufferSize;
  fb->width = info->HorizontalResolution;
  fb->height = info->VerticalResolution;
  fb->pixels_per_scanline = info->PixelsPerScanLine;
  fb->format = format;
  amphi_log(L"framebuffer %dx%d, %d px/line, %a at 0x%lx (%ld bytes)", fb->width, fb->height,
            fb->pixels_per_scanline, format == AMPHI_PIXEL_BGRX ? "BGRX" : "RGBX", fb->base,
            fb->size);
}
