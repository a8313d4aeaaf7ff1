// memhog: the out-of-memory scenario. Allocates and touches 4 MiB chunks
// until vm_allocate fails or the kernel ends the task, reporting every
// 16 MiB. Touching every page matters: memory is committed on first touch.
#include "libmach/mach.h"

namespace {

constexpr uint64_t kChunk = 4ull << 20;
constexpr uint64_t kPage = 4096;
constexpr uint64_t kReportEvery = 16ull << 20;

}  // namespace

int main(const char*) {
  uint64_t total = 0;
  for (;;) {
    uint64_t address = 0;
    kern_return_t kr = mach::vm_allocate(&address, kChunk, VM_FLAGS_ANYWHERE);
    if (kr != KERN_SUCCESS) {
      mach::print("memhog: vm_allocate failed after %lu MiB: %s (%d)\n", total >> 20, mach::error_name(kr), kr);
      return 0;
    }
    for (uint64_t offset = 0; offset < kChunk; offset += kPage)
      *reinterpret_cast<volatile uint8_t*>(address + offset) = 1;
    total += kChunk;
    if (total % kReportEvery == 0) mach::print("memhog: allocated %lu MiB\n", total >> 20);
  }
}
