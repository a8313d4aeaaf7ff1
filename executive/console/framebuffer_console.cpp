#include "executive/framebuffer_console.h"

#include <new>

#include "executive/console_font.h"
#include "executive/klog.h"
#include "executive/psf_font.h"
#include "executive/text_console.h"
#include "hal/paging.h"

namespace executive {
namespace {

// One console for the machine's one framebuffer; constructed in place once.
alignas(TextConsole) uint8_t g_console_storage[sizeof(TextConsole)];
alignas(PsfFont) uint8_t g_font_storage[sizeof(PsfFont)];

}  // namespace

rtl::Result<void> attach_framebuffer_console(const amphi_boot_info& boot) {
  const amphi_framebuffer& fb = boot.framebuffer;
  if (fb.format == AMPHI_PIXEL_NONE) return rtl::Error(rtl::Errc::not_found, "no framebuffer");
  if (fb.width == 0 || fb.height == 0 || fb.pixels_per_scanline < fb.width ||
      uint64_t(fb.pixels_per_scanline) * fb.height * 4 > fb.size)
    return rtl::Error(rtl::Errc::bad_format, "framebuffer geometry inconsistent");
  auto font = TRY(PsfFont::parse(console_font_data(), console_font_size()));
  uintptr_t pixels = TRY(hal::paging::map_device_memory(fb.base, fb.size));
  auto* stored_font = new (g_font_storage) PsfFont(font);
  Framebuffer framebuffer{reinterpret_cast<uint32_t*>(pixels), fb.width, fb.height,
                          fb.pixels_per_scanline,
                          fb.format == AMPHI_PIXEL_RGBX ? PixelFormat::rgbx : PixelFormat::bgrx};
  auto* console = new (g_console_storage) TextConsole(framebuffer, *stored_font);
  console->clear();
  klog::attach_framebuffer_console(console);
  return {};
}

}  // namespace executive
