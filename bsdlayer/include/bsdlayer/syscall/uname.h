// Filling struct new_utsname for uname(2).
#pragma once

#include "bsdlayer/linux/utsname.h"

namespace bsdlayer {

struct UtsIdentity {
  const char* sysname = "Linux";  // what static binaries test for; Amphi speaks Linux's ABI
  const char* nodename = "amphi"; // sethostname's value
  const char* release;            // the lead's choice (AMPHI_RELEASE), e.g. "6.1.0-amphi"
  const char* version;            // build description, e.g. "#1 SMP 2025-01-01"
  const char* machine = "x86_64";
  const char* domainname = "(none)";
};

// Zero-fills `out`, then copies each field, truncated to 64 characters so
// every field stays NUL-terminated. Null fields become empty.
void fill_utsname(linux_abi::NewUtsname& out, const UtsIdentity& identity);

}  // namespace bsdlayer
