// executive::TextConsole drawing into an in-memory framebuffer with a
// synthetic 8x8 font whose glyphs can be read back from the pixels.
#include "executive/text_console.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using executive::Framebuffer;
using executive::PixelFormat;
using executive::PsfFont;
using executive::TextConsole;

// 256 glyphs, no unicode table. Glyph N: row 0 holds N's bits, row 1 the
// marker 0x81, other rows empty; the space glyph is blank.
std::vector<uint8_t> make_font_image() {
  std::vector<uint8_t> bytes = {0x72, 0xb5, 0x4a, 0x86};
  auto put_u32 = [&](uint32_t value) {
    for (int i = 0; i < 4; ++i) bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
  };
  put_u32(0), put_u32(32), put_u32(0), put_u32(256), put_u32(8), put_u32(8), put_u32(8);
  for (uint32_t glyph = 0; glyph < 256; ++glyph) {
    bool blank = glyph == ' ';
    bytes.push_back(blank ? 0 : static_cast<uint8_t>(glyph));
    bytes.push_back(blank ? 0 : 0x81);
    for (int row = 2; row < 8; ++row) bytes.push_back(0);
  }
  return bytes;
}

constexpr uint32_t kColumns = 10, kRows = 4;
constexpr uint32_t kWidth = kColumns * 8 + 5;  // a margin no cell covers
constexpr uint32_t kHeight = kRows * 8 + 3;
constexpr uint32_t kPitch = kWidth + 7;        // padding past the visible width
constexpr uint32_t kSentinel = 0xDEADBEEF;

class ExecutiveTextConsole : public ::testing::TestWithParam<PixelFormat> {
 protected:
  ExecutiveTextConsole()
      : font_image_(make_font_image()),
        font_(PsfFont::parse(font_image_.data(), font_image_.size()).release_value()),
        pixels_(static_cast<size_t>(kPitch) * kHeight, kSentinel),
        console_(Framebuffer{pixels_.data(), kWidth, kHeight, kPitch, GetParam()}, font_) {
    console_.clear();
  }

  uint32_t pixel(uint32_t x, uint32_t y) const { return pixels_[static_cast<size_t>(y) * kPitch + x]; }

  // The framebuffer word expected for 0xRRGGBB in the format under test.
  uint32_t expected(uint32_t rgb) const {
    uint32_t r = rgb >> 16 & 0xFF, g = rgb >> 8 & 0xFF, b = rgb & 0xFF;
    return GetParam() == PixelFormat::rgbx ? (r | g << 8 | b << 16) : (b | g << 8 | r << 16);
  }

  // Which glyph a cell shows (' ' for blank), read back from the pixels.
  char cell(uint32_t column, uint32_t row) const {
    uint32_t x0 = column * 8, y0 = row * 8;
    uint32_t foreground = pixel(x0, y0 + 1), background = pixel(x0 + 1, y0 + 1);
    if (foreground == background) return ' ';
    uint32_t glyph = 0;
    for (uint32_t x = 0; x < 8; ++x)
      if (pixel(x0 + x, y0) == foreground) glyph |= 0x80u >> x;
    return static_cast<char>(glyph);
  }
  uint32_t cell_foreground(uint32_t column, uint32_t row) const { return pixel(column * 8, row * 8 + 1); }
  uint32_t cell_background(uint32_t column, uint32_t row) const { return pixel(column * 8 + 1, row * 8 + 1); }

  std::string line(uint32_t row) const {
    std::string text;
    for (uint32_t column = 0; column < kColumns; ++column) text += cell(column, row);
    return text;
  }

  // Nothing outside the visible width is ever written.
  void expect_padding_untouched() const {
    for (uint32_t y = 0; y < kHeight; ++y)
      for (uint32_t x = kWidth; x < kPitch; ++x) ASSERT_EQ(pixel(x, y), kSentinel);
  }

  std::vector<uint8_t> font_image_;
  PsfFont font_;
  std::vector<uint32_t> pixels_;
  TextConsole console_;
};

TEST_P(ExecutiveTextConsole, GeometryComesFromFontAndFramebuffer) {
  EXPECT_EQ(console_.columns(), kColumns);
  EXPECT_EQ(console_.rows(), kRows);
  EXPECT_EQ(pixel(kWidth - 1, kHeight - 1), expected(0x000000));
  expect_padding_untouched();
}

TEST_P(ExecutiveTextConsole, GlyphLandsOnItsPixelsInDefaultColours) {
  console_.write("\n  A");
  const uint32_t grey = expected(0xaaaaaa), black = expected(0x000000);
  const uint8_t rows[8] = {'A', 0x81, 0, 0, 0, 0, 0, 0};
  for (uint32_t y = 0; y < 8; ++y)
    for (uint32_t x = 0; x < 8; ++x)
      EXPECT_EQ(pixel(2 * 8 + x, 8 + y), (rows[y] & (0x80 >> x)) ? grey : black)
          << "x=" << x << " y=" << y;
  EXPECT_EQ(line(1), "  A       ");
  EXPECT_EQ(line(0), "          ");
  EXPECT_EQ(console_.cursor_column(), 3u);
  EXPECT_EQ(console_.cursor_row(), 1u);
}

TEST_P(ExecutiveTextConsole, RedIsStoredInThePixelFormatsByteOrder) {
  console_.write("\x1b[31mR");
  uint32_t red = cell_foreground(0, 0);
  EXPECT_EQ(red, expected(0xaa0000));
  const uint8_t* bytes = reinterpret_cast<const uint8_t*>(&red);
  if (GetParam() == PixelFormat::rgbx) {
    EXPECT_EQ(bytes[0], 0xaa);  // R first in memory
    EXPECT_EQ(bytes[2], 0x00);
  } else {
    EXPECT_EQ(bytes[0], 0x00);  // B first in memory
    EXPECT_EQ(bytes[2], 0xaa);
  }
}

TEST_P(ExecutiveTextConsole, SgrSelectsColoursAndResets) {
  console_.write("\x1b[32mg\x1b[1;31mr\x1b[0md\x1b[94;44mb\x1b[39;49md\x1b[1mw\x1b[22mn\x1b[mx");
  EXPECT_EQ(line(0), "grdbdwnx  ");
  EXPECT_EQ(cell_foreground(0, 0), expected(0x00aa00));
  EXPECT_EQ(cell_foreground(1, 0), expected(0xff5555));  // bold = bright
  EXPECT_EQ(cell_foreground(2, 0), expected(0xaaaaaa));
  EXPECT_EQ(cell_foreground(3, 0), expected(0x5555ff));
  EXPECT_EQ(cell_background(3, 0), expected(0x0000aa));
  EXPECT_EQ(cell_foreground(4, 0), expected(0xaaaaaa));
  EXPECT_EQ(cell_background(4, 0), expected(0x000000));
  EXPECT_EQ(cell_foreground(5, 0), expected(0xffffff));  // bold light grey = white
  EXPECT_EQ(cell_foreground(6, 0), expected(0xaaaaaa));
  EXPECT_EQ(cell_foreground(7, 0), expected(0xaaaaaa));
}

TEST_P(ExecutiveTextConsole, NewlineAndCarriageReturn) {
  console_.write("abc\r12\nxy");
  EXPECT_EQ(line(0), "12c       ");
  EXPECT_EQ(line(1), "xy        ");
}

TEST_P(ExecutiveTextConsole, WrapsAtTheLastColumnLazily) {
  console_.write("0123456789");
  EXPECT_EQ(console_.cursor_row(), 0u);  // wrap pending, not yet taken
  EXPECT_EQ(console_.cursor_column(), kColumns);
  console_.write("\n");
  EXPECT_EQ(console_.cursor_row(), 1u);  // no blank line from wrap + newline
  console_.write("abcdefghijKL");
  EXPECT_EQ(line(0), "0123456789");
  EXPECT_EQ(line(1), "abcdefghij");
  EXPECT_EQ(line(2), "KL        ");
}

TEST_P(ExecutiveTextConsole, ScrollsContentUpAndClearsTheLastRow) {
  console_.write("\x1b[44mline0\nline1\nline2\nline3");
  console_.write("\x1b[0m\nline4");
  EXPECT_EQ(line(0), "line1     ");
  EXPECT_EQ(line(1), "line2     ");
  EXPECT_EQ(line(2), "line3     ");
  EXPECT_EQ(line(3), "line4     ");
  EXPECT_EQ(cell_background(0, 0), expected(0x0000aa));  // colours move too
  EXPECT_EQ(cell_background(7, 3), expected(0x000000));  // new row: current bg
  EXPECT_EQ(console_.cursor_row(), kRows - 1);
  console_.write("\n\n\n\n\n");
  for (uint32_t row = 0; row < kRows; ++row) EXPECT_EQ(line(row), "          ");
  // The margin below and right of the text area is not part of the scroll.
  EXPECT_EQ(pixel(kWidth - 1, 0), expected(0x000000));
  expect_padding_untouched();
}

TEST_P(ExecutiveTextConsole, TabsStopEveryEightColumns) {
  console_.write("a\tb");
  EXPECT_EQ(line(0), "a       b ");
  console_.write("\tc");  // past the last stop: clamps to the last column
  EXPECT_EQ(line(0), "a       bc");
  console_.write("\n\t\tz");
  EXPECT_EQ(cell(9, 1), 'z');
}

TEST_P(ExecutiveTextConsole, BackspaceMovesLeftWithoutErasing) {
  console_.write("ab\bX\b\b\bY");
  EXPECT_EQ(line(0), "YX        ");
}

TEST_P(ExecutiveTextConsole, UnknownEscapeSequencesAreSkipped) {
  console_.write("a\x1b[?25lb\x1b[38;5;200mc\x1b[5Xd\x1b(Be\x1b"
                 "7f\x1b[1;2;3;4;5;6;7;8;9;10;11;12;13;14;15;16;17;18mg\x1b[>0ch");
  EXPECT_EQ(line(0), "abcdefgh  ");
  for (uint32_t column = 0; column < 8; ++column)
    EXPECT_EQ(cell_foreground(column, 0), expected(0xaaaaaa)) << column;
}

TEST_P(ExecutiveTextConsole, EscapeSequencesMaySpanWrites) {
  console_.write("\x1b");
  console_.write("[3");
  console_.write("2mG");
  EXPECT_EQ(line(0), "G         ");
  EXPECT_EQ(cell_foreground(0, 0), expected(0x00aa00));
}

TEST_P(ExecutiveTextConsole, ClearScreenAndCursorPositioning) {
  console_.write("hello\nworld\x1b[2J");
  EXPECT_EQ(line(0), "          ");
  EXPECT_EQ(line(1), "          ");
  console_.write("\x1b[Ha\x1b[3;4Hb\x1b[1;1Hc\x1b[99;99Hd");
  EXPECT_EQ(line(0), "c         ");
  EXPECT_EQ(cell(3, 2), 'b');
  EXPECT_EQ(cell(9, 3), 'd');
}

TEST_P(ExecutiveTextConsole, EraseInLine) {
  console_.write("0123456789\x1b[1;4H\x1b[K");
  EXPECT_EQ(line(0), "012       ");
}

TEST_P(ExecutiveTextConsole, Utf8IsDecoded) {
  console_.write("\xc3\xa9");  // é, U+00E9
  console_.write("\xc3");      // split across writes
  console_.write("\xa9");
  EXPECT_EQ(cell(0, 0), static_cast<char>(0xE9));
  EXPECT_EQ(cell(1, 0), static_cast<char>(0xE9));
}

TEST_P(ExecutiveTextConsole, InvalidUtf8BecomesTheFallbackGlyph) {
  // Stray continuation, truncated lead before 'a', overlong '/', surrogate,
  // invalid lead F8, code point above the font (U+2500).
  console_.write("\x80" "\xc3" "a" "\xc0\xaf" "\xed\xa0\x80" "\xf8" "\xe2\x94\x80");
  EXPECT_EQ(line(0), "??a?????  ");
}

INSTANTIATE_TEST_SUITE_P(PixelFormats, ExecutiveTextConsole,
                         ::testing::Values(PixelFormat::rgbx, PixelFormat::bgrx),
                         [](const ::testing::TestParamInfo<PixelFormat>& format) {
                           return std::string(format.param == PixelFormat::rgbx ? "rgbx" : "bgrx");
                         });

}  // namespace
