#include "bsdlayer/syscall/uname.h"

namespace bsdlayer {

namespace {

void copy_field(char (&field)[linux_abi::kUtsFieldLength], const char* value) {
  if (!value) return;
  for (size_t i = 0; i + 1 < linux_abi::kUtsFieldLength && value[i]; ++i) field[i] = value[i];
}

}  // namespace

void fill_utsname(linux_abi::NewUtsname& out, const UtsIdentity& identity) {
  __builtin_memset(&out, 0, sizeof out);
  copy_field(out.sysname, identity.sysname);
  copy_field(out.nodename, identity.nodename);
  copy_field(out.release, identity.release);
  copy_field(out.version, identity.version);
  copy_field(out.machine, identity.machine);
  copy_field(out.domainname, identity.domainname);
}

}  // namespace bsdlayer
