/* drvbench's helpers: opening a device and finding its size, reading
 * /proc/drivers, talking to /dev/drvctl, clocks and percentiles. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "drvbench.h"

/* The nodes are character devices on Amphi (bsdlayer/kernel/driver_devices.cpp)
 * and report no size, but a block device's end is end of file: pread past it
 * returns 0. So the size is found by doubling, then bisecting on sectors. */
static uint64_t probe_capacity(int fd) {
  char sector[512];
  if (pread(fd, sector, sizeof sector, 0) <= 0) return 0; /* null0: end of file at once */
  uint64_t readable = 0, beyond = 1;                        /* in sectors */
  while (pread(fd, sector, sizeof sector, (off_t)(beyond * 512)) > 0) readable = beyond, beyond *= 2;
  while (beyond - readable > 1) {
    uint64_t middle = readable + (beyond - readable) / 2;
    if (pread(fd, sector, sizeof sector, (off_t)(middle * 512)) > 0)
      readable = middle;
    else
      beyond = middle;
  }
  return beyond * 512;
}

int device_open(struct device* device, const char* name) {
  memset(device, 0, sizeof *device);
  snprintf(device->name, sizeof device->name, "%s", name);
  snprintf(device->path, sizeof device->path, "/dev/%s", name);
  int fd = open(device->path, O_RDWR);
  if (fd < 0) {
    fprintf(stderr, "drvbench: %s: %s\n", device->path, strerror(errno));
    return -1;
  }
  device->capacity = probe_capacity(fd);
  close(fd);
  return 0;
}

int driver_row(const char* name, struct driver_row* row) {
  FILE* table = fopen("/proc/drivers", "r");
  if (!table) return -1;
  char line[256], device[16], driver[16];
  int found = -1;
  while (found < 0 && fgets(line, sizeof line, table)) {
    int fields = sscanf(line, "%15s %15s %7s %11s %lu %lu %lu %lu %lu %lu %lu %lu %lu", device, driver, row->mode,
                        row->state, &row->served, &row->pending, &row->errors, &row->restarts, &row->replayed,
                        &row->switches, &row->pause_us, &row->restart_us, &row->faults);
    if (fields == 13 && strcmp(device, name) == 0) found = 0;
  }
  fclose(table);
  return found;
}

int drvctl(const char* command, char* report, size_t capacity) {
  int fd = open("/dev/drvctl", O_RDWR);
  if (fd < 0) {
    snprintf(report, capacity, "/dev/drvctl: %s\n", strerror(errno));
    return -1;
  }
  size_t length = strlen(command);
  ssize_t written = write(fd, command, length);
  int saved = errno;
  ssize_t got = pread(fd, report, capacity - 1, 0);
  close(fd);
  report[got > 0 ? got : 0] = 0;
  if (written == (ssize_t)length) return 0;
  if (got <= 0) snprintf(report, capacity, "%s\n", strerror(saved));
  return -1;
}

uint64_t now_ns(void) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
}

static int compare_u64(const void* a, const void* b) {
  uint64_t x = *(const uint64_t*)a, y = *(const uint64_t*)b;
  return x < y ? -1 : x > y;
}

uint64_t percentile(uint64_t* values, size_t count, unsigned pct) {
  if (count == 0) return 0;
  qsort(values, count, sizeof *values, compare_u64);
  size_t index = (count * pct) / 100;
  return values[index < count ? index : count - 1];
}

uint64_t xorshift(uint64_t* state) {
  uint64_t x = *state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return *state = x;
}
