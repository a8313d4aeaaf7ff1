// PC Screen Font (PSF1 and PSF2) parsing: the console fonts Debian's `kbd`
// ships in /usr/share/consolefonts, one of which the build embeds in the
// kernel (executive/console_font.h).
//
// Formats (little-endian):
//  PSF1: 36 04 | mode | charsize(height). Width 8; 256 glyphs, 512 with mode
//        bit 0x01; a unicode table follows the glyphs when mode has 0x02 or
//        0x04: per glyph, u16 code points, 0xFFFE starts a sequence, 0xFFFF
//        ends the glyph's entry.
//  PSF2: 72 b5 4a 86 | version | headersize | flags | length | charsize |
//        height | width. flags bit 0 = unicode table after the glyphs: per
//        glyph, UTF-8 code points, 0xFE starts a sequence, 0xFF ends.
// Sequences (several code points drawn as one glyph) are skipped; only single
// code points map.
//
// Invariants after parse(): every glyph and every unicode table entry lies
// inside the data; glyph_bitmap() never returns null. The font views the
// caller's bytes (no copy, no allocation): they must outlive it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive {

class PsfFont {
 public:
  // Code points below this map through a table built at parse time; the
  // rest scan the font's unicode table.
  static constexpr uint32_t kDirectMapSize = 512;
  static constexpr uint32_t kMaxWidth = 64;
  static constexpr uint32_t kMaxHeight = 128;

  static rtl::Result<PsfFont> parse(const uint8_t* data, size_t size);

  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t glyph_count() const { return glyph_count_; }
  uint32_t bytes_per_row() const { return (width_ + 7) / 8; }
  uint32_t bytes_per_glyph() const { return bytes_per_glyph_; }
  bool has_unicode_table() const { return unicode_table_ != nullptr; }

  // Glyph index drawn for `codepoint`, or -1 if the font has none. Without a
  // unicode table, code point N is glyph N.
  int32_t glyph_index(uint32_t codepoint) const;
  // Bitmap for `codepoint`, falling back to the glyph for '?' (then glyph 0).
  // height() rows of bytes_per_row() bytes; the MSB is the leftmost pixel.
  const uint8_t* glyph_bitmap(uint32_t codepoint) const;
  const uint8_t* glyph_bitmap_at(uint32_t index) const {
    return glyphs_ + static_cast<size_t>(index % glyph_count_) * bytes_per_glyph_;
  }

 private:
  enum class TableKind : uint8_t { psf1_ucs2, psf2_utf8 };
  static constexpr uint16_t kUnmapped = 0xFFFF;

  PsfFont() = default;
  rtl::Result<void> index_unicode_table();
  // Walks the unicode table, calling visit(glyph, codepoint) for each single
  // code point until it returns true. False if the table is malformed.
  template <typename Visitor>
  bool walk_unicode_table(Visitor&& visit) const;

  const uint8_t* glyphs_ = nullptr;
  const uint8_t* unicode_table_ = nullptr;
  const uint8_t* unicode_table_end_ = nullptr;
  uint32_t width_ = 0;
  uint32_t height_ = 0;
  uint32_t glyph_count_ = 0;
  uint32_t bytes_per_glyph_ = 0;
  uint32_t fallback_glyph_ = 0;
  TableKind table_kind_ = TableKind::psf2_utf8;
  uint16_t direct_map_[kDirectMapSize];
};

}  // namespace executive
