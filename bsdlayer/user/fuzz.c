/* fuzz: a trinity-style system-call fuzzer for the Linux personality.
 *
 *   /bin/fuzz [CALLS [SEED]] [-v] [-s FIRST] [-x LO[-HI]]...
 *
 * Issues CALLS (default 100000) system calls with random numbers (0..459,
 * plus a few out of range) and random arguments: small integers, -1, huge
 * values, pointers into its own buffers (and to their last bytes, before a
 * PROT_NONE guard page), NULL, kernel addresses (0xffff800000000000 and
 * up), non-canonical and unmapped addresses, and paths from a pool. Call i
 * draws everything from splitmix64(SEED, i), so a seed replays exactly;
 * -v prints every call (number, name when known, arguments) before
 * issuing it, -s starts at call FIRST (state built by earlier calls, such
 * as open files, is then missing, so replay from 0 to be exact); -x skips
 * a number or a range (to get past a known bug and look for the next).
 *
 * What it will not do (it would end or stall the fuzzer or the machine,
 * which is not a kernel bug): exit, exit_group, reboot, execve(at),
 * vfork, clone3, pause, rt_sigsuspend, rt_sigreturn, ptrace, seccomp,
 * chroot, pivot_root, vhangup, iopl/ioperm, settimeofday/clock_settime/
 * adjtimex, kexec, timer_create, signals to anything but itself (and to
 * itself only harmless ones), SysV message and semaphore operations. Its
 * arguments are tamed where needed: fork and clone run with SIGCHLD only
 * and the child exit_group(0)s at once; wait4/waitid get WNOHANG; sleeps,
 * poll/select/epoll/futex/sigtimedwait timeouts are at most a millisecond;
 * open gets O_NONBLOCK (a FIFO would block), file descriptors handed to
 * read/write-like calls are made O_NONBLOCK first (a pipe would block);
 * flock gets LOCK_NB and F_SETLKW becomes F_SETLK; mmap loses MAP_FIXED and
 * munmap/mprotect/madvise/mremap only see its scratch mappings or bad
 * addresses; brk never goes below the starting break; arch_prctl cannot
 * set FS/GS; rt_sigaction only installs SIG_IGN; dup2/dup3 targets stay
 * below 64 (its console and watchdog pipe live at 1020 and up); paths that
 * are changed (unlink, rename, chmod, truncate, mount...) are under
 * /tmp/fz, and /, /proc, /dev paths are opened read-only. Descriptors 0-2
 * are /dev/null, so nothing reads the console.
 *
 * As a last resort against stalls and crashes the calls run in a child
 * watched by the parent: the child reports each call's number through a
 * pipe before issuing it; if a call takes longer than 60 s, the parent
 * kills the child, reports the call and starts a new child at the next
 * one; a child that dies by a signal is reported the same way. Progress
 * goes to the console every 10000 calls; at the end "fuzz: N calls done"
 * and a summary. Exit status: 0 if every call returned, 1 if some call
 * stalled or killed the fuzzer, 2 for bad arguments.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CONSOLE_FD 1023
#define REPORT_FD 1022
#define MAX_SYSCALL 460
#define STALL_SECONDS 60  /* generous: CI runs two emulated machines on two cores */

static int g_verbose;
static unsigned char g_excluded[MAX_SYSCALL]; /* -x: numbers not to call */

/* --- output without stdio buffers (no malloc: brk is fuzzed) --- */
static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void out(const char *fmt, ...) {
  char line[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof line - 1) n = sizeof line - 1;
  for (int at = 0; at < n;) {
    long w = syscall(SYS_write, CONSOLE_FD, line + at, n - at);
    if (w <= 0) break;
    at += w;
  }
}

/* --- randomness: one independent stream per call --- */
static uint64_t g_state;
static uint64_t next_random(void) {
  uint64_t z = (g_state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}
static uint64_t below(uint64_t n) { return n ? next_random() % n : 0; }
static int chance(int one_in) { return below(one_in) == 0; }

/* --- memory the calls may point at --- */
#define BUFFER_SIZE (64 * 1024)
static unsigned char *g_buffer; /* BUFFER_SIZE, then a PROT_NONE page */
static char *g_paths;           /* path strings, then a PROT_NONE page */
static unsigned char *g_scratch; /* 1 MiB the memory calls may tear up */
#define SCRATCH_SIZE (1024 * 1024)
#define RING 16
static uintptr_t g_maps[RING];
static size_t g_map_sizes[RING];
static unsigned g_map_next;
static uintptr_t g_brk_base;

static const char *const k_safe_paths[] = {
    "/tmp/fz", "/tmp/fz/a", "/tmp/fz/b", "/tmp/fz/d", "/tmp/fz/d/e", "/tmp/fz/fifo", "/tmp/fz/link",
    "/tmp/fz/mnt", "/tmp/fz/../fz/a", "/tmp/fz/a/notdir", ".", "..", "", "a", "/tmp/fz/d/..",
};
static const char *const k_readonly_paths[] = {
    "/", "/proc/self/stat", "/proc/self/status", "/proc/meminfo", "/proc/self/cmdline", "/proc", "/dev",
    "/dev/null", "/dev/zero", "/nonexistent/x", "/proc/1/stat", "/proc/self/fd", "/proc/version", "/tmp",
};
#define NSAFE (sizeof k_safe_paths / sizeof *k_safe_paths)
#define NRO (sizeof k_readonly_paths / sizeof *k_readonly_paths)
static char *g_safe[NSAFE + 3]; /* + a 300-byte name, a 5000-byte path, an unterminated one */
static char *g_ro[NRO];

static uint64_t bad_address(void) {
  switch (below(8)) {
    case 0: return 0;
    case 1: return 0xffff800000000000ull + (below(4) << 12);
    case 2: return 0xffffffff80000000ull + below(0x1000000);
    case 3: return 0x0000800000000000ull; /* first non-canonical */
    case 4: return 0x1000 + below(16) * 8;
    case 5: return 0x00007ffffffff000ull;  /* top of user space */
    case 6: return (uintptr_t)g_buffer + BUFFER_SIZE; /* the guard page */
    default: return ~0ull - below(4096);
  }
}

static uint64_t buffer_pointer(void) {
  switch (below(4)) {
    case 0: return (uintptr_t)g_buffer;
    case 1: return (uintptr_t)g_buffer + BUFFER_SIZE - 1 - below(64); /* runs into the guard page */
    case 2: return (uintptr_t)g_buffer + (below(BUFFER_SIZE / 4096) << 12);
    default: return (uintptr_t)g_buffer + below(BUFFER_SIZE);
  }
}

static uint64_t random_fd(void) {
  switch (below(10)) {
    case 0: return -1ull;
    case 1: return 0x7fffffff;
    case 2: return 1024 + below(4);
    case 3: return (uint64_t)-100; /* AT_FDCWD */
    default: return below(24);
  }
}

static uint64_t safe_path(void) { return (uintptr_t)g_safe[below(NSAFE + 3)]; }
/* Absolute paths under /tmp/fz only (for rename and link: never "." or ".."). */
static uint64_t safe_absolute_path(void) { return (uintptr_t)g_safe[below(10)]; }
static uint64_t any_path(int *readonly) {
  if (chance(8)) {
    *readonly = 1;
    return bad_address();
  }
  if (chance(2)) {
    *readonly = 1;
    return (uintptr_t)g_ro[below(NRO)];
  }
  *readonly = 0;
  return safe_path();
}

static uint64_t random_value(void) {
  switch (below(16)) {
    case 0: case 1: case 2: return below(16);
    case 3: return -1ull;
    case 4: return next_random();
    case 5: return 0x7fffffff;
    case 6: return 0xffffffff;
    case 7: return 0x8000000000000000ull;
    case 8: return 1ull << below(64);
    case 9: case 10: return buffer_pointer();
    case 11: return bad_address();
    case 12: return random_fd();
    case 13: return 4096 * below(32);
    case 14: return below(256);
    default: return safe_path();
  }
}

static uint64_t scratch_address(void) {
  switch (below(6)) {
    case 0: return bad_address();
    case 1:
      if (g_maps[g_map_next % RING]) return g_maps[g_map_next % RING];
      return (uintptr_t)g_scratch + below(SCRATCH_SIZE);
    case 2: return (uintptr_t)g_scratch + below(SCRATCH_SIZE);
    default: return (uintptr_t)g_scratch + (below(SCRATCH_SIZE / 4096) << 12);
  }
}

/* A length from a scratch address that stays inside its mapping (a huge one
 * would reach the fuzzer's own code and data); bad addresses keep theirs. */
static uint64_t tame_length(uint64_t address, uint64_t length) {
  uint64_t end = 0;
  if (address >= (uintptr_t)g_scratch && address < (uintptr_t)g_scratch + SCRATCH_SIZE)
    end = (uintptr_t)g_scratch + SCRATCH_SIZE;
  for (unsigned k = 0; k < RING; ++k)
    if (g_maps[k] && address >= g_maps[k] && address < g_maps[k] + g_map_sizes[k]) end = g_maps[k] + g_map_sizes[k];
  if (!end) return length;
  return length > end - address ? end - address : length;
}

static uint64_t short_timespec(void) {
  struct timespec *t = (struct timespec *)(g_buffer + BUFFER_SIZE - 4096 - 64);
  switch (below(6)) {
    case 0: return bad_address();
    case 1: t->tv_sec = 0; t->tv_nsec = 2000000000; break; /* EINVAL */
    case 2: t->tv_sec = -1; t->tv_nsec = 0; break;         /* EINVAL (or past) */
    default: t->tv_sec = 0; t->tv_nsec = (long)below(1000000); break;
  }
  return (uintptr_t)t;
}

static uint64_t short_timeval(void) {
  struct timeval *t = (struct timeval *)(g_buffer + BUFFER_SIZE - 4096 - 128);
  if (chance(5)) return bad_address();
  t->tv_sec = 0;
  t->tv_usec = (long)below(1000);
  return (uintptr_t)t;
}

/* The kernel takes descriptors as 32-bit ints: 0x7f0000000000 is fd 0. */
static void make_nonblocking(uint64_t fd) {
  fd = (uint32_t)fd;
  if (fd >= 64) return;
  long flags = syscall(SYS_fcntl, (int)fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) syscall(SYS_fcntl, (int)fd, F_SETFL, flags | O_NONBLOCK);
}

static const char *name_of(long nr);

/* Fills a[] for call nr; returns 0 to skip the call. */
static int tame(long nr, uint64_t a[6]) {
  int ro = 0;
  switch (nr) {
    case SYS_exit: case SYS_exit_group: case SYS_reboot: case SYS_execve: case SYS_execveat: case SYS_vfork:
    case SYS_clone3: case SYS_pause: case SYS_rt_sigsuspend: case SYS_rt_sigreturn: case SYS_ptrace:
    case SYS_seccomp: case SYS_chroot: case SYS_pivot_root: case SYS_vhangup: case SYS_iopl: case SYS_ioperm:
    case SYS_settimeofday: case SYS_clock_settime: case SYS_adjtimex: case SYS_clock_adjtime:
    case SYS_kexec_load: case SYS_kexec_file_load: case SYS_timer_create: case SYS_msgrcv: case SYS_msgsnd:
    case SYS_semop: case SYS_semtimedop: case SYS_rt_sigqueueinfo: case SYS_rt_tgsigqueueinfo:
    case SYS_pidfd_send_signal: case SYS_process_vm_writev: case SYS_remap_file_pages: case SYS_shmat:
    case SYS_shmdt: case SYS_userfaultfd: case SYS_io_uring_enter: case SYS_io_getevents: case SYS_io_pgetevents:
    case SYS_mq_timedreceive: case SYS_mq_timedsend: case SYS_unshare: case SYS_setns: case SYS_swapon:
    case SYS_swapoff: case SYS_process_madvise: case SYS_process_mrelease: case SYS_migrate_pages:
    case SYS_move_pages: case SYS_mbind: case SYS_set_mempolicy: case SYS_acct: case SYS_quotactl:
    case SYS_sched_setscheduler: case SYS_sched_setparam: case SYS_sched_setattr: case SYS_epoll_pwait2:
    case 453: /* map_shadow_stack */
      return 0;
    case SYS_fork:
      return 1;
    case SYS_clone:
      a[0] = SIGCHLD; a[1] = 0; a[2] = 0; a[3] = 0; a[4] = 0;
      return 1;
    case SYS_kill: case SYS_tkill:
      a[0] = chance(2) ? (uint64_t)getpid() : (uint64_t)(999999 + below(3));
      { static const int ok[] = {0, SIGCHLD, SIGURG, SIGWINCH, 65, 1000, -1};
        a[1] = (uint64_t)(int64_t)ok[below(7)]; }
      return 1;
    case SYS_tgkill:
      a[0] = chance(2) ? (uint64_t)getpid() : 999999;
      a[1] = chance(2) ? (uint64_t)getpid() : 999998;
      { static const int ok[] = {0, SIGCHLD, SIGURG, SIGWINCH, 65, -1};
        a[2] = (uint64_t)(int64_t)ok[below(6)]; }
      return 1;
    case SYS_wait4: a[2] |= WNOHANG; a[2] &= 0xffffffff; return 1;
    case SYS_waitid: a[3] |= WNOHANG; a[3] &= 0xffffffff; return 1;
    case SYS_nanosleep: a[0] = short_timespec(); return 1;
    case SYS_clock_nanosleep: a[2] = short_timespec(); return 1;
    case SYS_poll: a[2] = below(2); return 1;
    case SYS_ppoll: a[2] = short_timespec(); return 1;
    case SYS_select: a[4] = short_timeval(); return 1;
    case SYS_pselect6: a[4] = short_timespec(); return 1;
    case SYS_epoll_wait: case SYS_epoll_pwait: a[3] = below(2); return 1;
    case SYS_futex: a[3] = short_timespec(); return 1;
    case SYS_rt_sigtimedwait: a[2] = short_timespec(); return 1;
    case SYS_getrandom: a[2] |= GRND_NONBLOCK; return 1;
    case SYS_flock: a[1] |= LOCK_NB; return 1;
    case SYS_fcntl:
      if (a[1] == F_SETLKW) a[1] = F_SETLK;
      if (a[1] == F_OFD_SETLKW) a[1] = F_OFD_SETLK;
      if (a[1] == F_SETSIG || a[1] == F_SETOWN || a[1] == F_SETOWN_EX) return 0;
      if ((a[1] == F_DUPFD || a[1] == F_DUPFD_CLOEXEC) && a[2] >= 1000 && a[2] < 1024) a[2] = 64;
      return 1;
    case SYS_dup2: case SYS_dup3:
      if ((uint32_t)a[1] >= 64 && (uint32_t)a[1] < 1024) a[1] = below(64);
      return 1;
    case SYS_close_range:
      a[0] = below(64); a[1] = a[0] + below(64);
      return 1;
    case SYS_close:
      if ((uint32_t)a[0] >= 64 && (uint32_t)a[0] < 1024) a[0] = below(64);
      return 1;
    case SYS_read: case SYS_readv: case SYS_pread64: case SYS_preadv: case SYS_preadv2: case SYS_write:
    case SYS_writev: case SYS_pwrite64: case SYS_pwritev: case SYS_pwritev2: case SYS_getdents64:
    case SYS_getdents: case SYS_ioctl: case SYS_fsync: case SYS_fdatasync: case SYS_ftruncate:
    case SYS_fallocate: case SYS_lseek: case SYS_fstat: case SYS_fchmod: case SYS_fchown: case SYS_fchdir:
    case SYS_syncfs: case SYS_finit_module: case SYS_readahead:
      if ((uint32_t)a[0] >= 64 && (uint32_t)a[0] < 1024) a[0] = below(64);
      make_nonblocking(a[0]);
      return 1;
    case SYS_sendfile: case SYS_splice: case SYS_tee: case SYS_copy_file_range:
      if ((uint32_t)a[0] >= 64 && (uint32_t)a[0] < 1024) a[0] = below(64);
      if (nr == SYS_sendfile || nr == SYS_tee) {
        if ((uint32_t)a[1] >= 64 && (uint32_t)a[1] < 1024) a[1] = below(64);
        make_nonblocking(a[1]);
      } else {
        if ((uint32_t)a[2] >= 64 && (uint32_t)a[2] < 1024) a[2] = below(64);
        make_nonblocking(a[2]);
      }
      make_nonblocking(a[0]);
      return 1;
    case SYS_vmsplice:
      if ((uint32_t)a[0] >= 64 && (uint32_t)a[0] < 1024) a[0] = below(64);
      make_nonblocking(a[0]);
      return 1;
    case SYS_mmap:
      a[3] &= ~(uint64_t)(MAP_FIXED | MAP_FIXED_NOREPLACE);
      if (!chance(8)) a[1] = (1 + below(64)) * 4096; /* mostly modest sizes */
      if ((uint32_t)a[4] >= 64 && (uint32_t)a[4] < 1024) a[4] = below(64);
      return 1;
    case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_pkey_mprotect: case SYS_msync:
    case SYS_mlock: case SYS_munlock: case SYS_mlock2: case SYS_mincore:
      a[0] = scratch_address();
      a[1] = tame_length(a[0], a[1]);
      if (nr == SYS_mincore && a[2] < (uintptr_t)g_buffer) a[2] = buffer_pointer();
      return 1;
    case SYS_mremap:
      a[0] = scratch_address();
      a[1] = tame_length(a[0], a[1]);
      a[3] &= ~(uint64_t)(MREMAP_FIXED | MREMAP_DONTUNMAP);
      return 1;
    case SYS_brk:
      switch (below(4)) {
        case 0: a[0] = 0; break;
        case 1: a[0] = bad_address(); if (a[0] && a[0] < g_brk_base) a[0] = 0; break;
        default: a[0] = g_brk_base + below(16 << 20); break;
      }
      return 1;
    case SYS_arch_prctl:
      /* no ARCH_SET_FS/GS (glibc's TLS) or ARCH_SET_CPUID: the GETs, or anything else */
      if (a[0] == 0x1001 || a[0] == 0x1002 || a[0] == 0x1012) a[0] = 0x1003 + below(2);
      return 1;
    case SYS_prctl:
      if (a[0] == PR_SET_SECCOMP || a[0] == PR_SET_MM) return 0;
      return 1;
    case SYS_rt_sigaction: {
      if (!chance(4)) {
        struct { uint64_t handler, flags, restorer, mask; } *act = (void *)(g_buffer + BUFFER_SIZE - 4096 - 256);
        act->handler = (uintptr_t)SIG_IGN;
        act->flags = next_random() & ~(uint64_t)0x04000000 /* SA_RESTORER */;
        act->restorer = 0;
        act->mask = next_random();
        a[1] = (uintptr_t)act;
      } else if (chance(2)) {
        a[1] = bad_address();
      }
      if (chance(2)) a[3] = 8; /* the real sigset size, so calls get past the size check */
      return 1;
    }
    case SYS_rt_sigprocmask: case SYS_rt_sigpending:
      if (chance(2)) a[nr == SYS_rt_sigpending ? 1 : 3] = 8;
      return 1;
    case SYS_syslog: {
      static const int ok[] = {0, 3, 9, 10, -1, 100};
      a[0] = (uint64_t)(int64_t)ok[below(6)];
      return 1;
    }
    case SYS_setrlimit: case SYS_prlimit64:
      if (nr == SYS_prlimit64) {
        a[0] = chance(2) ? 0 : 999999;
        if (a[1] == RLIMIT_CPU) a[1] = 100;
      } else if (a[0] == RLIMIT_CPU) {
        a[0] = 100;
      }
      return 1;
    case SYS_setpgid: case SYS_setpriority: case SYS_sched_setaffinity:
      a[nr == SYS_setpriority ? 1 : 0] = chance(2) ? 0 : 999999;
      return 1;
    case SYS_mount:
      a[1] = chance(4) ? bad_address() : (uintptr_t)g_safe[7]; /* /tmp/fz/mnt */
      a[0] = safe_path();
      if (chance(2)) a[2] = (uintptr_t)(chance(2) ? "tmpfs" : "proc");
      return 1;
    case SYS_umount2:
      a[0] = chance(4) ? bad_address() : (uintptr_t)g_safe[7];
      return 1;
    case SYS_open: case SYS_creat:
      a[0] = nr == SYS_creat ? safe_path() : any_path(&ro);
      if (nr == SYS_open) {
        a[1] |= O_NONBLOCK;
        if (ro) a[1] &= ~(uint64_t)(O_WRONLY | O_RDWR | O_TRUNC | O_CREAT | O_APPEND | O_TMPFILE);
      }
      return 1;
    case SYS_openat:
      a[1] = any_path(&ro);
      a[2] |= O_NONBLOCK;
      if (ro) a[2] &= ~(uint64_t)(O_WRONLY | O_RDWR | O_TRUNC | O_CREAT | O_APPEND | O_TMPFILE);
      /* a relative path under a random directory fd may name anything */
      if (!ro && a[0] != (uint64_t)-100) a[1] = (uintptr_t)g_safe[0];
      return 1;
    case SYS_openat2: return 0;
    case SYS_stat: case SYS_lstat: case SYS_access: case SYS_readlink: case SYS_statfs: case SYS_getxattr:
    case SYS_lgetxattr: case SYS_listxattr: case SYS_llistxattr: case SYS_chdir: case SYS_uselib:
      a[0] = any_path(&ro);
      return 1;
    case SYS_newfstatat: case SYS_faccessat: case SYS_faccessat2: case SYS_readlinkat: case SYS_statx:
    case SYS_name_to_handle_at: case SYS_inotify_add_watch:
      a[1] = any_path(&ro);
      return 1;
    case SYS_unlink: case SYS_rmdir: case SYS_chmod: case SYS_chown: case SYS_lchown: case SYS_truncate:
    case SYS_mkdir: case SYS_mknod: case SYS_setxattr: case SYS_lsetxattr: case SYS_removexattr:
    case SYS_lremovexattr: case SYS_utime: case SYS_utimes:
      a[0] = safe_path();
      return 1;
    case SYS_rename: case SYS_link: case SYS_symlink:
      a[0] = safe_absolute_path();
      a[1] = safe_absolute_path();
      return 1;
    case SYS_unlinkat: case SYS_mkdirat: case SYS_mknodat: case SYS_fchmodat: case SYS_fchownat:
    case SYS_utimensat: case SYS_futimesat:
      a[0] = (uint64_t)-100; /* AT_FDCWD: a directory fd could be / */
      a[1] = safe_path();
      if (nr == SYS_fchownat || nr == SYS_utimensat) a[nr == SYS_fchownat ? 4 : 3] &= ~(uint64_t)AT_EMPTY_PATH;
      return 1;
    case SYS_renameat: case SYS_renameat2: case SYS_linkat:
      a[0] = a[2] = (uint64_t)-100;
      a[1] = safe_absolute_path();
      a[3] = safe_absolute_path();
      if (nr == SYS_linkat) a[4] &= ~(uint64_t)AT_EMPTY_PATH;
      return 1;
    case SYS_symlinkat:
      a[0] = safe_path();
      a[1] = (uint64_t)-100;
      a[2] = safe_absolute_path();
      return 1;
    default:
      return 1;
  }
}

/* The only syscall wrapper: glibc's syscall() touches errno (TLS) only. */
static long issue(long nr, const uint64_t a[6]) {
  return syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

static void remember_mapping(long nr, const uint64_t a[6], long result) {
  if (nr != SYS_mmap || result < 0 || (uint64_t)result >= 0x800000000000ull) return;
  unsigned slot = g_map_next++ % RING;
  if (g_maps[slot]) syscall(SYS_munmap, g_maps[slot], g_map_sizes[slot]);
  g_maps[slot] = (uintptr_t)result;
  g_map_sizes[slot] = a[1];
}

static void setup_memory(void) {
  g_buffer = mmap(NULL, BUFFER_SIZE + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_paths = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  g_scratch = mmap(NULL, SCRATCH_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (g_buffer == MAP_FAILED || g_paths == MAP_FAILED || g_scratch == MAP_FAILED) {
    out("fuzz: mmap failed\n");
    syscall(SYS_exit_group, 3);
  }
  if (mprotect(g_buffer + BUFFER_SIZE, 4096, PROT_NONE) != 0 || mprotect(g_paths + 3 * 4096, 4096, PROT_NONE) != 0)
    out("fuzz: warning: no guard pages (mprotect failed)\n");
  char *at = g_paths;
  for (size_t i = 0; i < NSAFE; ++i) {
    g_safe[i] = at;
    at = stpcpy(at, k_safe_paths[i]) + 1;
  }
  for (size_t i = 0; i < NRO; ++i) {
    g_ro[i] = at;
    at = stpcpy(at, k_readonly_paths[i]) + 1;
  }
  g_safe[NSAFE] = at; /* /tmp/fz/aaaa... (a 300-byte name) */
  at = stpcpy(at, "/tmp/fz/");
  memset(at, 'a', 300);
  at += 301;
  g_safe[NSAFE + 1] = at; /* a 5000-byte path: ENAMETOOLONG */
  for (int i = 0; i < 2500; ++i) at = stpcpy(at, "a/");
  at += 1;
  g_safe[NSAFE + 2] = g_paths + 3 * 4096 - 16; /* unterminated: runs into the guard page */
  memset(g_safe[NSAFE + 2], 'b', 16);
  g_brk_base = (uintptr_t)syscall(SYS_brk, 0);
}

static void setup_files(void) {
  mkdir("/tmp/fz", 0755);
  mkdir("/tmp/fz/d", 0755);
  mkdir("/tmp/fz/mnt", 0755);
  int fd = open("/tmp/fz/a", O_CREAT | O_WRONLY, 0644);
  if (fd >= 0) {
    (void)!write(fd, "fuzz\n", 5);
    close(fd);
  }
  mknod("/tmp/fz/fifo", S_IFIFO | 0644, 0);
  symlink("/tmp/fz/a", "/tmp/fz/link");
}

/* Runs calls [first, count) in this process (the child); never returns. */
static void run_calls(uint64_t seed, long first, long count) {
  int null = open("/dev/null", O_RDWR);
  for (int fd = 0; fd < 3; ++fd) dup2(null, fd);
  if (null > 2) close(null);
  for (int fd = 3; fd < 1020; ++fd) close(fd);
  struct sigaction ignore;
  memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  for (int sig = 1; sig < 65; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) sigaction(sig, &ignore, NULL);
  setup_memory();
  for (long i = first; i < count; ++i) {
    g_state = seed * 0x2545f4914f6cdd1dull + (uint64_t)i * 0x9e3779b97f4a7c15ull;
    next_random();
    /* report the call index before issuing it */
    syscall(SYS_write, REPORT_FD, &i, sizeof i);
    if (i % 1000 == 0) {
      for (size_t k = 0; k < BUFFER_SIZE - 4096 - 512; k += 8) {
        uint64_t r = next_random();
        memcpy(g_buffer + k, &r, 8);
      }
      while (syscall(SYS_wait4, -1, NULL, WNOHANG, NULL) > 0) {
      }
    }
    long nr;
    switch (below(40)) {
      case 0: {
        static const long odd[] = {-1, 512, 1000, 0x40000000 | 1, 0x7fffffff, 100000};
        nr = odd[below(6)];
        break;
      }
      default: nr = (long)below(MAX_SYSCALL); break;
    }
    uint64_t a[6];
    for (int k = 0; k < 6; ++k) a[k] = random_value();
    if (nr >= 0 && nr < MAX_SYSCALL && g_excluded[nr]) continue;
    if (!tame(nr, a)) continue;
    if (g_verbose) {
      const char *name = name_of(nr);
      out("fuzz: #%ld %s(%ld) %#llx %#llx %#llx %#llx %#llx %#llx\n", i, name ? name : "?", nr,
          (unsigned long long)a[0], (unsigned long long)a[1], (unsigned long long)a[2],
          (unsigned long long)a[3], (unsigned long long)a[4], (unsigned long long)a[5]);
    }
    long result = issue(nr, a);
    if (result == 0 && (nr == SYS_fork || nr == SYS_clone)) syscall(SYS_exit_group, 0); /* the child */
    remember_mapping(nr, a, result);
    if (g_verbose) out("fuzz: #%ld = %ld\n", i, result < 0 && result >= -4095 ? result : result);
  }
  syscall(SYS_exit_group, 0);
}

static const char *name_of(long nr) {
  switch (nr) {
#define N(x) case SYS_##x: return #x;
    N(read) N(write) N(open) N(close) N(stat) N(fstat) N(lstat) N(poll) N(lseek) N(mmap) N(mprotect) N(munmap)
    N(brk) N(rt_sigaction) N(rt_sigprocmask) N(ioctl) N(pread64) N(pwrite64) N(readv) N(writev) N(access)
    N(pipe) N(select) N(sched_yield) N(mremap) N(msync) N(mincore) N(madvise) N(dup) N(dup2) N(nanosleep)
    N(getpid) N(sendfile) N(clone) N(fork) N(wait4) N(kill) N(uname) N(fcntl) N(flock) N(fsync) N(truncate)
    N(ftruncate) N(getdents) N(getcwd) N(chdir) N(fchdir) N(rename) N(mkdir) N(rmdir) N(creat) N(link)
    N(unlink) N(symlink) N(readlink) N(chmod) N(fchmod) N(chown) N(fchown) N(umask) N(gettimeofday)
    N(getrlimit) N(sysinfo) N(getppid) N(setpgid) N(getpgrp) N(setsid) N(getpgid) N(getsid) N(sigaltstack)
    N(mknod) N(arch_prctl) N(prctl) N(setrlimit) N(sync) N(mount) N(umount2) N(sethostname) N(gettid)
    N(tkill) N(time) N(futex) N(getdents64) N(set_tid_address) N(clock_gettime) N(clock_getres)
    N(clock_nanosleep) N(tgkill) N(waitid) N(openat) N(mkdirat) N(mknodat) N(fchownat) N(newfstatat)
    N(unlinkat) N(renameat) N(linkat) N(symlinkat) N(readlinkat) N(fchmodat) N(faccessat) N(pselect6)
    N(ppoll) N(dup3) N(pipe2) N(preadv) N(pwritev) N(prlimit64) N(syncfs) N(renameat2) N(getrandom)
    N(statx) N(init_module) N(finit_module) N(delete_module) N(syslog) N(rt_sigpending) N(fdatasync)
    N(lchown) N(getrusage) N(times) N(sched_getaffinity) N(mlock) N(munlock) N(faccessat2) N(close_range)
#undef N
    default: return NULL;
  }
}

static void usage(void) {
  out("usage: fuzz [CALLS [SEED]] [-v] [-s FIRST] [-x LO[-HI]]...\n");
  syscall(SYS_exit_group, 2);
}

int main(int argc, char **argv) {
  /* The console moves to CONSOLE_FD, out of the fuzzed range. */
  if (dup2(1, CONSOLE_FD) < 0) dup2(2, CONSOLE_FD);
  long count = 100000, first = 0;
  uint64_t seed = 1;
  int positional = 0;
  for (int i = 1; i < argc; ++i) {
    char *end;
    if (strcmp(argv[i], "-v") == 0) {
      g_verbose = 1;
    } else if (strcmp(argv[i], "-s") == 0 && i + 1 < argc) {
      first = strtol(argv[++i], &end, 0);
      if (*end || first < 0) usage();
    } else if (strcmp(argv[i], "-x") == 0 && i + 1 < argc) {
      long lo = strtol(argv[++i], &end, 0), hi = lo;
      if (*end == '-') hi = strtol(end + 1, &end, 0);
      if (*end || lo < 0 || hi < lo) usage();
      for (long n = lo; n <= hi && n < MAX_SYSCALL; ++n) g_excluded[n] = 1;
    } else if (positional == 0) {
      count = strtol(argv[i], &end, 0);
      if (*end || count < 0) usage();
      ++positional;
    } else if (positional == 1) {
      seed = strtoull(argv[i], &end, 0);
      if (*end) usage();
      ++positional;
    } else {
      usage();
    }
  }
  setup_files();
  out("fuzz: %ld calls, seed %llu, from call %ld%s (pid %d)\n", count, (unsigned long long)seed, first,
      g_verbose ? ", verbose" : "", getpid());

  long next = first, stalls = 0, crashes = 0, next_progress = (first / 10000 + 1) * 10000;
  while (next < count) {
    int report[2];
    if (pipe(report) != 0) {
      out("fuzz: pipe failed: %s\n", strerror(errno));
      return 1;
    }
    pid_t child = fork();
    if (child < 0) {
      out("fuzz: fork failed: %s\n", strerror(errno));
      return 1;
    }
    if (child == 0) {
      close(report[0]);
      dup2(report[1], REPORT_FD);
      close(report[1]);
      run_calls(seed, next, count);
    }
    close(report[1]);
    long current = next - 1;
    int status = 0;
    struct timespec last_progress;
    clock_gettime(CLOCK_MONOTONIC, &last_progress);
    for (;;) {
      struct pollfd p = {report[0], POLLIN, 0};
      int ready = poll(&p, 1, 1000);
      if (ready > 0) {
        long index;
        ssize_t got = read(report[0], &index, sizeof index);
        if (got == (ssize_t)sizeof index) {
          current = index;
          clock_gettime(CLOCK_MONOTONIC, &last_progress);
          while (current >= next_progress) {
            out("fuzz: %ld calls\n", next_progress);
            next_progress += 10000;
          }
          continue;
        }
        if (got == 0) break; /* the child is gone */
      }
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if (now.tv_sec - last_progress.tv_sec >= STALL_SECONDS) {
        out("fuzz: STALL: call #%ld made no progress for %d s; killing the child (replay: fuzz %ld %llu -v)\n",
            current, STALL_SECONDS, current + 1, (unsigned long long)seed);
        kill(child, SIGKILL);
        ++stalls;
        break;
      }
    }
    close(report[0]);
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFSIGNALED(status) && WTERMSIG(status) != SIGKILL) {
      out("fuzz: CRASH: the fuzzer died of signal %d at call #%ld (replay: fuzz %ld %llu -v)\n", WTERMSIG(status),
          current, current + 1, (unsigned long long)seed);
      ++crashes;
    } else if (WIFEXITED(status) && WEXITSTATUS(status) != 0) {
      out("fuzz: the fuzzing child exited with status %d at call #%ld\n", WEXITSTATUS(status), current);
      ++crashes;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      if (current >= count - 1) break;
      out("fuzz: CRASH: the fuzzing child exited early at call #%ld (replay: fuzz %ld %llu -v)\n", current,
          current + 1, (unsigned long long)seed);
      ++crashes;
    }
    next = current + 1;
  }
  out("fuzz: %ld calls done (%ld stalled, %ld killed the fuzzer)\n", count, stalls, crashes);
  return stalls || crashes ? 1 : 0;
}
