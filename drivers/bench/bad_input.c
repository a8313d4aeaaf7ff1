/* drvbench --bad-input DEVICE: requests a careless or hostile program
 * makes, each of which must get a clear answer and leave the device and
 * its data as they were, whatever mode the driver runs in:
 *
 *   - buffers the caller does not own (NULL, a kernel address, a range
 *     running into an unmapped page): EFAULT, and a failed write changes
 *     nothing on the device;
 *   - offsets and lengths off the sector grid: served through the kernel's
 *     bounce path, byte-exact;
 *   - the device's end: reads stop there (0 beyond it), writes beyond it are
 *     ENOSPC; a negative offset is EINVAL;
 *   - a request larger than the transfer slots: split, and whole.
 * Finally the driver must not have been restarted by any of it.
 * Block devices only (a character device has no offsets to get wrong). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "drvbench.h"

static unsigned g_checks, g_failures;

static void expect(int condition, const char* what) {
  ++g_checks;
  if (!condition) {
    ++g_failures;
    printf("bad-input: FAILED: %s\n", what);
  }
}

/* Raw system calls: libc must not second-guess the bad arguments. */
static long raw_pread(int fd, void* buffer, size_t length, long offset) {
  return syscall(SYS_pread64, fd, buffer, length, offset);
}
static long raw_pwrite(int fd, const void* buffer, size_t length, long offset) {
  return syscall(SYS_pwrite64, fd, buffer, length, offset);
}

static void check_buffers(int fd, uint8_t* reference) {
  long page = sysconf(_SC_PAGESIZE);
  void* volatile null_buffer = NULL;
  void* kernel_buffer = (void*)0xffffffff80000000ul;
  long got = raw_pread(fd, null_buffer, 4096, 0);
  expect(got == -1 && errno == EFAULT, "read into NULL is EFAULT");
  got = raw_pread(fd, kernel_buffer, 4096, 0);
  expect(got == -1 && errno == EFAULT, "read into a kernel address is EFAULT");
  got = raw_pwrite(fd, null_buffer, 4096, 0);
  expect(got == -1 && errno == EFAULT, "write from NULL is EFAULT");
  got = raw_pwrite(fd, kernel_buffer, 4096, 0);
  expect(got == -1 && errno == EFAULT, "write from a kernel address is EFAULT");

  /* Two pages, the second unmapped: the first page's worth may arrive, the
   * rest must not pretend to. */
  uint8_t* pages = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (pages == MAP_FAILED) {
    expect(0, "mmap for the half-mapped buffer");
    return;
  }
  munmap(pages + page, page);
  got = raw_pread(fd, pages, 2 * page, 0);
  expect((got == -1 && errno == EFAULT) || (got >= 0 && got <= page && memcmp(pages, reference, got) == 0),
         "a read running into an unmapped page is EFAULT or short, never more");
  memcpy(pages, reference, page); /* a short write may only write what is there */
  got = raw_pwrite(fd, pages, 2 * page, 0);
  expect((got == -1 && errno == EFAULT) || (got >= 0 && got <= page), "the same for a write");
  munmap(pages, page);

  uint8_t after[4096];
  expect(raw_pread(fd, after, sizeof after, 0) == (long)sizeof after && memcmp(after, reference, sizeof after) == 0,
         "the first 4 KiB are unchanged by the failed writes");
}

static void check_grid(int fd, const uint8_t* reference) {
  uint8_t piece[600];
  long got = raw_pread(fd, piece, 100, 1000);
  expect(got == 100 && memcmp(piece, reference + 1000, 100) == 0, "an unaligned read (100 bytes at 1000) is exact");
  got = raw_pread(fd, piece, 600, 3700);
  expect(got == 600 && memcmp(piece, reference + 3700, 396) == 0, "an unaligned read across 4 KiB is exact");

  /* Read-modify-write of three bytes, then put them back. */
  const uint8_t mark[3] = {0xa5, 0x5a, 0xc3};
  expect(raw_pwrite(fd, mark, 3, 517) == 3, "an unaligned 3-byte write");
  uint8_t sector[1024];
  expect(raw_pread(fd, sector, 1024, 0) == 1024 && memcmp(sector + 517, mark, 3) == 0 &&
             memcmp(sector, reference, 517) == 0 && memcmp(sector + 520, reference + 520, 504) == 0,
         "the unaligned write changed exactly its 3 bytes");
  expect(raw_pwrite(fd, reference + 517, 3, 517) == 3, "the 3 bytes restored");
}

static void check_end(int fd, uint64_t capacity) {
  uint8_t buffer[4096];
  expect(raw_pread(fd, buffer, sizeof buffer, (long)capacity) == 0, "a read at the end returns 0");
  expect(raw_pread(fd, buffer, sizeof buffer, (long)capacity + 8192) == 0, "a read beyond the end returns 0");
  expect(raw_pread(fd, buffer, sizeof buffer, (long)capacity - 512) == 512, "a read across the end is cut there");
  long got = raw_pwrite(fd, buffer, 512, (long)capacity);
  expect(got == -1 && errno == ENOSPC, "a write at the end is ENOSPC");
  got = raw_pread(fd, buffer, sizeof buffer, -4096);
  expect(got == -1 && errno == EINVAL, "a negative offset is EINVAL");
}

static void check_large(int fd, const struct device* device) {
  size_t length = 1024 * 1024 < device->capacity ? 1024 * 1024 : device->capacity;
  uint8_t* whole = malloc(length);
  uint8_t* piece = malloc(65536);
  if (!whole || !piece) {
    expect(0, "memory for the large read");
    free(whole), free(piece);
    return;
  }
  expect(raw_pread(fd, whole, length, 0) == (long)length, "a read larger than a transfer slot is whole");
  int same = 1;
  for (size_t at = 0; at < length && same; at += 65536)
    same = raw_pread(fd, piece, 65536, (long)at) == 65536 && memcmp(piece, whole + at, 65536) == 0;
  expect(same, "and equals the same bytes read a slot at a time");
  free(whole);
  free(piece);
}

int run_bad_input(const struct device* device) {
  if (device->capacity == 0) {
    fprintf(stderr, "drvbench: --bad-input needs a block device; %s has no size\n", device->name);
    return 2;
  }
  struct driver_row before, after;
  int fd = open(device->path, O_RDWR);
  if (fd < 0 || driver_row(device->name, &before) != 0) {
    perror(device->path);
    return 1;
  }
  uint8_t* reference = malloc(8192);
  if (!reference || raw_pread(fd, reference, 8192, 0) != 8192) {
    fprintf(stderr, "drvbench: %s: cannot read its first 8 KiB\n", device->name);
    return 1;
  }
  check_buffers(fd, reference);
  check_grid(fd, reference);
  check_end(fd, device->capacity);
  check_large(fd, device);
  expect(driver_row(device->name, &after) == 0 && after.restarts == before.restarts &&
             strcmp(after.state, "running") == 0,
         "the driver was never restarted and still runs");
  close(fd);
  free(reference);
  printf("bad-input %s (%s mode): %u checks, %u failed\n", device->name, after.mode, g_checks, g_failures);
  return g_failures != 0;
}
