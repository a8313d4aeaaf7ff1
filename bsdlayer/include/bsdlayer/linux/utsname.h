// uname(2): Linux's struct new_utsname, six NUL-terminated 65-byte fields.
#pragma once

#include <cstddef>

namespace bsdlayer::linux_abi {

inline constexpr size_t kUtsFieldLength = 65;  // __NEW_UTS_LEN + 1

struct NewUtsname {
  char sysname[kUtsFieldLength];
  char nodename[kUtsFieldLength];
  char release[kUtsFieldLength];
  char version[kUtsFieldLength];
  char machine[kUtsFieldLength];
  char domainname[kUtsFieldLength];
};
static_assert(sizeof(NewUtsname) == 390);

}  // namespace bsdlayer::linux_abi
