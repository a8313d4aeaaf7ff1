#include "executive/personality.h"

#include "rtl/log.h"

namespace executive {
namespace {
// Written by static constructors before kernel_main; read once at its end.
const char* g_name = nullptr;
PersonalityStart g_start = nullptr;
}  // namespace

void register_personality(const char* name, PersonalityStart start) {
  g_name = name;
  g_start = start;
}

bool start_personality(const PersonalityBoot& boot) {
  if (!g_start) {
    rtl::pr_err("init: no personality is built in to run {}", boot.init_path);
    return false;
  }
  rtl::pr_info("init: starting the {} personality with {}", g_name, boot.init_path);
  return g_start(boot);
}

}  // namespace executive
