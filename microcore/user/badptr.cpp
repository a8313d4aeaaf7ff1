// badptr: a user program touching memory it does not own. "kernel" writes to
// a kernel address (the page tables deny Ring 3 access), "unmapped" writes to
// an unmapped low user address. Either way the kernel must end this task and
// keep running; the line after the write only appears if it did not.
#include "libmach/mach.h"

namespace {

constexpr uint64_t kKernelAddress = 0xffff800000001000;
constexpr uint64_t kUnmappedAddress = 0x0000000000001000;

}  // namespace

int main(const char* args) {
  uint64_t address;
  if (mach::string_equal(args, "kernel")) {
    address = kKernelAddress;
  } else if (mach::string_equal(args, "unmapped")) {
    address = kUnmappedAddress;
  } else {
    mach::print("badptr: usage: badptr kernel|unmapped (got \"%s\")\n", args);
    return 2;
  }
  mach::print("badptr: writing to 0x%lx\n", address);
  // A plain store the compiler cannot drop or reason about.
  asm volatile("movq %1, (%0)" : : "r"(address), "r"(uint64_t{0xbad}) : "memory");
  mach::print("badptr: the write to 0x%lx did not fault\n", address);
  return 1;
}
