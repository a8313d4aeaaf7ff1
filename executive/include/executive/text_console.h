// A text console drawn with a PSF font into a linear 32-bit framebuffer: the
// kernel's screen from the first printk until a real tty owns the display,
// and later the backend of the framebuffer tty the busybox shell talks to.
//
// What it understands: UTF-8 (invalid bytes draw U+FFFD, i.e. the font's
// replacement or '?' glyph); \n (line feed plus carriage return, as the
// kernel console does), \r, \t (stops every 8 columns), \b (non-destructive);
// CSI sequences: SGR m (0 reset, 1 bold = bright, 22, 30-37, 39, 40-47, 49,
// 90-97, 100-107), H/f cursor position, A/B/C/D cursor moves, J erase in
// display (2 = clear screen), K erase in line. Every other escape sequence is
// parsed to its final byte and ignored, so unknown ones never print garbage.
//
// Invariants: the cursor row is always < rows(); the cursor column is <=
// columns(), equal only while a wrap is pending (the last column was just
// written; the next printable character wraps first, like a VT100). Parser
// state survives across write() calls, so sequences and UTF-8 may be split.
//
// Not thread-safe: the owner serializes. No allocation. Scrolling reads the
// framebuffer back, which is slow on write-combined memory; a shadow buffer
// can come later without changing this interface.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "executive/psf_font.h"

namespace executive {

// Byte order of one pixel in memory, as UEFI GOP reports it
// (AMPHI_PIXEL_RGBX / AMPHI_PIXEL_BGRX in amphi/boot_info.h).
enum class PixelFormat : uint8_t { rgbx, bgrx };

struct Framebuffer {
  uint32_t* pixels;
  uint32_t width;         // visible pixels per row
  uint32_t height;        // rows
  uint32_t pitch_pixels;  // pixels from one row to the next (>= width)
  PixelFormat format;
};

class TextConsole {
 public:
  static constexpr uint8_t kDefaultForeground = 7;  // light grey
  static constexpr uint8_t kDefaultBackground = 0;  // black
  static constexpr uint32_t kTabWidth = 8;
  static constexpr size_t kMaxCsiParameters = 16;

  // 0xRRGGBB for the 16 ANSI colours (0-7 normal, 8-15 bright), VGA values.
  static constexpr uint32_t kPalette[16] = {
      0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xaaaaaa,
      0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
  };

  // Both must outlive the console. Does not draw: call clear() for a blank
  // screen.
  TextConsole(const Framebuffer& framebuffer, const PsfFont& font);

  void write(std::string_view utf8);
  // Fills the whole framebuffer with the background colour, cursor home.
  void clear();

  uint32_t columns() const { return columns_; }
  uint32_t rows() const { return rows_; }
  uint32_t cursor_column() const { return column_; }
  uint32_t cursor_row() const { return row_; }

  // The framebuffer word for a 0xRRGGBB colour in this console's format.
  uint32_t pixel_for(uint32_t rgb) const;

 private:
  enum class ParseState : uint8_t { ground, escape, csi, csi_ignore };

  void handle_byte(uint8_t byte);
  void handle_codepoint(uint32_t codepoint);
  void handle_control(uint8_t byte);
  void handle_escape(uint8_t byte);
  void handle_csi(uint8_t byte);
  void execute_csi(uint8_t final_byte);
  void select_graphic_rendition();
  uint32_t parameter(size_t index, uint32_t fallback) const;

  void put_glyph(uint32_t codepoint);
  void draw_cell(uint32_t column, uint32_t row, const uint8_t* bitmap);
  void fill_cells(uint32_t row, uint32_t first_column, uint32_t end_column);
  void line_feed();
  void scroll_up();
  uint32_t foreground_pixel() const;
  uint32_t background_pixel() const { return pixel_for(kPalette[background_]); }

  Framebuffer framebuffer_;
  const PsfFont& font_;
  uint32_t columns_;
  uint32_t rows_;
  uint32_t column_ = 0;
  uint32_t row_ = 0;
  uint8_t foreground_ = kDefaultForeground;
  uint8_t background_ = kDefaultBackground;
  bool bold_ = false;

  // UTF-8 decoding.
  uint32_t utf8_codepoint_ = 0;
  uint32_t utf8_minimum_ = 0;
  uint8_t utf8_remaining_ = 0;

  // Escape sequence parsing.
  ParseState state_ = ParseState::ground;
  uint32_t parameters_[kMaxCsiParameters] = {};
  size_t parameter_count_ = 0;  // empty parameters count, as 0
};

}  // namespace executive
