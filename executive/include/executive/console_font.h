// The console font linked into the kernel image.
//
// scripts/cmake/ConsoleFont.cmake (amphi_embed_console_font) gunzips a PSF
// font from Debian's `kbd` package at build time (Lat15-Terminus16, else
// Lat15-Fixed16, else Lat15-VGA16) and assembles it with .incbin into
// section .rodata.console_font, between these two symbols. Feed the bytes to
// PsfFont::parse(); they live as long as the kernel, as PsfFont requires.
// Kernel image only: host tests do not link the blob.
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {
extern const uint8_t amphi_console_font_start[];
extern const uint8_t amphi_console_font_end[];
}

namespace executive {

inline const uint8_t* console_font_data() { return amphi_console_font_start; }
inline size_t console_font_size() {
  return static_cast<size_t>(amphi_console_font_end - amphi_console_font_start);
}

}  // namespace executive
