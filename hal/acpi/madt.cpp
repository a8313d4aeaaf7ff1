// MADT ("APIC"): the interrupt controller topology. After the 44-byte
// fixed part (header, local APIC address, flags) comes a list of variable
// records {type, length, ...}. Invariants of the walk:
//  - a record's length is at least 2 (a zero length would never advance:
//    rejected, never looped on) and at least the size its type requires;
//  - a record never extends past the table's validated length;
//  - unknown record types are skipped by their length (forward compatible);
//  - full lists count overflow instead of failing: booting with 64 of 128
//    CPUs beats not booting.
#include "hal/acpi.h"

namespace hal::acpi {
namespace {

using detail::load_le16;
using detail::load_le32;
using detail::load_le64;

constexpr size_t kFixedSize = 44;

enum RecordType : uint8_t {
  kLocalApic = 0,
  kIoApic = 1,
  kSourceOverride = 2,
  kLocalApicNmi = 4,
  kLocalApicAddressOverride = 5,
  kLocalX2Apic = 9,
  kLocalX2ApicNmi = 10,
};

// Minimum record length per known type; 2 for the rest.
size_t minimum_length(uint8_t type) {
  switch (type) {
    case kLocalApic: return 8;
    case kIoApic: return 12;
    case kSourceOverride: return 10;
    case kLocalApicNmi: return 6;
    case kLocalApicAddressOverride: return 12;
    case kLocalX2Apic: return 16;
    case kLocalX2ApicNmi: return 12;
    default: return 2;
  }
}

Polarity polarity_of(uint16_t inti_flags) { return static_cast<Polarity>(inti_flags & 3); }
Trigger trigger_of(uint16_t inti_flags) { return static_cast<Trigger>((inti_flags >> 2) & 3); }

template <typename T, size_t N>
T* append(T (&items)[N], size_t& count, size_t& overflow) {
  if (count == N) {
    ++overflow;
    return nullptr;
  }
  return &items[count++];
}

void add_processor(MadtInfo& out, uint32_t apic_id, uint32_t uid, uint32_t flags, bool x2apic) {
  MadtProcessor* cpu = append(out.processors, out.processor_count, out.processor_overflow);
  if (cpu == nullptr) return;
  *cpu = {apic_id, uid, (flags & 1) != 0, (flags & 2) != 0, x2apic};
}

void add_nmi(MadtInfo& out, uint32_t uid, uint8_t lint, uint16_t inti_flags) {
  MadtLocalNmi* nmi = append(out.nmis, out.nmi_count, out.nmi_overflow);
  if (nmi == nullptr) return;
  *nmi = {uid, lint, polarity_of(inti_flags), trigger_of(inti_flags)};
}

void decode_record(const uint8_t* r, MadtInfo& out) {
  switch (r[0]) {
    case kLocalApic:
      add_processor(out, r[3], r[2], load_le32(r + 4), false);
      break;
    case kLocalX2Apic:
      add_processor(out, load_le32(r + 4), load_le32(r + 12), load_le32(r + 8), true);
      break;
    case kIoApic: {
      MadtIoApic* io = append(out.io_apics, out.io_apic_count, out.io_apic_overflow);
      if (io != nullptr) *io = {r[2], load_le32(r + 4), load_le32(r + 8)};
      break;
    }
    case kSourceOverride: {
      MadtOverride* o = append(out.overrides, out.override_count, out.override_overflow);
      uint16_t flags = load_le16(r + 8);
      if (o != nullptr) *o = {r[2], r[3], load_le32(r + 4), polarity_of(flags), trigger_of(flags)};
      break;
    }
    case kLocalApicNmi:
      add_nmi(out, r[2] == 0xff ? kAllProcessors : r[2], r[5], load_le16(r + 3));
      break;
    case kLocalX2ApicNmi:
      add_nmi(out, load_le32(r + 4), r[8], load_le16(r + 2));
      break;
    case kLocalApicAddressOverride:
      out.local_apic_address = load_le64(r + 4);
      break;
    default:
      break;
  }
}

}  // namespace

rtl::Result<void> decode_madt(const Table& madt, MadtInfo& out) {
  out = MadtInfo{};
  if (!madt.has_signature("APIC")) return rtl::Error(rtl::Errc::bad_format, "not a MADT");
  if (madt.length < kFixedSize) return rtl::Error(rtl::Errc::bad_format, "MADT too short");
  out.local_apic_address = load_le32(madt.data + 36);
  out.pcat_compat = (load_le32(madt.data + 40) & 1) != 0;

  size_t offset = kFixedSize;
  while (offset < madt.length) {
    if (madt.length - offset < 2)
      return rtl::Error(rtl::Errc::bad_format, "MADT record header past table end");
    const uint8_t* record = madt.data + offset;
    uint8_t length = record[1];
    if (length < minimum_length(record[0]))
      return rtl::Error(rtl::Errc::bad_format, "MADT record too short");
    if (length > madt.length - offset)
      return rtl::Error(rtl::Errc::bad_format, "MADT record runs past table end");
    decode_record(record, out);
    offset += length;
  }
  return {};
}

}  // namespace hal::acpi
