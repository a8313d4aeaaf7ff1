// \_S5_ (soft-off) sleep type values from AML, without an interpreter.
//
// Nearly all firmware declares it statically:
//   NameOp(0x08) ['\'] "_S5_" PackageOp(0x12) PkgLength NumElements
//   elements...
// where an element is ZeroOp(0x00), OneOp(0x01), BytePrefix(0x0A) b,
// WordPrefix(0x0B) w or DWordPrefix(0x0C) d. We look for that byte pattern
// and decode strictly inside both the AML and the package's PkgLength.
// A pattern that does not decode is a coincidence in some other byte stream
// (or a method-computed _S5_): scanning continues. As in ACPICA, a
// one-element package packs SLP_TYPb in bits 8-15 of the single integer.
#include "aml_reader.h"
#include "hal/acpi.h"

namespace hal::acpi {
namespace {

using aml::Cursor;

constexpr uint8_t kNameOp = 0x08;
constexpr uint8_t kPackageOp = 0x12;
constexpr uint8_t kRootChar = '\\';

// `c` is just after "_S5_".
bool decode_package(Cursor c, SleepType& out) {
  uint8_t op;
  if (!c.take(op) || op != kPackageOp) return false;
  Cursor body{};  // NumElements and elements only
  if (!aml::take_package(c, body)) return false;
  uint8_t count;
  if (!body.take(count) || count == 0) return false;
  uint32_t a, b;
  if (!aml::decode_integer(body, a)) return false;
  if (count >= 2) {
    if (!aml::decode_integer(body, b)) return false;
  } else {
    b = a >> 8;
  }
  out = {static_cast<uint8_t>(a & 0xff), static_cast<uint8_t>(b & 0xff)};
  return true;
}

}  // namespace

rtl::Result<SleepType> find_s5_sleep_type(const uint8_t* aml, size_t length) {
  static constexpr uint8_t kName[4] = {'_', 'S', '5', '_'};
  bool saw_candidate = false;
  for (size_t i = 1; aml != nullptr && i + 4 <= length; ++i) {
    bool match = true;
    for (size_t k = 0; k < 4; ++k) match = match && aml[i + k] == kName[k];
    if (!match) continue;
    bool named =
        aml[i - 1] == kNameOp || (aml[i - 1] == kRootChar && i >= 2 && aml[i - 2] == kNameOp);
    if (!named) continue;
    saw_candidate = true;
    SleepType sleep{};
    if (decode_package(Cursor{aml + i + 4, length - i - 4}, sleep)) return sleep;
  }
  if (saw_candidate) return rtl::Error(rtl::Errc::bad_format, "_S5_ package malformed");
  return rtl::Error(rtl::Errc::not_found, "_S5_ not found in AML");
}

rtl::Result<SleepType> find_s5_sleep_type(const Table& dsdt_or_ssdt) {
  return find_s5_sleep_type(dsdt_or_ssdt.data + kTableHeaderSize,
                            dsdt_or_ssdt.length - kTableHeaderSize);
}

}  // namespace hal::acpi
