// MCFG: the PCI Express ECAM windows, one per segment group and bus range.
// After the header and 8 reserved bytes come 16-byte allocations; a length
// that is not a whole number of them is malformed. An end bus below the
// start bus is malformed too (the window would be negative).
#include "hal/acpi.h"

namespace hal::acpi {

rtl::Result<McfgInfo> decode_mcfg(const Table& mcfg) {
  constexpr size_t kFixedSize = 44;
  constexpr size_t kAllocationSize = 16;
  if (!mcfg.has_signature("MCFG")) return rtl::Error(rtl::Errc::bad_format, "not an MCFG table");
  if (mcfg.length < kFixedSize) return rtl::Error(rtl::Errc::bad_format, "MCFG table too short");
  if ((mcfg.length - kFixedSize) % kAllocationSize != 0)
    return rtl::Error(rtl::Errc::bad_format, "MCFG allocation runs past table end");

  McfgInfo info{};
  for (size_t offset = kFixedSize; offset < mcfg.length; offset += kAllocationSize) {
    const uint8_t* a = mcfg.data + offset;
    EcamSegment segment{detail::load_le64(a), detail::load_le16(a + 8), a[10], a[11]};
    if (segment.end_bus < segment.start_bus)
      return rtl::Error(rtl::Errc::bad_format, "MCFG end bus below start bus");
    if (info.count == McfgInfo::kCapacity) {
      ++info.overflow;
      continue;
    }
    info.segments[info.count++] = segment;
  }
  return info;
}

}  // namespace hal::acpi
