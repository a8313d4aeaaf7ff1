// Ending the machine on a user's request (reboot(2)): the executive logs it
// like Linux does and asks the HAL.
#pragma once

namespace executive::power {

[[noreturn]] void power_off(int status);
[[noreturn]] void restart();

}  // namespace executive::power
