// Depends on hello through hello's exported hello_greet (the loader records
// the dependency when it resolves the symbol): while hello_dep is loaded,
// `rmmod hello` fails with EBUSY, and without hello loaded hello_dep fails
// with "unknown symbol hello_greet" (ENOENT). A module could also list
// "hello" in AMPHI_MODULE's dependencies; resolution makes that redundant.
#include "executive/module_abi.h"

AMPHI_MODULE("hello_dep", "1.0");

extern "C" {

int hello_greet(const char* who);  // exported by hello

int amphi_module_init(void) {
  hello_greet("hello_dep");
  void* scratch = amphi_kmalloc(64);
  if (!scratch) return -12;  // -ENOMEM
  amphi_kfree(scratch);
  amphi_printk(6, "hello_dep: loaded");
  return 0;
}

void amphi_module_exit(void) { amphi_printk(6, "hello_dep: unloaded"); }

}  // extern "C"
