// executive::PsfFont: PSF1 and PSF2 images built here in memory (valid ones,
// every malformed case, unicode tables), plus a real font from Debian's kbd.
#include "executive/psf_font.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using executive::PsfFont;
using Bytes = std::vector<uint8_t>;

void put_u32(Bytes& bytes, uint32_t value) {
  for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
}
void put_u16(Bytes& bytes, uint16_t value) {
  bytes.push_back(static_cast<uint8_t>(value));
  bytes.push_back(static_cast<uint8_t>(value >> 8));
}
void put_utf8(Bytes& bytes, uint32_t codepoint) {
  if (codepoint < 0x80) {
    bytes.push_back(static_cast<uint8_t>(codepoint));
  } else if (codepoint < 0x800) {
    bytes.push_back(static_cast<uint8_t>(0xC0 | (codepoint >> 6)));
    bytes.push_back(static_cast<uint8_t>(0x80 | (codepoint & 0x3F)));
  } else {
    bytes.push_back(static_cast<uint8_t>(0xE0 | (codepoint >> 12)));
    bytes.push_back(static_cast<uint8_t>(0x80 | ((codepoint >> 6) & 0x3F)));
    bytes.push_back(static_cast<uint8_t>(0x80 | (codepoint & 0x3F)));
  }
}

// Glyph g has every byte equal to g, so a bitmap pointer identifies its glyph.
void put_glyphs(Bytes& bytes, uint32_t count, uint32_t bytes_per_glyph) {
  for (uint32_t g = 0; g < count; ++g)
    for (uint32_t i = 0; i < bytes_per_glyph; ++i) bytes.push_back(static_cast<uint8_t>(g));
}

Bytes psf2_header(uint32_t glyphs, uint32_t height, uint32_t width, uint32_t flags,
                  uint32_t header_size = 32) {
  Bytes bytes = {0x72, 0xb5, 0x4a, 0x86};
  put_u32(bytes, 0);
  put_u32(bytes, header_size);
  put_u32(bytes, flags);
  put_u32(bytes, glyphs);
  put_u32(bytes, height * ((width + 7) / 8));
  put_u32(bytes, height);
  put_u32(bytes, width);
  while (bytes.size() < header_size) bytes.push_back(0);
  return bytes;
}

Bytes psf2_plain(uint32_t glyphs = 128, uint32_t height = 16, uint32_t width = 8) {
  Bytes bytes = psf2_header(glyphs, height, width, 0);
  put_glyphs(bytes, glyphs, height * ((width + 7) / 8));
  return bytes;
}

// Four glyphs: 0 <- 'A' and U+00C4 ... ; see the table below.
Bytes psf2_with_table() {
  Bytes bytes = psf2_header(4, 8, 8, 1);
  put_glyphs(bytes, 4, 8);
  put_utf8(bytes, 'A'), put_utf8(bytes, 0x391), bytes.push_back(0xFF);  // glyph 0: A, Greek Alpha
  put_utf8(bytes, '?'), bytes.push_back(0xFF);                           // glyph 1: ?
  put_utf8(bytes, 0x2500), bytes.push_back(0xFE), put_utf8(bytes, 'e'),
      put_utf8(bytes, 0x301), bytes.push_back(0xFF);                   // glyph 2: box, seq e+acute
  put_utf8(bytes, 0xE9), put_utf8(bytes, 'A'), bytes.push_back(0xFF);  // glyph 3: é (A dup)
  return bytes;
}

Bytes psf1(uint8_t mode, uint8_t height = 8) {
  Bytes bytes = {0x36, 0x04, mode, height};
  put_glyphs(bytes, (mode & 1) ? 512 : 256, height);
  return bytes;
}

uint8_t glyph_of(const PsfFont& font, uint32_t codepoint) { return *font.glyph_bitmap(codepoint); }

void expect_bad_format(const Bytes& bytes) {
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_error());
  EXPECT_EQ(result.error().code(), rtl::Errc::bad_format);
  EXPECT_NE(std::string(result.error().what()), "");
}

TEST(ExecutivePsfFont, ParsesPlainPsf2) {
  Bytes bytes = psf2_plain(128, 16, 8);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const PsfFont& font = result.value();
  EXPECT_EQ(font.width(), 8u);
  EXPECT_EQ(font.height(), 16u);
  EXPECT_EQ(font.glyph_count(), 128u);
  EXPECT_EQ(font.bytes_per_row(), 1u);
  EXPECT_FALSE(font.has_unicode_table());
  // Without a table code point N is glyph N; beyond the font, '?'.
  EXPECT_EQ(glyph_of(font, 'Z'), 'Z');
  EXPECT_EQ(font.glyph_bitmap('Z'), bytes.data() + 32 + 'Z' * 16);
  EXPECT_EQ(font.glyph_index(200), -1);
  EXPECT_EQ(glyph_of(font, 200), '?');
}

TEST(ExecutivePsfFont, WideGlyphsUseTwoBytesPerRow) {
  Bytes bytes = psf2_plain(64, 20, 10);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value().bytes_per_row(), 2u);
  EXPECT_EQ(result.value().bytes_per_glyph(), 40u);
}

TEST(ExecutivePsfFont, HonoursLargerPsf2HeaderSize) {
  Bytes bytes = psf2_header(16, 8, 8, 0, 48);
  put_glyphs(bytes, 16, 8);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value().glyph_bitmap(5), bytes.data() + 48 + 5 * 8);
}

TEST(ExecutivePsfFont, Psf2UnicodeTableMapsCodePoints) {
  Bytes bytes = psf2_with_table();
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const PsfFont& font = result.value();
  EXPECT_TRUE(font.has_unicode_table());
  EXPECT_EQ(font.glyph_index('A'), 0);   // first mapping wins over glyph 3
  EXPECT_EQ(font.glyph_index(0x391), 0);  // above the direct map: table scan
  EXPECT_EQ(font.glyph_index('?'), 1);
  EXPECT_EQ(font.glyph_index(0x2500), 2);
  EXPECT_EQ(font.glyph_index(0xE9), 3);
  EXPECT_EQ(font.glyph_index('e'), -1);    // only inside a sequence
  EXPECT_EQ(font.glyph_index(0x301), -1);  // likewise
  EXPECT_EQ(font.glyph_index('B'), -1);
  EXPECT_EQ(glyph_of(font, 'B'), 1);       // falls back to '?'
  EXPECT_EQ(glyph_of(font, 0x1F600), 1);
  EXPECT_EQ(glyph_of(font, 0x2500), 2);
}

TEST(ExecutivePsfFont, ParsesPsf1WithoutTable) {
  Bytes bytes = psf1(0x00, 14);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(result.value().width(), 8u);
  EXPECT_EQ(result.value().height(), 14u);
  EXPECT_EQ(result.value().glyph_count(), 256u);
  EXPECT_EQ(glyph_of(result.value(), 0xE9), 0xE9);
}

TEST(ExecutivePsfFont, Psf1Mode512HasFiveHundredTwelveGlyphs) {
  Bytes bytes = psf1(0x01);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value().glyph_count(), 512u);
}

Bytes psf1_with_table(uint8_t mode) {
  Bytes bytes = psf1(mode);
  for (uint32_t g = 0; g < 256; ++g) {
    if (g == 'A') put_u16(bytes, 'A'), put_u16(bytes, 0x410);  // Latin and Cyrillic A
    if (g == '?') put_u16(bytes, '?');
    if (g == 0x10) put_u16(bytes, 0x25B6), put_u16(bytes, 0xFFFE), put_u16(bytes, 'x'),
        put_u16(bytes, 'y');
    put_u16(bytes, 0xFFFF);
  }
  return bytes;
}

TEST(ExecutivePsfFont, Psf1UnicodeTableMapsCodePoints) {
  for (uint8_t mode : {uint8_t{0x02}, uint8_t{0x04}, uint8_t{0x06}}) {
    Bytes bytes = psf1_with_table(mode);
    auto result = PsfFont::parse(bytes.data(), bytes.size());
    ASSERT_TRUE(result.is_ok()) << result.error().what();
    const PsfFont& font = result.value();
    EXPECT_EQ(font.glyph_index('A'), 'A');
    EXPECT_EQ(font.glyph_index(0x410), 'A');
    EXPECT_EQ(font.glyph_index(0x25B6), 0x10);
    EXPECT_EQ(font.glyph_index('x'), -1);  // sequence member only
    EXPECT_EQ(font.glyph_index('B'), -1);
    EXPECT_EQ(glyph_of(font, 'B'), '?');
  }
}

TEST(ExecutivePsfFont, FallbackIsGlyphZeroWithoutQuestionMark) {
  Bytes bytes = psf2_header(2, 8, 8, 1);
  put_glyphs(bytes, 2, 8);
  put_utf8(bytes, 'a'), bytes.push_back(0xFF);
  put_utf8(bytes, 'b'), bytes.push_back(0xFF);
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(glyph_of(result.value(), 'z'), 0);
  EXPECT_EQ(glyph_of(result.value(), 'b'), 1);
}

TEST(ExecutivePsfFont, RejectsBadMagic) {
  expect_bad_format({});
  expect_bad_format({0x36});
  expect_bad_format({0x00, 0x01, 0x02, 0x03, 0x04});
  Bytes bytes = psf2_plain();
  bytes[3] = 0x87;
  expect_bad_format(bytes);
  EXPECT_TRUE(PsfFont::parse(nullptr, 0).is_error());
}

TEST(ExecutivePsfFont, RejectsTruncatedHeaders) {
  expect_bad_format({0x36, 0x04, 0x00});
  Bytes bytes = psf2_plain();
  bytes.resize(20);
  expect_bad_format(bytes);
}

TEST(ExecutivePsfFont, RejectsUnknownPsf2Version) {
  Bytes bytes = psf2_plain();
  bytes[4] = 1;
  expect_bad_format(bytes);
}

TEST(ExecutivePsfFont, RejectsBadPsf2HeaderSize) {
  Bytes small = psf2_plain();
  small[8] = 16;
  expect_bad_format(small);
  Bytes huge = psf2_plain();
  huge[8] = 0xFF, huge[9] = 0xFF, huge[10] = 0xFF, huge[11] = 0x7F;
  expect_bad_format(huge);
}

TEST(ExecutivePsfFont, RejectsBadDimensions) {
  expect_bad_format(psf2_plain(16, 0, 8));
  expect_bad_format(psf2_plain(16, 8, 0));
  expect_bad_format(psf2_plain(16, 8, PsfFont::kMaxWidth + 1));
  expect_bad_format(psf2_plain(16, PsfFont::kMaxHeight + 1, 8));
  expect_bad_format(psf1(0x00, 0));
}

TEST(ExecutivePsfFont, RejectsBytesPerGlyphMismatch) {
  Bytes bytes = psf2_plain(16, 8, 8);
  bytes[20] = 9;  // charsize 9 for 8 rows of 1 byte
  expect_bad_format(bytes);
}

TEST(ExecutivePsfFont, RejectsZeroOrHugeGlyphCount) {
  expect_bad_format(psf2_header(0, 8, 8, 0));
  Bytes huge = psf2_plain(16, 8, 8);
  huge[16] = 0xFF, huge[17] = 0xFF, huge[18] = 0xFF, huge[19] = 0xFF;
  expect_bad_format(huge);
}

TEST(ExecutivePsfFont, RejectsGlyphsPastTheEnd) {
  Bytes bytes = psf2_plain(16, 8, 8);
  bytes.pop_back();
  expect_bad_format(bytes);
  Bytes old = psf1(0x01);
  old.resize(old.size() - 8);  // 511 glyphs for a 512-glyph mode
  expect_bad_format(old);
}

TEST(ExecutivePsfFont, RejectsUnknownPsf1Mode) { expect_bad_format(psf1(0x08)); }

TEST(ExecutivePsfFont, RejectsTruncatedUnicodeTables) {
  Bytes psf2 = psf2_with_table();
  psf2.pop_back();  // last glyph's 0xFF terminator
  expect_bad_format(psf2);
  Bytes no_table = psf2_header(4, 8, 8, 1);
  put_glyphs(no_table, 4, 8);
  expect_bad_format(no_table);
  Bytes psf1_table = psf1_with_table(0x02);
  psf1_table.pop_back();
  expect_bad_format(psf1_table);
}

TEST(ExecutivePsfFont, RejectsMalformedUtf8InTable) {
  Bytes bytes = psf2_header(1, 8, 8, 1);
  put_glyphs(bytes, 1, 8);
  bytes.push_back(0xC0), bytes.push_back(0x80), bytes.push_back(0xFF);  // overlong NUL
  expect_bad_format(bytes);
  Bytes cut = psf2_header(1, 8, 8, 1);
  put_glyphs(cut, 1, 8);
  cut.push_back(0xE2), cut.push_back(0x94);  // truncated, no terminator
  expect_bad_format(cut);
}

Bytes gunzip(const char* path) {
  Bytes bytes;
  std::string command = std::string("gzip -dc '") + path + "'";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return bytes;
  uint8_t chunk[4096];
  size_t count;
  while ((count = fread(chunk, 1, sizeof chunk, pipe)) > 0) bytes.insert(bytes.end(), chunk, chunk + count);
  if (pclose(pipe) != 0) bytes.clear();
  return bytes;
}

TEST(ExecutivePsfFont, ParsesDebianLat15Terminus16) {
  const char* path = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz";
  if (FILE* file = fopen(path, "rb"))
    fclose(file);
  else
    GTEST_SKIP() << path << " not installed (Debian package kbd)";
  Bytes bytes = gunzip(path);
  ASSERT_FALSE(bytes.empty());
  auto result = PsfFont::parse(bytes.data(), bytes.size());
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const PsfFont& font = result.value();
  EXPECT_EQ(font.width(), 8u);
  EXPECT_EQ(font.height(), 16u);
  EXPECT_GE(font.glyph_count(), 256u);
  EXPECT_TRUE(font.has_unicode_table());
  for (uint32_t codepoint = 0x20; codepoint < 0x7F; ++codepoint)
    EXPECT_GE(font.glyph_index(codepoint), 0) << "U+" << std::hex << codepoint;
  EXPECT_GE(font.glyph_index(0xE9), 0);    // é, Latin-1
  EXPECT_GE(font.glyph_index(0x2500), 0);  // box drawing, via the table scan
  // Distinct letters draw distinct bitmaps; a space is blank.
  EXPECT_NE(memcmp(font.glyph_bitmap('A'), font.glyph_bitmap('B'), font.bytes_per_glyph()), 0);
  const uint8_t* space = font.glyph_bitmap(' ');
  for (uint32_t i = 0; i < font.bytes_per_glyph(); ++i) EXPECT_EQ(space[i], 0);
}

}  // namespace
