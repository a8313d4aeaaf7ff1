// spin: an endless loop that never makes a system call; the scheduler must
// preempt it (run it with `&`, the shell stays responsive; kill it).
int main(void) {
  volatile unsigned long counter = 0;
  for (;;) ++counter;
}
