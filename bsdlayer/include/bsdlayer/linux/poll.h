// Linux poll(2) event bits (struct pollfd's events and revents), as user
// space passes them; select(2) is answered with the same bits. LINUX_
// prefix: see errno.h.
#pragma once

#include <cstdint>

namespace bsdlayer {

inline constexpr int16_t LINUX_POLLIN = 0x001;
inline constexpr int16_t LINUX_POLLPRI = 0x002;
inline constexpr int16_t LINUX_POLLOUT = 0x004;
inline constexpr int16_t LINUX_POLLERR = 0x008;
inline constexpr int16_t LINUX_POLLHUP = 0x010;
inline constexpr int16_t LINUX_POLLNVAL = 0x020;
inline constexpr int16_t LINUX_POLLRDNORM = 0x040;
inline constexpr int16_t LINUX_POLLWRNORM = 0x100;

}  // namespace bsdlayer
