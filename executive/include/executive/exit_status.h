// Guest exit statuses, as scripts/run reports them. Under QEMU, power_off(s)
// with s != 0 leaves through isa-debug-exit, so tests can tell a clean
// power-off (0) from a panic without reading the console.
#pragma once

namespace executive {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitPanic = 70;  // sysexits' EX_SOFTWARE: internal software error

}  // namespace executive
