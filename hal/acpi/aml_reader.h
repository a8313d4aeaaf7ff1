// The few AML encodings the HAL decodes without an interpreter, shared by
// the \_S5_ scan (aml_s5.cpp) and the device walk (aml_devices.cpp).
//
// Invariant: a Cursor never reads outside [p, p + remaining); every decoder
// returns false instead of reading past it, and then the cursor's position
// is unspecified (callers restart from a copy).
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal::acpi::aml {

struct Cursor {
  const uint8_t* p;
  size_t remaining;

  bool take(uint8_t& byte) {
    if (remaining == 0) return false;
    byte = *p++;
    --remaining;
    return true;
  }
  bool peek(uint8_t& byte) const {
    if (remaining == 0) return false;
    byte = *p;
    return true;
  }
  bool skip(size_t count) {
    if (count > remaining) return false;
    p += count;
    remaining -= count;
    return true;
  }
};

// PkgLength (ACPI 6.5 section 20.2.4): bits 7-6 of the lead byte count the
// follow bytes (0-3). The decoded length includes the PkgLength bytes.
bool decode_pkg_length(Cursor& c, size_t& length, size_t& encoding_size);

// Splits off the body of a package-length-delimited object: `c` is at its
// PkgLength; `body` gets what follows it up to the package's end, and `c`
// moves past the whole package. False if the package overruns `c`.
bool take_package(Cursor& c, Cursor& body);

// ZeroOp, OneOp, OnesOp and Byte/Word/DWord/QWordPrefix constants
// (QWord values are truncated to 32 bits; AML integers we use are small).
bool decode_integer(Cursor& c, uint32_t& value);

// An absolute namespace path as NameSegs ("_SB_", "PCI0", ...); the root
// has none. Deeper paths are not representable: the walk leaves them out
// (a device needs one segment more for its own _HID, so devices are found
// up to nine segments deep).
struct NamePath {
  static constexpr size_t kMaxSegments = 10;
  char segments[kMaxSegments][4];
  size_t count;

  bool is_child_of(const NamePath& parent) const;
  bool last_is(const char* four_chars) const;
  // "\_SB.PCI0.SF8.KBD": padding underscores trimmed, as ACPICA prints.
  void format(char* out, size_t capacity) const;
};

// NameString (section 20.2.2): an optional '\' or '^' prefixes, then a
// NullName, one NameSeg, DualNamePrefix + 2 or MultiNamePrefix + n,
// resolved against `scope` (creation rules: relative means under `scope`;
// the search rules for single-segment references are not applied).
bool decode_name_string(Cursor& c, const NamePath& scope, NamePath& out);

}  // namespace hal::acpi::aml
