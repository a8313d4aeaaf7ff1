// The host build's stand-ins for what the kernel installs during boot: a heap
// (malloc) and a panic handler (print, then abort the test binary). They are
// installed by a static constructor that runs before ordinary static
// initialisers and before main(), so every host test, with or without
// GoogleTest, starts with a working heap.
#include <cstdio>
#include <cstdlib>

#include "rtl/hosted.h"

namespace rtl::hosted {
namespace {

void* malloc_allocate(size_t size, size_t alignment) {
  // posix_memalign needs at least pointer alignment.
  if (alignment < sizeof(void*)) alignment = sizeof(void*);
  void* pointer = nullptr;
  return posix_memalign(&pointer, alignment, size) == 0 ? pointer : nullptr;
}

void malloc_deallocate(void* pointer, size_t, size_t) { free(pointer); }

constexpr HeapOps kMallocHeap{malloc_allocate, malloc_deallocate};

// Priority 101 is the earliest available to programs: before any other
// layer's static objects could allocate.
[[gnu::constructor(101)]] void install_host_runtime() {
  set_heap(&kMallocHeap);
  set_panic_handler(abort_on_panic);
}

}  // namespace

// Referenced from hosted_platform.cpp; see the comment there.
extern const bool g_runtime_linked = true;

const HeapOps& malloc_heap() { return kMallocHeap; }

void abort_on_panic(const PanicReport& report) {
  fprintf(stderr, "Kernel panic - not syncing: %s\n", report.reason ? report.reason : "(no reason)");
  fflush(stderr);
  abort();
}

void throw_on_panic(const PanicReport& report) {
  throw Panicked{report.reason ? report.reason : ""};
}

}  // namespace rtl::hosted
