// segv: writes to a kernel address; the kernel must refuse it with SIGSEGV.
#include <stdio.h>

int main(void) {
  printf("writing to 0xffff800000001000\n");
  fflush(stdout);
  *(volatile int*)0xffff800000001000ul = 42;
  printf("the write succeeded: the kernel is not protected\n");
  return 1;
}
