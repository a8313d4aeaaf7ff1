// AML primitive encodings (see aml_reader.h).
#include "aml_reader.h"

namespace hal::acpi::aml {

// With no follow bytes, bits 5-0 are the length; otherwise bits 3-0 are the
// low nibble and each follow byte adds 8 more bits.
bool decode_pkg_length(Cursor& c, size_t& length, size_t& encoding_size) {
  uint8_t lead;
  if (!c.take(lead)) return false;
  size_t follow = lead >> 6;
  encoding_size = 1 + follow;
  if (follow == 0) {
    length = lead & 0x3f;
    return true;
  }
  if (lead & 0x30) return false;  // bits 5-4 must be zero in the long form
  length = lead & 0x0f;
  for (size_t i = 0; i < follow; ++i) {
    uint8_t byte;
    if (!c.take(byte)) return false;
    length |= size_t(byte) << (4 + 8 * i);
  }
  return true;
}

bool take_package(Cursor& c, Cursor& body) {
  size_t length, encoding_size;
  if (!decode_pkg_length(c, length, encoding_size)) return false;
  if (length < encoding_size || length - encoding_size > c.remaining) return false;
  body = Cursor{c.p, length - encoding_size};
  return c.skip(length - encoding_size);
}

bool decode_integer(Cursor& c, uint32_t& value) {
  uint8_t op;
  if (!c.take(op)) return false;
  size_t bytes = 0;
  switch (op) {
    case 0x00:
      value = 0;
      return true;
    case 0x01:
      value = 1;
      return true;
    case 0xff:
      value = 0xffffffff;
      return true;  // OnesOp
    case 0x0a:
      bytes = 1;
      break;
    case 0x0b:
      bytes = 2;
      break;
    case 0x0c:
      bytes = 4;
      break;
    case 0x0e:
      bytes = 8;
      break;
    default:
      return false;
  }
  value = 0;
  for (size_t i = 0; i < bytes; ++i) {
    uint8_t byte;
    if (!c.take(byte)) return false;
    if (i < 4) value |= uint32_t(byte) << (8 * i);
  }
  return true;
}

namespace {

bool is_lead_name_char(uint8_t c) {
  return (c >= 'A' && c <= 'Z') || c == '_';
}
bool is_name_char(uint8_t c) {
  return is_lead_name_char(c) || (c >= '0' && c <= '9');
}

bool decode_segments(Cursor& c, size_t count, NamePath& out) {
  if (out.count + count > NamePath::kMaxSegments) return false;
  for (size_t s = 0; s < count; ++s) {
    char* segment = out.segments[out.count++];
    for (size_t i = 0; i < 4; ++i) {
      uint8_t byte;
      if (!c.take(byte) || !(i == 0 ? is_lead_name_char(byte) : is_name_char(byte))) return false;
      segment[i] = static_cast<char>(byte);
    }
  }
  return true;
}

}  // namespace

bool decode_name_string(Cursor& c, const NamePath& scope, NamePath& out) {
  uint8_t byte;
  if (!c.peek(byte)) return false;
  if (byte == '\\') {
    out.count = 0;
    c.skip(1);
  } else {
    out = scope;
    while (c.peek(byte) && byte == '^') {
      if (out.count == 0) return false;
      --out.count;
      c.skip(1);
    }
  }
  if (!c.peek(byte)) return false;
  switch (byte) {
    case 0x00:
      return c.skip(1);  // NullName
    case 0x2e:
      return c.skip(1) && decode_segments(c, 2, out);
    case 0x2f: {
      uint8_t count;
      c.skip(1);
      return c.take(count) && count > 0 && decode_segments(c, count, out);
    }
    default:
      return decode_segments(c, 1, out);
  }
}

bool NamePath::is_child_of(const NamePath& parent) const {
  if (count != parent.count + 1) return false;
  for (size_t s = 0; s < parent.count; ++s)
    for (size_t i = 0; i < 4; ++i)
      if (segments[s][i] != parent.segments[s][i]) return false;
  return true;
}

bool NamePath::last_is(const char* four_chars) const {
  if (count == 0) return false;
  for (size_t i = 0; i < 4; ++i)
    if (segments[count - 1][i] != four_chars[i]) return false;
  return true;
}

void NamePath::format(char* out, size_t capacity) const {
  if (capacity == 0) return;
  size_t at = 0;
  auto put = [&](char ch) {
    if (at + 1 < capacity) out[at++] = ch;
  };
  put('\\');
  for (size_t s = 0; s < count; ++s) {
    if (s > 0) put('.');
    size_t length = 4;
    while (length > 1 && segments[s][length - 1] == '_') --length;
    for (size_t i = 0; i < length; ++i) put(segments[s][i]);
  }
  out[at] = '\0';
}

}  // namespace hal::acpi::aml
