// fputest: proves each thread's vector state survives preemption. Two (or
// more) instances keep different values in XMM registers across long loops
// while the scheduler switches between them; the microcore saves and loads
// the SSE state lazily, on first use after a switch (#NM). If any switch
// leaked one task's registers into another, the sums would diverge from the
// value each instance computes from its own seed alone.
//
// Built with SSE on (unlike the other programs), as ordinary user code is.
#include "libmach/mach.h"

namespace {

// Iterates x = x * a + b in double precision; the result depends on every
// intermediate value, so a single corrupted register changes it.
[[gnu::noinline]] double churn(double seed, uint64_t rounds) {
  double x = seed, a = 1.0000001, b = seed * 1e-9;
  for (uint64_t i = 0; i < rounds; ++i) {
    x = x * a + b;
    if (x > 1e6) x -= 1e6;
    asm volatile("" : "+x"(x));  // keep x in an XMM register across the loop
  }
  return x;
}

}  // namespace

int main(const char* args) {
  uint64_t seed = mach::parse_decimal(args, 1);
  double reference = churn(static_cast<double>(seed), 200000);
  // Burn enough time that the scheduler preempts us many times (10 ms slices).
  uint64_t start = mach::clock_ns();
  uint64_t rounds = 0;
  while (mach::clock_ns() - start < 1500000000ull) {
    double again = churn(static_cast<double>(seed), 200000);
    if (__builtin_memcmp(&again, &reference, sizeof again) != 0) {
      mach::print("fputest %lu: FAIL vector state corrupted after %lu rounds\n", seed, rounds);
      return 1;
    }
    ++rounds;
  }
  mach::print("fputest %lu: ok, %lu rounds identical across preemption\n", seed, rounds);
  return 0;
}
