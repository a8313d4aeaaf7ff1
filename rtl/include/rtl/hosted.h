// Host-build only: what the hosted platform (rtl/src/hosted_platform.cpp) and
// runtime (rtl/src/hosted_runtime.cpp) expose to tests of any layer.
//
// Before main() the hosted runtime installs a malloc heap and a panic handler
// that prints the reason and aborts. A test that wants a different heap,
// panic handler or log sink uses the Scoped* helpers, which restore the
// previous one on scope exit.
#pragma once

#if !AMPHI_HOSTED
#error "rtl/hosted.h is for the host build (tests) only"
#endif

#include <string>

#include "rtl/alloc.h"
#include "rtl/log.h"
#include "rtl/panic.h"

namespace rtl::hosted {

// The calling thread's simulated interrupt flag: true until irq_save()
// clears it, set back by irq_restore() of a state saved while it was true.
bool interrupts_enabled();
// How many fpu_begin() scopes the calling thread is inside.
int fpu_depth();

const HeapOps& malloc_heap();
void abort_on_panic(const PanicReport& report);

// Thrown by throw_on_panic; host code is built with exceptions, so a test can
// EXPECT_THROW a panic and keep running.
struct Panicked {
  std::string reason;
};
[[noreturn]] void throw_on_panic(const PanicReport& report);

class ScopedHeap {
 public:
  explicit ScopedHeap(const HeapOps& heap) : previous_(set_heap(&heap)) {}
  ~ScopedHeap() { set_heap(previous_); }
  ScopedHeap(const ScopedHeap&) = delete;
  ScopedHeap& operator=(const ScopedHeap&) = delete;

 private:
  const HeapOps* previous_;
};

class ScopedPanicHandler {
 public:
  explicit ScopedPanicHandler(PanicHandler handler = throw_on_panic)
      : previous_(set_panic_handler(handler)) {}
  ~ScopedPanicHandler() { set_panic_handler(previous_); }
  ScopedPanicHandler(const ScopedPanicHandler&) = delete;
  ScopedPanicHandler& operator=(const ScopedPanicHandler&) = delete;

 private:
  PanicHandler previous_;
};

class ScopedLogSink {
 public:
  explicit ScopedLogSink(LogSink sink) : previous_(set_log_sink(sink)) {}
  ~ScopedLogSink() { set_log_sink(previous_); }
  ScopedLogSink(const ScopedLogSink&) = delete;
  ScopedLogSink& operator=(const ScopedLogSink&) = delete;

 private:
  LogSink previous_;
};

}  // namespace rtl::hosted
