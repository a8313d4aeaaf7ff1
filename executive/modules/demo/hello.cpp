// The demo module: logs its load and unload through the kernel's exported
// printk, and exports hello_greet for hello_dep.
#include "executive/module_abi.h"

AMPHI_MODULE("hello", "1.0");

namespace {
int g_greetings = 0;  // .bss: proves the data region is writable
}  // namespace

extern "C" {

// Logs "<who>: hello #<n>"; returns n.
int hello_greet(const char* who) {
  char line[96];
  size_t length = __builtin_strlen(who);
  if (length > 48) length = 48;
  __builtin_memcpy(line, who, length);
  const char suffix[] = ": hello #";
  __builtin_memcpy(line + length, suffix, sizeof suffix - 1);
  length += sizeof suffix - 1;
  amphi_format_u64(line + length, sizeof line - length, static_cast<uint64_t>(++g_greetings));
  amphi_printk(6, line);
  return g_greetings;
}

int amphi_module_init(void) {
  amphi_printk(6, "hello: loaded");
  return 0;
}

void amphi_module_exit(void) { amphi_printk(6, "hello: unloaded"); }

}  // extern "C"

AMPHI_EXPORT_SYMBOL(hello_greet);
