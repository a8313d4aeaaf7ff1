// posixbench: costs of common POSIX operations under the Linux personality,
// for `scripts/bench posix` (which boots with init=/bin/posixbench, so this
// runs as pid 1). Each figure is the median and 99th percentile of many
// timed iterations after a warm-up, in TSC ticks read with lfence;rdtsc
// (under QEMU's -icount shift=0 that is guest instructions):
//
//   getppid              one getppid() system call
//   pipe-round-trip      one byte to a child through one pipe and back
//                        through another (write, read; the child reads
//                        and writes back): two pipe transfers and two
//                        switches
//   fork-exit-wait       fork(); the child exit_group(0)s; the parent
//                        wait4()s for it
//   fork-exec-wait       fork(); the child execve()s /bin/true (busybox's
//                        true applet, static) which exits; the parent waits
//   execve-derived       not measured on its own: fork-exec-wait's median
//                        minus fork-exit-wait's median (and its p99 minus
//                        that same median), i.e. what execve adds
//   open-read-close-4k   open /tmp/bench.dat (tmpfs, 4 KiB), read 4 KiB,
//                        close
//   sched-yield-round-trip  sched_yield() in the parent while a child
//                        spins on sched_yield(): one call that switches
//                        to the child, whose own yield switches back
//                        (two yields and two switches; with nothing else
//                        runnable)
//
// Prints "bench NAME median N p99 N" per figure and "bench done", then
// powers off. Freestanding: no libc, Linux system calls by number.
#include <cstddef>
#include <cstdint>
#include <initializer_list>

#include "linux_syscall.h"

namespace {

using amphi_user::length_of;
using amphi_user::syscall6;

enum : long {
  kRead = 0, kWrite = 1, kOpen = 2, kClose = 3, kPipe = 22, kSchedYield = 24, kFork = 57, kExecve = 59,
  kExit = 60, kWait4 = 61, kKill = 62, kGetppid = 110, kReboot = 169, kExitGroup = 231,
};
constexpr long kOpenWriteCreateTrunc = 01 | 0100 | 01000;
constexpr long kSigkill = 9;

inline uint64_t tsc() {
  uint32_t lo, hi;
  asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(lo), "=d"(hi) : : "memory");
  return (uint64_t(hi) << 32) | lo;
}

void say(const char* text) { syscall6(kWrite, 1, reinterpret_cast<long>(text), static_cast<long>(length_of(text))); }

// Appends the decimal form of value to out at *at.
void append_number(char* out, size_t* at, uint64_t value) {
  char digits[24];
  size_t n = 0;
  do {
    digits[n++] = char('0' + value % 10);
    value /= 10;
  } while (value);
  while (n) out[(*at)++] = digits[--n];
}

void append_text(char* out, size_t* at, const char* text) {
  while (*text) out[(*at)++] = *text++;
}

[[noreturn]] void fail(const char* name, const char* what) {
  char line[160];
  size_t at = 0;
  append_text(line, &at, "bench ");
  append_text(line, &at, name);
  append_text(line, &at, " failed: ");
  append_text(line, &at, what);
  line[at++] = '\n';
  line[at] = '\0';
  say(line);
  for (;;) syscall6(kSchedYield);
}

constexpr int kMaxSamples = 1000;
uint64_t g_samples[kMaxSamples];

struct Figure {
  uint64_t median, p99;
};

Figure summarize(int count) {
  for (int i = 1; i < count; ++i) {  // insertion sort: at most 1000 values
    uint64_t value = g_samples[i];
    int j = i - 1;
    while (j >= 0 && g_samples[j] > value) {
      g_samples[j + 1] = g_samples[j];
      --j;
    }
    g_samples[j + 1] = value;
  }
  int p99 = (count * 99 + 99) / 100 - 1;  // the nearest-rank 99th percentile
  return {g_samples[count / 2], g_samples[p99 < count ? p99 : count - 1]};
}

void report(const char* name, Figure figure) {
  char line[160];
  size_t at = 0;
  append_text(line, &at, "bench ");
  append_text(line, &at, name);
  append_text(line, &at, " median ");
  append_number(line, &at, figure.median);
  append_text(line, &at, " p99 ");
  append_number(line, &at, figure.p99);
  line[at++] = '\n';
  line[at] = '\0';
  say(line);
}

// Runs body warmup + count times, timing the last count runs.
template <typename Body>
Figure measure(int warmup, int count, Body body) {
  for (int i = 0; i < warmup; ++i) body();
  for (int i = 0; i < count; ++i) {
    uint64_t start = tsc();
    body();
    g_samples[i] = tsc() - start;
  }
  return summarize(count);
}

void reap(const char* name, long child) {
  int status = 0;
  if (syscall6(kWait4, child, reinterpret_cast<long>(&status), 0, 0) != child) fail(name, "wait4");
}

Figure bench_getppid() {
  return measure(100, 1000, [] { syscall6(kGetppid); });
}

Figure bench_pipe() {
  constexpr int kWarmup = 100, kCount = 1000;
  int down[2], up[2];
  if (syscall6(kPipe, reinterpret_cast<long>(down)) != 0 || syscall6(kPipe, reinterpret_cast<long>(up)) != 0)
    fail("pipe-round-trip", "pipe");
  long child = syscall6(kFork);
  if (child < 0) fail("pipe-round-trip", "fork");
  char byte = 'x';
  if (child == 0) {
    for (int i = 0; i < kWarmup + kCount; ++i) {
      if (syscall6(kRead, down[0], reinterpret_cast<long>(&byte), 1) != 1) syscall6(kExitGroup, 1);
      syscall6(kWrite, up[1], reinterpret_cast<long>(&byte), 1);
    }
    syscall6(kExitGroup, 0);
  }
  Figure figure = measure(kWarmup, kCount, [&] {
    syscall6(kWrite, down[1], reinterpret_cast<long>(&byte), 1);
    if (syscall6(kRead, up[0], reinterpret_cast<long>(&byte), 1) != 1) fail("pipe-round-trip", "read");
  });
  reap("pipe-round-trip", child);
  for (int fd : {down[0], down[1], up[0], up[1]}) syscall6(kClose, fd);
  return figure;
}

Figure bench_fork() {
  return measure(10, 200, [] {
    long child = syscall6(kFork);
    if (child == 0) syscall6(kExitGroup, 0);
    if (child < 0) fail("fork-exit-wait", "fork");
    reap("fork-exit-wait", child);
  });
}

Figure bench_fork_exec() {
  return measure(5, 100, [] {
    long child = syscall6(kFork);
    if (child == 0) {
      static const char* const argv[] = {"true", nullptr};
      static const char* const envp[] = {"PATH=/bin", nullptr};
      syscall6(kExecve, reinterpret_cast<long>("/bin/true"), reinterpret_cast<long>(argv),
               reinterpret_cast<long>(envp));
      syscall6(kExitGroup, 127);
    }
    if (child < 0) fail("fork-exec-wait", "fork");
    int status = 0;
    if (syscall6(kWait4, child, reinterpret_cast<long>(&status), 0, 0) != child) fail("fork-exec-wait", "wait4");
    if (status != 0) fail("fork-exec-wait", "/bin/true did not exit 0 (execve failed?)");
  });
}

char g_buffer[4096];

Figure bench_open_read_close() {
  const char* path = "/tmp/bench.dat";
  for (size_t i = 0; i < sizeof g_buffer; ++i) g_buffer[i] = char('a' + i % 26);
  long fd = syscall6(kOpen, reinterpret_cast<long>(path), kOpenWriteCreateTrunc, 0644);
  if (fd < 0) fail("open-read-close-4k", "creating /tmp/bench.dat");
  if (syscall6(kWrite, fd, reinterpret_cast<long>(g_buffer), sizeof g_buffer) != long(sizeof g_buffer))
    fail("open-read-close-4k", "writing /tmp/bench.dat");
  syscall6(kClose, fd);
  return measure(100, 1000, [&] {
    long file = syscall6(kOpen, reinterpret_cast<long>(path), 0);
    if (syscall6(kRead, file, reinterpret_cast<long>(g_buffer), sizeof g_buffer) != long(sizeof g_buffer))
      fail("open-read-close-4k", "read");
    syscall6(kClose, file);
  });
}

Figure bench_sched_yield() {
  long child = syscall6(kFork);
  if (child < 0) fail("sched-yield-round-trip", "fork");
  if (child == 0)
    for (;;) syscall6(kSchedYield);
  Figure figure = measure(100, 1000, [] { syscall6(kSchedYield); });
  syscall6(kKill, child, kSigkill);
  reap("sched-yield-round-trip", child);
  return figure;
}

}  // namespace

extern "C" [[noreturn]] void amphi_posixbench_main() {
  say("posixbench: starting\n");
  report("getppid", bench_getppid());
  report("pipe-round-trip", bench_pipe());
  Figure fork = bench_fork();
  report("fork-exit-wait", fork);
  Figure exec = bench_fork_exec();
  report("fork-exec-wait", exec);
  report("execve-derived", {exec.median > fork.median ? exec.median - fork.median : 0,
                            exec.p99 > fork.median ? exec.p99 - fork.median : 0});
  report("open-read-close-4k", bench_open_read_close());
  report("sched-yield-round-trip", bench_sched_yield());
  say("bench done\n");
  // LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF.
  syscall6(kReboot, 0xfee1dead, 672274793, 0x4321fedc, 0);
  for (;;) syscall6(kSchedYield);
}

extern "C" [[gnu::naked]] void _start() {
  asm volatile(
      "xor %ebp, %ebp\n"
      "and $-16, %rsp\n"
      "call amphi_posixbench_main\n"
      "ud2\n");
}
