// Framebuffer text console (see executive/text_console.h for what it
// understands and its invariants).
//
// Bytes flow: UTF-8 decoder -> escape parser -> controls or glyphs. The
// escape parser follows ECMA-48's shape (ESC, intermediates 0x20-0x2F, final
// 0x30-0x7E; CSI parameters 0x30-0x3F, intermediates, final 0x40-0x7E) so any
// well-formed sequence ends where a terminal would end it, known or not.
#include "executive/text_console.h"

#include <cstring>

namespace executive {

namespace {
constexpr uint8_t kEscape = 0x1B;
constexpr uint32_t kReplacementCharacter = 0xFFFD;
constexpr uint32_t kMaxParameterValue = 9999;

uint32_t clamp_below(uint32_t value, uint32_t limit) { return value < limit ? value : limit - 1; }
}  // namespace

TextConsole::TextConsole(const Framebuffer& framebuffer, const PsfFont& font)
    : framebuffer_(framebuffer),
      font_(font),
      columns_(framebuffer.width / font.width()),
      rows_(framebuffer.height / font.height()) {}

uint32_t TextConsole::pixel_for(uint32_t rgb) const {
  uint32_t red = (rgb >> 16) & 0xFF, green = (rgb >> 8) & 0xFF, blue = rgb & 0xFF;
  // Pixels are little-endian words: the first byte in memory is bits 0-7.
  if (framebuffer_.format == PixelFormat::rgbx) return red | (green << 8) | (blue << 16);
  return blue | (green << 8) | (red << 16);
}

uint32_t TextConsole::foreground_pixel() const {
  uint8_t index = foreground_;
  if (bold_ && index < 8) index += 8;
  return pixel_for(kPalette[index]);
}

// --- input decoding ---------------------------------------------------------

void TextConsole::write(std::string_view utf8) {
  if (columns_ == 0 || rows_ == 0) return;
  for (char c : utf8) handle_byte(static_cast<uint8_t>(c));
}

void TextConsole::handle_byte(uint8_t byte) {
  if (utf8_remaining_) {
    if ((byte & 0xC0) == 0x80) {
      utf8_codepoint_ = (utf8_codepoint_ << 6) | (byte & 0x3F);
      if (--utf8_remaining_ == 0) {
        bool valid = utf8_codepoint_ >= utf8_minimum_ && utf8_codepoint_ <= 0x10FFFF &&
                     !(utf8_codepoint_ >= 0xD800 && utf8_codepoint_ <= 0xDFFF);
        handle_codepoint(valid ? utf8_codepoint_ : kReplacementCharacter);
      }
      return;
    }
    // Truncated sequence: replace it, then treat this byte afresh.
    utf8_remaining_ = 0;
    handle_codepoint(kReplacementCharacter);
  }
  if (byte < 0x80) {
    handle_codepoint(byte);
  } else if (byte >= 0xC2 && byte <= 0xDF) {
    utf8_codepoint_ = byte & 0x1F, utf8_minimum_ = 0x80, utf8_remaining_ = 1;
  } else if (byte >= 0xE0 && byte <= 0xEF) {
    utf8_codepoint_ = byte & 0x0F, utf8_minimum_ = 0x800, utf8_remaining_ = 2;
  } else if (byte >= 0xF0 && byte <= 0xF4) {
    utf8_codepoint_ = byte & 0x07, utf8_minimum_ = 0x10000, utf8_remaining_ = 3;
  } else {
    handle_codepoint(kReplacementCharacter);  // stray continuation, C0/C1, F5+
  }
}

void TextConsole::handle_codepoint(uint32_t codepoint) {
  if (state_ != ParseState::ground) {
    if (codepoint >= 0x80) {
      state_ = ParseState::ground;  // not part of any sequence: abandon it
    } else if (codepoint == kEscape) {
      state_ = ParseState::escape;
      return;
    } else if (codepoint == 0x18 || codepoint == 0x1A) {  // CAN, SUB
      state_ = ParseState::ground;
      return;
    } else if (codepoint < 0x20) {
      handle_control(static_cast<uint8_t>(codepoint));  // executed mid-sequence
      return;
    } else {
      if (state_ == ParseState::escape)
        handle_escape(static_cast<uint8_t>(codepoint));
      else
        handle_csi(static_cast<uint8_t>(codepoint));
      return;
    }
  }
  if (codepoint < 0x20 || codepoint == 0x7F)
    handle_control(static_cast<uint8_t>(codepoint));
  else
    put_glyph(codepoint);
}

void TextConsole::handle_control(uint8_t byte) {
  switch (byte) {
    case '\n':
      column_ = 0;
      line_feed();
      break;
    case '\r':
      column_ = 0;
      break;
    case '\t': {
      uint32_t next = (clamp_below(column_, columns_) / kTabWidth + 1) * kTabWidth;
      column_ = clamp_below(next, columns_);
      break;
    }
    case '\b':
      column_ = clamp_below(column_, columns_);
      if (column_) --column_;
      break;
    case kEscape:
      state_ = ParseState::escape;
      break;
    default:
      break;  // BEL, DEL and the rest: nothing to draw
  }
}

void TextConsole::handle_escape(uint8_t byte) {
  if (byte == '[') {
    state_ = ParseState::csi;
    for (uint32_t& parameter : parameters_) parameter = 0;
    parameter_count_ = 1;
  } else if (byte >= 0x30) {
    state_ = ParseState::ground;  // final byte of a sequence we do not support
  }
  // 0x20-0x2F: intermediate (ESC ( B and friends), the final byte follows.
}

void TextConsole::handle_csi(uint8_t byte) {
  if (byte >= '0' && byte <= '9') {
    uint32_t& value = parameters_[parameter_count_ - 1];
    value = value * 10 + (byte - '0');
    if (value > kMaxParameterValue) value = kMaxParameterValue;
  } else if (byte == ';') {
    if (parameter_count_ < kMaxCsiParameters)
      ++parameter_count_;
    else
      state_ = ParseState::csi_ignore;
  } else if (byte >= 0x20 && byte <= 0x3F) {
    // Private markers (?25l), sub-parameters, intermediates: not ours.
    state_ = ParseState::csi_ignore;
  } else if (byte >= 0x40 && byte <= 0x7E) {
    if (state_ == ParseState::csi) execute_csi(byte);
    state_ = ParseState::ground;
  }
}

uint32_t TextConsole::parameter(size_t index, uint32_t fallback) const {
  return index < parameter_count_ && parameters_[index] ? parameters_[index] : fallback;
}

void TextConsole::execute_csi(uint8_t final_byte) {
  uint32_t count = parameter(0, 1);
  switch (final_byte) {
    case 'm':
      select_graphic_rendition();
      break;
    case 'H':
    case 'f':
      row_ = clamp_below(parameter(0, 1) - 1, rows_);
      column_ = clamp_below(parameter(1, 1) - 1, columns_);
      break;
    case 'A':
      row_ = row_ > count ? row_ - count : 0;
      column_ = clamp_below(column_, columns_);
      break;
    case 'B':
      row_ = clamp_below(row_ + count, rows_);
      column_ = clamp_below(column_, columns_);
      break;
    case 'C':
      column_ = clamp_below(column_ + count, columns_);
      break;
    case 'D': {
      uint32_t column = clamp_below(column_, columns_);
      column_ = column > count ? column - count : 0;
      break;
    }
    case 'J': {
      uint32_t mode = parameter(0, 0);
      uint32_t column = clamp_below(column_, columns_);
      if (mode == 0) {
        fill_cells(row_, column, columns_);
        for (uint32_t row = row_ + 1; row < rows_; ++row) fill_cells(row, 0, columns_);
      } else if (mode == 1) {
        for (uint32_t row = 0; row < row_; ++row) fill_cells(row, 0, columns_);
        fill_cells(row_, 0, column + 1);
      } else if (mode == 2 || mode == 3) {
        for (uint32_t row = 0; row < rows_; ++row) fill_cells(row, 0, columns_);
      }
      break;
    }
    case 'K': {
      uint32_t mode = parameter(0, 0);
      uint32_t column = clamp_below(column_, columns_);
      if (mode == 0) fill_cells(row_, column, columns_);
      if (mode == 1) fill_cells(row_, 0, column + 1);
      if (mode == 2) fill_cells(row_, 0, columns_);
      break;
    }
    default:
      break;  // parsed and ignored
  }
}

void TextConsole::select_graphic_rendition() {
  for (size_t i = 0; i < parameter_count_; ++i) {
    uint32_t code = parameters_[i];
    if (code == 0) {
      foreground_ = kDefaultForeground;
      background_ = kDefaultBackground;
      bold_ = false;
    } else if (code == 1) {
      bold_ = true;
    } else if (code == 22) {
      bold_ = false;
    } else if (code >= 30 && code <= 37) {
      foreground_ = static_cast<uint8_t>(code - 30);
    } else if (code == 39) {
      foreground_ = kDefaultForeground;
    } else if (code >= 40 && code <= 47) {
      background_ = static_cast<uint8_t>(code - 40);
    } else if (code == 49) {
      background_ = kDefaultBackground;
    } else if (code >= 90 && code <= 97) {
      foreground_ = static_cast<uint8_t>(code - 90 + 8);
    } else if (code >= 100 && code <= 107) {
      background_ = static_cast<uint8_t>(code - 100 + 8);
    } else if (code == 38 || code == 48) {
      // 256-colour (5;n) and true-colour (2;r;g;b) forms: unsupported, but
      // their arguments must not be read as codes of their own.
      uint32_t form = i + 1 < parameter_count_ ? parameters_[i + 1] : 0;
      i += form == 5 ? 2 : form == 2 ? 4 : 0;
    }
  }
}

// --- drawing ----------------------------------------------------------------

void TextConsole::put_glyph(uint32_t codepoint) {
  if (column_ >= columns_) {  // pending wrap
    column_ = 0;
    line_feed();
  }
  draw_cell(column_, row_, font_.glyph_bitmap(codepoint));
  ++column_;
}

void TextConsole::draw_cell(uint32_t column, uint32_t row, const uint8_t* bitmap) {
  uint32_t foreground = foreground_pixel(), background = background_pixel();
  uint32_t width = font_.width(), height = font_.height();
  uint32_t bytes_per_row = font_.bytes_per_row();
  for (uint32_t y = 0; y < height; ++y) {
    uint32_t* pixel = framebuffer_.pixels +
                      static_cast<size_t>(row * height + y) * framebuffer_.pitch_pixels +
                      column * width;
    const uint8_t* bits = bitmap + y * bytes_per_row;
    for (uint32_t x = 0; x < width; ++x)
      pixel[x] = (bits[x >> 3] & (0x80 >> (x & 7))) ? foreground : background;
  }
}

void TextConsole::fill_cells(uint32_t row, uint32_t first_column, uint32_t end_column) {
  uint32_t background = background_pixel();
  uint32_t height = font_.height();
  for (uint32_t y = row * height; y < (row + 1) * height; ++y) {
    uint32_t* line = framebuffer_.pixels + static_cast<size_t>(y) * framebuffer_.pitch_pixels;
    for (uint32_t x = first_column * font_.width(); x < end_column * font_.width(); ++x)
      line[x] = background;
  }
}

void TextConsole::line_feed() {
  if (row_ + 1 < rows_)
    ++row_;
  else
    scroll_up();
}

void TextConsole::scroll_up() {
  uint32_t height = font_.height();
  size_t text_bytes = static_cast<size_t>(columns_) * font_.width() * sizeof(uint32_t);
  for (uint32_t y = 0; y < (rows_ - 1) * height; ++y) {
    uint32_t* to = framebuffer_.pixels + static_cast<size_t>(y) * framebuffer_.pitch_pixels;
    memmove(to, to + static_cast<size_t>(height) * framebuffer_.pitch_pixels, text_bytes);
  }
  fill_cells(rows_ - 1, 0, columns_);
}

void TextConsole::clear() {
  uint32_t background = background_pixel();
  for (uint32_t y = 0; y < framebuffer_.height; ++y) {
    uint32_t* line = framebuffer_.pixels + static_cast<size_t>(y) * framebuffer_.pitch_pixels;
    for (uint32_t x = 0; x < framebuffer_.width; ++x) line[x] = background;
  }
  column_ = 0;
  row_ = 0;
}

}  // namespace executive
