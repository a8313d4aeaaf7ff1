// spin: an endless loop that never traps after its first line. While it runs,
// the other programs keep making progress only if the timer preempts it: the
// preemption demonstration. The counter lives in a register the compiler must
// keep updating (the empty asm), so the loop is neither removed nor folded.
#include "libmach/mach.h"

int main(const char*) {
  mach::print("spin: spinning forever (no traps from here on)\n");
  uint64_t counter = 0;
  for (;;) {
    ++counter;
    // Every 2^26 iterations is where a progress report would go; it must stay
    // empty: spin never enters the kernel voluntarily.
    asm volatile("" : "+r"(counter));
  }
}
