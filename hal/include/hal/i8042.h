// The 8042 PS/2 controller, as far as the HAL owns it: whether the machine
// has one. The keyboard itself is a framework driver
// (drivers/ps2kbd/, device kbd0) that runs in the kernel or as a server;
// the controller's reset line is hal/power's last resort for reboot.
#pragma once

namespace hal::i8042 {

// False when the FADT says there is no 8042, or nothing decodes its status
// port (a floating bus reads 0xff). Touches nothing but that one read.
bool controller_present();

}  // namespace hal::i8042
