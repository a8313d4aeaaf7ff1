// Is there an 8042? (see hal/i8042.h). Real machines may have none: the
// FADT's IA-PC boot flags say so from revision 2 on; older tables say
// nothing, and then only the status port's answer tells.
#include "hal/i8042.h"

#include <cstdint>

#include "hal/io.h"
#include "hal/platform.h"

namespace hal::i8042 {
namespace {
constexpr uint16_t kStatusPort = 0x64;
}  // namespace

bool controller_present() {
  const PlatformDescription& platform = hal::platform();
  if (platform.has_fadt && platform.fadt.revision >= 2 && !platform.fadt.has_8042()) return false;
  return inb(kStatusPort) != 0xff;
}

}  // namespace hal::i8042
