// PSF1/PSF2 parsing (see executive/psf_font.h for the formats).
//
// parse() checks every size against the data before anything is read, in
// 64-bit arithmetic so hostile header fields cannot overflow, and walks the
// unicode table once: that both validates it (so later scans need no bounds
// errors) and fills the direct map for code points below kDirectMapSize.
#include "executive/psf_font.h"

namespace executive {

namespace {

constexpr uint8_t kPsf1Magic[2] = {0x36, 0x04};
constexpr uint8_t kPsf1Mode512 = 0x01;
constexpr uint8_t kPsf1ModeHasTable = 0x02;
constexpr uint8_t kPsf1ModeHasSequences = 0x04;
constexpr size_t kPsf1HeaderSize = 4;

constexpr uint8_t kPsf2Magic[4] = {0x72, 0xb5, 0x4a, 0x86};
constexpr uint32_t kPsf2HasUnicodeTable = 0x01;
constexpr size_t kPsf2HeaderSize = 32;

uint32_t read_u32(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

rtl::Error bad(const char* what) { return rtl::Error(rtl::Errc::bad_format, what); }

// Decodes one UTF-8 code point from [p, end); advances p. Returns false on a
// malformed, overlong or truncated encoding.
bool decode_utf8(const uint8_t*& p, const uint8_t* end, uint32_t& codepoint) {
  uint8_t lead = *p++;
  int extra;
  uint32_t minimum;
  if (lead < 0x80) {
    codepoint = lead;
    return true;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1, minimum = 0x80, codepoint = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2, minimum = 0x800, codepoint = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3, minimum = 0x10000, codepoint = lead & 0x07;
  } else {
    return false;
  }
  for (int i = 0; i < extra; ++i) {
    if (p == end || (*p & 0xC0) != 0x80) return false;
    codepoint = (codepoint << 6) | (*p++ & 0x3F);
  }
  return codepoint >= minimum && codepoint <= 0x10FFFF;
}

}  // namespace

rtl::Result<PsfFont> PsfFont::parse(const uint8_t* data, size_t size) {
  if (data == nullptr) return bad("PSF: no data");
  PsfFont font;
  size_t header_size;
  bool has_table;

  if (size >= 2 && data[0] == kPsf1Magic[0] && data[1] == kPsf1Magic[1]) {
    if (size < kPsf1HeaderSize) return bad("PSF1: header truncated");
    uint8_t mode = data[2];
    if (mode & ~(kPsf1Mode512 | kPsf1ModeHasTable | kPsf1ModeHasSequences))
      return bad("PSF1: unknown mode bits");
    header_size = kPsf1HeaderSize;
    font.width_ = 8;
    font.height_ = data[3];
    font.glyph_count_ = (mode & kPsf1Mode512) ? 512 : 256;
    font.bytes_per_glyph_ = data[3];
    font.table_kind_ = TableKind::psf1_ucs2;
    has_table = mode & (kPsf1ModeHasTable | kPsf1ModeHasSequences);
  } else if (size >= 4 && data[0] == kPsf2Magic[0] && data[1] == kPsf2Magic[1] &&
             data[2] == kPsf2Magic[2] && data[3] == kPsf2Magic[3]) {
    if (size < kPsf2HeaderSize) return bad("PSF2: header truncated");
    if (read_u32(data + 4) != 0) return bad("PSF2: unknown version");
    uint32_t declared_header_size = read_u32(data + 8);
    if (declared_header_size < kPsf2HeaderSize || declared_header_size > size)
      return bad("PSF2: header size out of range");
    header_size = declared_header_size;
    has_table = read_u32(data + 12) & kPsf2HasUnicodeTable;
    font.glyph_count_ = read_u32(data + 16);
    font.bytes_per_glyph_ = read_u32(data + 20);
    font.height_ = read_u32(data + 24);
    font.width_ = read_u32(data + 28);
    font.table_kind_ = TableKind::psf2_utf8;
  } else {
    return bad("PSF: bad magic");
  }

  if (font.width_ == 0 || font.width_ > kMaxWidth || font.height_ == 0 ||
      font.height_ > kMaxHeight)
    return bad("PSF: glyph dimensions out of range");
  if (font.bytes_per_glyph_ != font.height_ * font.bytes_per_row())
    return bad("PSF: bytes per glyph do not match the dimensions");
  if (font.glyph_count_ == 0 || font.glyph_count_ >= kUnmapped)
    return bad("PSF: glyph count out of range");
  uint64_t glyphs_end = header_size + uint64_t{font.glyph_count_} * font.bytes_per_glyph_;
  if (glyphs_end > size) return bad("PSF: glyphs extend past the end of the data");

  font.glyphs_ = data + header_size;
  for (uint16_t& entry : font.direct_map_) entry = kUnmapped;
  if (has_table) {
    font.unicode_table_ = data + glyphs_end;
    font.unicode_table_end_ = data + size;
    TRY(font.index_unicode_table());
  }
  int32_t question_mark = font.glyph_index('?');
  font.fallback_glyph_ = question_mark >= 0 ? static_cast<uint32_t>(question_mark) : 0;
  return font;
}

template <typename Visitor>
bool PsfFont::walk_unicode_table(Visitor&& visit) const {
  const uint8_t* p = unicode_table_;
  const uint8_t* end = unicode_table_end_;
  for (uint32_t glyph = 0; glyph < glyph_count_; ++glyph) {
    bool in_sequence = false;
    for (;;) {
      uint32_t value;
      if (table_kind_ == TableKind::psf1_ucs2) {
        if (end - p < 2) return false;
        value = p[0] | (p[1] << 8);
        p += 2;
        if (value == 0xFFFF) break;
        if (value == 0xFFFE) {
          in_sequence = true;
          continue;
        }
      } else {
        if (p == end) return false;
        if (*p == 0xFF) {
          ++p;
          break;
        }
        if (*p == 0xFE) {
          ++p;
          in_sequence = true;
          continue;
        }
        if (!decode_utf8(p, end, value)) return false;
      }
      if (!in_sequence && visit(glyph, value)) return true;
    }
  }
  return true;
}

rtl::Result<void> PsfFont::index_unicode_table() {
  bool well_formed = walk_unicode_table([this](uint32_t glyph, uint32_t codepoint) {
    if (codepoint < kDirectMapSize && direct_map_[codepoint] == kUnmapped)
      direct_map_[codepoint] = static_cast<uint16_t>(glyph);
    return false;
  });
  if (!well_formed) return bad("PSF: unicode table truncated or malformed");
  return {};
}

int32_t PsfFont::glyph_index(uint32_t codepoint) const {
  if (!unicode_table_) return codepoint < glyph_count_ ? static_cast<int32_t>(codepoint) : -1;
  if (codepoint < kDirectMapSize)
    return direct_map_[codepoint] == kUnmapped ? -1 : direct_map_[codepoint];
  int32_t found = -1;
  // Validated at parse time, so the walk cannot fail here.
  (void)walk_unicode_table([&](uint32_t glyph, uint32_t value) {
    if (value != codepoint) return false;
    found = static_cast<int32_t>(glyph);
    return true;
  });
  return found;
}

const uint8_t* PsfFont::glyph_bitmap(uint32_t codepoint) const {
  int32_t index = glyph_index(codepoint);
  return glyph_bitmap_at(index >= 0 ? static_cast<uint32_t>(index) : fallback_glyph_);
}

}  // namespace executive
