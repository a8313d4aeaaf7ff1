// Kernel command line parser: a single left-to-right pass over a private
// copy of the text, recording offsets (see rtl/command_line.h for the grammar).
#include "rtl/command_line.h"

#include "rtl/panic.h"

namespace rtl {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Printable ASCII plus the two blanks; everything else (control bytes, DEL,
// anything >= 0x80) is rejected before parsing starts.
bool is_allowed(char c) {
  auto byte = static_cast<unsigned char>(c);
  return is_blank(c) || (byte >= 0x20 && byte < 0x7f);
}

}  // namespace

Result<CommandLine> CommandLine::parse(std::string_view text) {
  if (text.size() > kMaxLength)
    return Error(Errc::too_big, "command line longer than 1023 bytes");
  for (char c : text)
    if (!is_allowed(c))
      return Error(Errc::invalid_argument, "command line has a control or non-ASCII byte");

  CommandLine line;
  for (size_t i = 0; i < text.size(); ++i) line.text_[i] = text[i];
  line.length_ = text.size();
  const char* s = line.text_;
  const size_t n = line.length_;

  size_t i = 0;
  while (true) {
    while (i < n && is_blank(s[i])) ++i;
    if (i == n) break;
    if (line.count_ == kMaxEntries)
      return Error(Errc::too_big, "command line has more than 64 tokens");

    Span span{};
    span.key_offset = static_cast<uint16_t>(i);
    while (i < n && !is_blank(s[i]) && s[i] != '=' && s[i] != '"') ++i;
    span.key_length = static_cast<uint16_t>(i - span.key_offset);
    if (i < n && s[i] == '"')
      return Error(Errc::invalid_argument, "command line has a quote inside a key");
    if (span.key_length == 0)
      return Error(Errc::invalid_argument, "command line has an empty key");

    if (i < n && s[i] == '=') {
      ++i;
      span.has_value = true;
      if (i < n && s[i] == '"') {
        ++i;
        span.value_offset = static_cast<uint16_t>(i);
        while (i < n && s[i] != '"') ++i;
        if (i == n)
          return Error(Errc::invalid_argument, "command line has an unterminated quote");
        span.value_length = static_cast<uint16_t>(i - span.value_offset);
        ++i;  // the closing quote
      } else {
        span.value_offset = static_cast<uint16_t>(i);
        while (i < n && !is_blank(s[i]) && s[i] != '"') ++i;
        span.value_length = static_cast<uint16_t>(i - span.value_offset);
      }
      // Whatever follows a value must be a blank or the end: this rejects
      // `a="b"c` and `a=b"c"`, both of which have no unambiguous meaning.
      if (i < n && !is_blank(s[i]))
        return Error(Errc::invalid_argument, "command line has a misplaced quote");
    }
    line.spans_[line.count_++] = span;
  }
  return line;
}

CommandLine::Entry CommandLine::operator[](size_t index) const {
  RTL_ASSERT(index < count_);
  const Span& span = spans_[index];
  return Entry{std::string_view(text_ + span.key_offset, span.key_length),
               std::string_view(text_ + span.value_offset, span.value_length),
               span.has_value};
}

std::optional<std::string_view> CommandLine::get(std::string_view key) const {
  for (size_t i = count_; i > 0; --i) {
    Entry entry = (*this)[i - 1];
    if (entry.has_value && entry.key == key) return entry.value;
  }
  return std::nullopt;
}

bool CommandLine::has(std::string_view key) const {
  for (Entry entry : *this)
    if (entry.key == key) return true;
  return false;
}

}  // namespace rtl
