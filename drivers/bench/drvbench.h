/* drvbench's shared pieces: the device under test, the /proc/drivers row,
 * clocks and percentiles. See drvbench.c for the benchmark and campaign.c
 * for the fault campaign. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct device {
  char name[16];
  char path[32];
  uint64_t capacity; /* bytes; 0 for a character device such as null0 */
};

/* One line of /proc/drivers (executive/io: DeviceObject::describe). */
struct driver_row {
  char mode[8], state[12];
  uint64_t served, pending, errors, restarts, replayed, switches, pause_us, restart_us, faults;
};

int device_open(struct device* device, const char* name); /* 0, or -1 with a message printed */
int driver_row(const char* name, struct driver_row* row);  /* 0, or -1 if the device is not listed */
/* Sends one command to /dev/drvctl as drvctl does; on failure copies the
 * kernel's report into `report` and returns -1. */
int drvctl(const char* command, char* report, size_t capacity);

uint64_t now_ns(void);
static inline uint64_t rdtsc(void) {
  uint32_t low, high;
  __asm__ volatile("rdtsc" : "=a"(low), "=d"(high));
  return ((uint64_t)high << 32) | low;
}
/* Sorts `values` in place and returns the given percentile (0..100). */
uint64_t percentile(uint64_t* values, size_t count, unsigned pct);
uint64_t xorshift(uint64_t* state);

int run_campaign(const struct device* device, unsigned faults, unsigned threads, uint64_t seed);
int run_switch(const struct device* device, const char* mode);
int run_bad_input(const struct device* device);
