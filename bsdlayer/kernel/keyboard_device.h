// /dev/kbd0 as Linux's evdev nodes behave: every opener reads its own copy
// of the keyboard's scancodes (set 1, make and break codes, as the driver
// delivers them), from the moment it opened, while the console keeps
// getting every key. Served by executive::keyboard_listeners, one listener
// per open file description, not by reading \Device\kbd0 (the console's
// reader thread is its only reader).
#pragma once

#include <cstdint>

#include "bsdlayer/vfs/char_device.h"

namespace bsdlayer::keyboard_device {

// The node for the device the console shares with listeners
// (executive::keyboard_listeners::source()).
CharDevice node(const char* name, uint32_t major, uint32_t minor);

}  // namespace bsdlayer::keyboard_device
