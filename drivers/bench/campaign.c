/* drvbench --campaign: inject faults into a block device's driver while
 * readers and writers keep it busy, and check that no request fails and no
 * data is lost or damaged.
 *
 * Every 4 KiB block carries a header (magic, its block number, a
 * generation) and a pseudo-random body derived from both, closed by a
 * checksum. A read is corrupted if the checksum fails (torn or garbage
 * data), the block number is wrong (misdirected I/O) or the generation is
 * not the last one written (a lost write). Reads and writes of one block are
 * serialized by a per-block mutex so that a legitimate race between them can
 * never look like corruption.
 *
 * The main thread injects the faults (crash, hang, wild-write, bad-reply in
 * rotation) through /dev/drvctl and waits for each restart to finish (the
 * restarts counter in /proc/drivers rises and the device is running again)
 * before the next, so every fault meets a driver that is serving. In kernel
 * mode the first fault brings the kernel down: that is the comparison. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drvbench.h"

enum { kBlock = 4096, kMagic = 0x4d414344 /* "DCAM" */, kMaxReports = 10 };
static const char* const kFaults[] = {"crash", "hang", "wild-write", "bad-reply"};
static const uint64_t kRestartDeadlineNs = 60ull * 1000000000u;

struct block_state {
  pthread_mutex_t lock;  /* held across each read or write of the block */
  uint32_t generation;   /* the last generation written */
  uint32_t oldest_valid; /* < generation only after a failed write: it may or may not have landed */
  int corrupted;
};

struct campaign {
  const struct device* device;
  uint32_t blocks;
  struct block_state* state;
  int stop;
  uint64_t load_limit; /* with no faults to inject, the load stops itself after this many requests */
  uint64_t issued, failed, corrupt_reads, corrupted_blocks;
};

struct campaign_worker {
  pthread_t thread;
  struct campaign* campaign;
  int writer;
  uint64_t seed;
};

static uint32_t checksum(const uint8_t* data) {
  uint32_t hash = 2166136261u; /* FNV-1a, with the checksum field (bytes 12..15) taken as zero */
  for (size_t i = 0; i < kBlock; ++i) hash = (hash ^ (i >= 12 && i < 16 ? 0 : data[i])) * 16777619u;
  return hash;
}

static void fill(uint8_t* data, uint32_t block, uint32_t generation) {
  uint32_t header[4] = {kMagic, block, generation, 0};
  memcpy(data, header, sizeof header);
  uint64_t state = (((uint64_t)block << 32) | generation) * 0x9e3779b97f4a7c15ull | 1;
  for (size_t i = sizeof header; i < kBlock; i += 8) {
    uint64_t word = xorshift(&state);
    memcpy(data + i, &word, 8);
  }
  uint32_t sum = checksum(data);
  memcpy(data + 12, &sum, 4);
}

/* NULL if the block is what was last written there, else why not. */
static const char* verify(const uint8_t* data, uint32_t block, const struct block_state* state) {
  uint32_t header[4];
  memcpy(header, data, sizeof header);
  if (header[0] != kMagic) return "no header (garbage or zeros)";
  if (checksum(data) != header[3]) return "checksum mismatch (torn or damaged)";
  if (header[1] != block) return "another block's data (misdirected)";
  if (header[2] < state->oldest_valid || header[2] > state->generation) return "wrong generation (lost write)";
  return NULL;
}

static void note_corruption(struct campaign* c, uint32_t block, const char* why, const uint8_t* data) {
  struct block_state* state = &c->state[block];
  uint32_t header[4];
  memcpy(header, data, sizeof header);
  uint64_t reads = __atomic_add_fetch(&c->corrupt_reads, 1, __ATOMIC_RELAXED);
  if (!state->corrupted) __atomic_add_fetch(&c->corrupted_blocks, 1, __ATOMIC_RELAXED);
  state->corrupted = 1;
  if (reads <= kMaxReports)
    printf("drvbench: corrupted block %u: %s (read block %u generation %u, expected generation %u)\n", block, why,
           header[1], header[2], state->generation);
}

/* One read or write of `block`, checked; the caller holds its lock. */
static void access_block(struct campaign* c, int fd, uint8_t* data, uint32_t block, int writing) {
  struct block_state* state = &c->state[block];
  off_t offset = (off_t)block * kBlock;
  __atomic_add_fetch(&c->issued, 1, __ATOMIC_RELAXED);
  if (writing) {
    uint32_t generation = state->generation + 1;
    fill(data, block, generation);
    ssize_t done = pwrite(fd, data, kBlock, offset);
    if (done != kBlock) __atomic_add_fetch(&c->failed, 1, __ATOMIC_RELAXED);
    else state->oldest_valid = generation;
    state->generation = generation;
    return;
  }
  if (pread(fd, data, kBlock, offset) != kBlock) {
    __atomic_add_fetch(&c->failed, 1, __ATOMIC_RELAXED);
    return;
  }
  const char* why = verify(data, block, state);
  if (why) note_corruption(c, block, why, data);
}

static void* load(void* argument) {
  struct campaign_worker* self = argument;
  struct campaign* c = self->campaign;
  uint8_t* data = aligned_alloc(kBlock, kBlock);
  int fd = open(c->device->path, O_RDWR);
  while (!__atomic_load_n(&c->stop, __ATOMIC_RELAXED) &&
         !(c->load_limit && __atomic_load_n(&c->issued, __ATOMIC_RELAXED) >= c->load_limit)) {
    uint32_t block = (uint32_t)(xorshift(&self->seed) % c->blocks);
    pthread_mutex_lock(&c->state[block].lock);
    access_block(c, fd, data, block, self->writer);
    pthread_mutex_unlock(&c->state[block].lock);
  }
  close(fd);
  free(data);
  return NULL;
}

/* Every block once, in order, on the calling thread (no load running). */
static void sweep(struct campaign* c, int writing) {
  uint8_t* data = aligned_alloc(kBlock, kBlock);
  int fd = open(c->device->path, O_RDWR);
  for (uint32_t block = 0; block < c->blocks; ++block) access_block(c, fd, data, block, writing);
  close(fd);
  free(data);
}

/* Injects one fault and waits for the restart it causes; returns the time
 * from injection until the device served again as seen from here, or 0. */
static uint64_t inject_and_wait(const struct device* device, const char* fault, uint64_t* restart_us) {
  struct driver_row before, now;
  char command[64], report[256];
  if (driver_row(device->name, &before) != 0) return 0;
  snprintf(command, sizeof command, "inject %s %s\n", device->name, fault);
  uint64_t injected = now_ns();
  if (drvctl(command, report, sizeof report) != 0) {
    printf("drvbench: inject %s refused: %s", fault, report);
    return 0;
  }
  /* Polling with a short pause and a deadline: the kernel offers no
   * notification of a restart to user space. */
  while (driver_row(device->name, &now) == 0 && (now.restarts <= before.restarts || strcmp(now.state, "running"))) {
    if (now_ns() - injected > kRestartDeadlineNs) {
      printf("drvbench: no restart within %llu s after injecting %s (state %s)\n",
             (unsigned long long)(kRestartDeadlineNs / 1000000000u), fault, now.state);
      return 0;
    }
    usleep(500);
  }
  *restart_us = now.restart_us;
  return now_ns() - injected;
}

int run_campaign(const struct device* device, unsigned faults, unsigned threads, uint64_t seed) {
  if (device->capacity < kBlock) {
    fprintf(stderr, "drvbench: %s is not a block device; a campaign needs one\n", device->name);
    return 2;
  }
  struct campaign c = {.device = device, .blocks = (uint32_t)(device->capacity / kBlock)};
  if (faults == 0) c.load_limit = 10ull * c.blocks; /* the sweeps' 2 x blocks, then 8 x blocks of load */
  c.state = calloc(c.blocks, sizeof *c.state);
  for (uint32_t b = 0; b < c.blocks; ++b) pthread_mutex_init(&c.state[b].lock, NULL);
  struct driver_row start;
  if (driver_row(device->name, &start) != 0) return 2;
  printf("drvbench: campaign device=%s mode=%s faults=%u threads=%u blocks=%u\n", device->name, start.mode, faults,
         threads, c.blocks);
  fflush(stdout);
  uint64_t started = now_ns();
  sweep(&c, 1); /* the pattern: generation 1 everywhere */
  sweep(&c, 0);

  struct campaign_worker workers[64];
  for (unsigned t = 0; t < threads; ++t) {
    workers[t] = (struct campaign_worker){.campaign = &c, .writer = t % 2, .seed = seed * (2 * t + 1)};
    pthread_create(&workers[t].thread, NULL, load, &workers[t]);
  }
  uint64_t* restart_us = calloc(faults, sizeof *restart_us);
  uint64_t* recovery_ns = calloc(faults, sizeof *recovery_ns);
  unsigned injected = 0, progress_every = faults / 10 > 100 ? 100 : faults / 10 ? faults / 10 : 1;
  for (; injected < faults; ++injected) {
    recovery_ns[injected] = inject_and_wait(device, kFaults[injected % 4], &restart_us[injected]);
    if (recovery_ns[injected] == 0) break;
    /* Progress at least every 100 faults: the host judges a campaign by its
     * silence (scripts/lib/drvbench_session.py), not by its total length. */
    if ((injected + 1) % progress_every == 0) {
      printf("drvbench: campaign progress faults=%u requests=%lu failed=%lu corrupted=%lu\n", injected + 1,
             c.issued, c.failed, c.corrupted_blocks);
      fflush(stdout);
    }
  }
  if (faults) __atomic_store_n(&c.stop, 1, __ATOMIC_RELAXED);
  for (unsigned t = 0; t < threads; ++t) pthread_join(workers[t].thread, NULL);
  sweep(&c, 0); /* whatever the load left behind must still be intact */

  struct driver_row end;
  driver_row(device->name, &end);
  int ok = injected == faults && c.failed == 0 && c.corrupted_blocks == 0;
  printf("drvbench: device=%s mode=%s campaign faults=%u injected=%u requests=%lu failed=%lu corrupted=%lu "
         "restarts=%lu replayed=%lu restart_median_us=%lu restart_p99_us=%lu restart_max_us=%lu "
         "recovery_median_us=%lu recovery_p99_us=%lu seconds=%lu\n",
         device->name, end.mode, faults, injected, c.issued, c.failed, c.corrupted_blocks,
         end.restarts - start.restarts, end.replayed - start.replayed, percentile(restart_us, injected, 50),
         percentile(restart_us, injected, 99), percentile(restart_us, injected, 100),
         percentile(recovery_ns, injected, 50) / 1000, percentile(recovery_ns, injected, 99) / 1000,
         (now_ns() - started) / 1000000000u);
  printf("drvbench: campaign %s\n", ok ? "passed" : "FAILED");
  free(restart_us);
  free(recovery_ns);
  free(c.state);
  return ok ? 0 : 1;
}
