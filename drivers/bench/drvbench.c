/* drvbench: what a driver costs from user space, and whether it survives
 * faults (`--campaign`, campaign.c). A static Linux program run from the
 * busybox shell; scripts/bench drivers and scripts/compare parse its lines.
 *
 *   drvbench [--requests N] [--depths 1,32] [--tests rand4k,...] DEVICE...
 *   drvbench --campaign FAULTS [--threads T] [--seed S] DEVICE   (0: the load alone)
 *   drvbench --switch kernel|server DEVICE    a live switch under load (switch.c)
 *   drvbench --bad-input DEVICE               bad buffers, offsets, sizes (bad_input.c)
 *
 * Block devices (rd0, blk0): 4 KiB reads at random aligned offsets
 * (rand4k) and 64 KiB sequential reads (seq64k). Character devices (null0):
 * 1-byte writes and reads, i.e. pure framework round trips. Depth D means D
 * threads, each with its own descriptor, issuing requests concurrently.
 * Every request is timed with clock_gettime (median_ns, p99_ns) and rdtsc
 * (cycles; under QEMU -icount shift=0 the TSC counts guest instructions).
 * One line per test:
 *
 *   drvbench: device=rd0 mode=kernel test=rand4k depth=1 requests=2000 errors=0
 *             median_ns=.. p99_ns=.. cycles=.. p99_cycles=.. iops=.. mib_s=..
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drvbench.h"

struct test {
  const char* name;
  size_t bytes;
  int sequential, writing;
};
static const struct test kBlockTests[] = {{"rand4k", 4096, 0, 0}, {"seq64k", 65536, 1, 0}};
static const struct test kCharTests[] = {{"write1", 1, 0, 1}, {"read1", 1, 0, 0}};

struct run {
  const struct device* device;
  const struct test* test;
  unsigned requests;
  unsigned next; /* the next request number to take (atomic) */
  unsigned errors;
  uint64_t bytes; /* transferred: null0's reads move none */
  uint64_t *latency_ns, *cycles;
  /* The first request's start and the last one's end, over all threads:
   * with one CPU the threads may well run one after another, so no single
   * thread (least of all main) sees the whole span. */
  uint64_t first_ns, last_ns;
  pthread_barrier_t start;
};

struct worker {
  pthread_t thread;
  struct run* run;
  uint64_t seed;
};

static void* issue(void* argument) {
  struct worker* self = argument;
  struct run* run = self->run;
  const struct test* test = run->test;
  char* buffer = aligned_alloc(4096, test->bytes < 4096 ? 4096 : test->bytes);
  int fd = open(run->device->path, O_RDWR);
  uint64_t slots = run->device->capacity / test->bytes;
  pthread_barrier_wait(&run->start);
  uint64_t began = now_ns(), ended;
  for (;;) {
    unsigned i = __atomic_fetch_add(&run->next, 1, __ATOMIC_RELAXED);
    if (i >= run->requests) break;
    uint64_t slot = slots == 0 ? 0 : test->sequential ? i % slots : xorshift(&self->seed) % slots;
    off_t offset = (off_t)(slot * test->bytes);
    uint64_t t0 = now_ns(), c0 = rdtsc();
    ssize_t done = test->writing ? pwrite(fd, buffer, test->bytes, offset) : pread(fd, buffer, test->bytes, offset);
    uint64_t c1 = rdtsc(), t1 = now_ns();
    /* null0 reads are end of file (0 bytes) by design; anything else short is an error. */
    size_t expected = run->device->capacity == 0 && !test->writing ? 0 : test->bytes;
    if (fd < 0 || done != (ssize_t)expected) __atomic_fetch_add(&run->errors, 1, __ATOMIC_RELAXED);
    if (done > 0) __atomic_fetch_add(&run->bytes, (uint64_t)done, __ATOMIC_RELAXED);
    run->latency_ns[i] = t1 - t0;
    run->cycles[i] = c1 - c0;
  }
  ended = now_ns();
  uint64_t seen = __atomic_load_n(&run->first_ns, __ATOMIC_RELAXED);
  while (began < seen && !__atomic_compare_exchange_n(&run->first_ns, &seen, began, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  seen = __atomic_load_n(&run->last_ns, __ATOMIC_RELAXED);
  while (ended > seen && !__atomic_compare_exchange_n(&run->last_ns, &seen, ended, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
  }
  if (fd >= 0) close(fd);
  free(buffer);
  return NULL;
}

/* Runs `requests` requests at `depth`; returns the elapsed wall time. */
static uint64_t run_test(struct run* run, unsigned depth) {
  struct worker workers[64];
  run->next = 0;
  run->errors = 0;
  run->bytes = 0;
  run->first_ns = UINT64_MAX;
  run->last_ns = 0;
  pthread_barrier_init(&run->start, NULL, depth + 1);
  for (unsigned t = 0; t < depth; ++t) {
    workers[t].run = run;
    workers[t].seed = 0x9e3779b97f4a7c15ull * (t + 1);
    pthread_create(&workers[t].thread, NULL, issue, &workers[t]);
  }
  pthread_barrier_wait(&run->start);
  for (unsigned t = 0; t < depth; ++t) pthread_join(workers[t].thread, NULL);
  pthread_barrier_destroy(&run->start);
  return run->last_ns > run->first_ns ? run->last_ns - run->first_ns : 1;
}

/* Whether `name` is one of the comma-separated `tests` (all when NULL). */
static int chosen(const char* tests, const char* name) {
  if (!tests) return 1;
  size_t length = strlen(name);
  for (const char* cursor = tests; *cursor;) {
    const char* end = strchr(cursor, ',');
    size_t word = end ? (size_t)(end - cursor) : strlen(cursor);
    if (word == length && strncmp(cursor, name, length) == 0) return 1;
    cursor += word + (end != NULL);
  }
  return 0;
}

static int bench_device(const char* name, unsigned requests, const unsigned* depths,
                        unsigned depth_count, const char* tests_chosen) {
  struct device device;
  if (device_open(&device, name) != 0) return 1;
  struct driver_row row;
  const char* mode = driver_row(name, &row) == 0 ? row.mode : "unknown";
  const struct test* tests = device.capacity ? kBlockTests : kCharTests;
  struct run run = {.device = &device, .requests = requests};
  run.latency_ns = calloc(requests, sizeof *run.latency_ns);
  run.cycles = calloc(requests, sizeof *run.cycles);
  int failed = 0;
  for (unsigned t = 0; t < 2; ++t) {
    if (!chosen(tests_chosen, tests[t].name)) continue;
    run.test = &tests[t];
    for (unsigned d = 0; d < depth_count; ++d) {
      /* A short unrecorded warm-up: the first requests fault in the buffer
       * and the driver's transfer slots. */
      unsigned measured = run.requests;
      run.requests = measured / 10 ? measured / 10 : 1;
      run_test(&run, depths[d]);
      run.requests = measured;
      uint64_t elapsed = run_test(&run, depths[d]);
      printf("drvbench: device=%s mode=%s test=%s depth=%u requests=%u errors=%u median_ns=%lu p99_ns=%lu "
             "cycles=%lu p99_cycles=%lu iops=%lu mib_s=%.2f\n",
             name, mode, tests[t].name, depths[d], requests, run.errors, percentile(run.latency_ns, requests, 50),
             percentile(run.latency_ns, requests, 99), percentile(run.cycles, requests, 50),
             percentile(run.cycles, requests, 99), (uint64_t)requests * 1000000000u / elapsed,
             (double)run.bytes * 1e9 / (double)elapsed / (1024.0 * 1024.0));
      fflush(stdout);
      failed |= run.errors != 0;
    }
  }
  free(run.latency_ns);
  free(run.cycles);
  return failed;
}

static int usage(void) {
  fprintf(stderr,
          "usage: drvbench [--requests N] [--depths 1,32] [--tests rand4k,seq64k] DEVICE...\n"
          "       drvbench --campaign FAULTS [--threads T] [--seed S] DEVICE\n"
          "       drvbench --switch kernel|server DEVICE\n"
          "       drvbench --bad-input DEVICE\n");
  return 2;
}

int main(int argc, char** argv) {
  unsigned requests = 2000, threads = 8, depths[8] = {1, 32}, depth_count = 2;
  uint64_t seed = 0x2545f4914f6cdd1dull;
  long campaign = -1; /* 0 is a campaign too: the verified load alone, no faults */
  const char* switch_to = NULL;
  const char* tests = NULL; /* all of a device's tests */
  int bad_input = 0;
  int first_device = argc;
  for (int i = 1; i < argc; ++i) {
    const char* value = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(argv[i], "--requests") == 0 && value) {
      requests = (unsigned)strtoul(value, NULL, 0), ++i;
    } else if (strcmp(argv[i], "--campaign") == 0 && value) {
      campaign = strtol(value, NULL, 0), ++i;
    } else if (strcmp(argv[i], "--switch") == 0 && value) {
      switch_to = value, ++i;
    } else if (strcmp(argv[i], "--tests") == 0 && value) {
      tests = value, ++i;
    } else if (strcmp(argv[i], "--bad-input") == 0) {
      bad_input = 1;
    } else if (strcmp(argv[i], "--threads") == 0 && value) {
      threads = (unsigned)strtoul(value, NULL, 0), ++i;
    } else if (strcmp(argv[i], "--seed") == 0 && value) {
      seed = strtoull(value, NULL, 0) | 1, ++i;
    } else if (strcmp(argv[i], "--depths") == 0 && value) {
      char* cursor = argv[++i];
      for (depth_count = 0; *cursor && depth_count < 8; ++depth_count) {
        depths[depth_count] = (unsigned)strtoul(cursor, &cursor, 10);
        if (*cursor == ',') ++cursor;
      }
    } else if (argv[i][0] == '-') {
      return usage();
    } else {
      first_device = i;
      break;
    }
  }
  if (first_device >= argc || requests == 0 || threads < 2 || threads > 64) return usage();
  for (unsigned d = 0; d < depth_count; ++d)
    if (depths[d] == 0 || depths[d] > 64) return usage();
  if (campaign >= 0 || switch_to || bad_input) {
    struct device device;
    if (first_device + 1 != argc || device_open(&device, argv[first_device]) != 0) return usage();
    if (bad_input) return run_bad_input(&device);
    return campaign >= 0 ? run_campaign(&device, (unsigned)campaign, threads, seed) : run_switch(&device, switch_to);
  }
  int failed = 0;
  for (int i = first_device; i < argc; ++i)
    failed |= bench_device(argv[i], requests, depths, depth_count, tests);
  return failed;
}
