/* drvbench --switch MODE: a live mode switch under load. Threads keep
 * requests in flight (4 KiB reads, or 1-byte writes on a character device)
 * while the main thread asks for the switch, so the pause the kernel
 * reports includes draining real requests; the load counts any request
 * that failed across it (there should be none: a switch only delays). */
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drvbench.h"

enum { kLoadThreads = 4 };

struct load {
  const struct device* device;
  int stop;
  uint64_t issued, failed;
};

static void* keep_busy(void* argument) {
  struct load* load = argument;
  char* buffer = aligned_alloc(4096, 4096);
  int fd = open(load->device->path, O_RDWR);
  uint64_t seed = (uint64_t)(uintptr_t)buffer | 1, blocks = load->device->capacity / 4096;
  while (!__atomic_load_n(&load->stop, __ATOMIC_RELAXED)) {
    ssize_t done = blocks ? pread(fd, buffer, 4096, (off_t)(xorshift(&seed) % blocks * 4096)) : pwrite(fd, buffer, 1, 0);
    __atomic_add_fetch(&load->issued, 1, __ATOMIC_RELAXED);
    if (done != (blocks ? 4096 : 1)) __atomic_add_fetch(&load->failed, 1, __ATOMIC_RELAXED);
  }
  close(fd);
  free(buffer);
  return NULL;
}

int run_switch(const struct device* device, const char* mode) {
  struct load load = {.device = device};
  pthread_t threads[kLoadThreads];
  struct driver_row before, after;
  if (driver_row(device->name, &before) != 0) return 2;
  for (int t = 0; t < kLoadThreads; ++t) pthread_create(&threads[t], NULL, keep_busy, &load);
  /* Switch only once every thread has had requests served (no timed wait:
   * yield until the counter shows it). */
  while (__atomic_load_n(&load.issued, __ATOMIC_RELAXED) < 4 * kLoadThreads) sched_yield();
  char command[64], report[256];
  snprintf(command, sizeof command, "mode %s %s\n", device->name, mode);
  uint64_t issued_before = __atomic_load_n(&load.issued, __ATOMIC_RELAXED);
  int switched = drvctl(command, report, sizeof report);
  uint64_t issued_during = __atomic_load_n(&load.issued, __ATOMIC_RELAXED) - issued_before;
  __atomic_store_n(&load.stop, 1, __ATOMIC_RELAXED);
  for (int t = 0; t < kLoadThreads; ++t) pthread_join(threads[t], NULL);
  driver_row(device->name, &after);
  if (switched != 0) {
    printf("drvbench: device=%s switch to=%s failed: %s", device->name, mode, report);
    return 1;
  }
  printf("drvbench: device=%s switch from=%s to=%s pause_us=%lu load_requests=%lu during_switch=%lu "
         "load_failed=%lu\n",
         device->name, before.mode, after.mode, after.pause_us, load.issued, issued_during, load.failed);
  printf("drvbench: report %s", report);
  return load.failed != 0;
}
