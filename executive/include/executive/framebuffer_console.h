// The framebuffer text console (Linux's fbcon): the GOP framebuffer mapped
// as device memory, drawn with the PSF font embedded at build time.
#pragma once

#include "amphi/boot_info.h"
#include "rtl/result.h"

namespace executive {

// Maps the framebuffer, parses the font, clears the screen and attaches the
// console to the kernel log. Errors leave the serial console as the only one.
rtl::Result<void> attach_framebuffer_console(const amphi_boot_info& boot);

}  // namespace executive
