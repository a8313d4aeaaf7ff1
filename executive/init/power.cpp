#include "executive/power.h"

#include "hal/power.h"
#include "rtl/log.h"

namespace executive::power {

void power_off(int status) {
  rtl::pr_notice("reboot: Power down");
  hal::power::power_off(status);
}

void restart() {
  rtl::pr_notice("reboot: Restarting system");
  hal::power::reboot();
}

}  // namespace executive::power
