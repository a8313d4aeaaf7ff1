// Boot self-tests: deliberate kernel failures, selected with `test=NAME` on
// the command line, that the boot scenario tests use to prove the panic path
// (tests/boot/). Each must end in a panic; none is reachable otherwise.
//
// The helpers are noinline so the backtrace shows real frames.
#include "executive/boot.h"
#include "rtl/log.h"
#include "rtl/panic.h"

namespace executive {
namespace {

[[gnu::noinline]] void self_test_panic_inner() { rtl::panic_message(__FILE__, __LINE__, "self-test: deliberate panic (test=panic)"); }
[[gnu::noinline]] void self_test_panic_middle() {
  self_test_panic_inner();
  asm volatile("");  // keep the call from becoming a tail jump
}
[[gnu::noinline]] void self_test_panic() {
  self_test_panic_middle();
  asm volatile("");
}

[[gnu::noinline]] void self_test_null_write() {
  volatile int* null_pointer = nullptr;
  asm volatile("" : "+r"(null_pointer));  // hide the null from the optimiser
  *null_pointer = 0x2a;
}

// Recurses with a large frame until the guard page under the boot stack is
// hit; the page fault cannot be delivered on that stack, so the CPU raises a
// double fault, which runs on its own IST stack.
// The depth limit is far beyond any stack and only there because GCC rejects
// recursion it can prove endless.
[[gnu::noinline]] uint64_t self_test_stack_overflow(uint64_t depth) {
  volatile uint8_t frame[512];
  frame[0] = static_cast<uint8_t>(depth);
  if (depth > (1ull << 40)) return frame[0];
  uint64_t below = self_test_stack_overflow(depth + 1);
  return below + frame[0];
}

[[gnu::noinline]] void self_test_assert() {
  int answer = 41;
  asm volatile("" : "+r"(answer));
  RTL_ASSERT(answer == 42);
}

}  // namespace

void run_boot_self_test(std::string_view name) {
  rtl::pr_notice("self-test: {}", name);
  if (name == "panic") self_test_panic();
  else if (name == "null-write") self_test_null_write();
  else if (name == "stack-overflow") self_test_stack_overflow(0);
  else if (name == "assert") self_test_assert();
  else return rtl::pr_err("self-test: unknown test '{}' (known: panic, null-write, stack-overflow, assert)", name);
  // Not reached: every test panics. The statement also keeps the calls above
  // from becoming tail jumps, so this function shows in their backtraces.
  rtl::panic_message(__FILE__, __LINE__, "self-test returned");
}

}  // namespace executive
