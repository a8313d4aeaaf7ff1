// Amphi's init (pid 1) for the Linux personality: mounts what it can, names
// the host, gives the console a session and a controlling terminal, and runs
// busybox's shell as a child, starting a new one whenever it exits (so
// `exit` at the prompt gives a fresh shell rather than a dead system).
//
// Freestanding: no libc, Linux system calls by number, so it depends on
// nothing but the ABI it exercises.
#include <cstddef>
#include <cstdint>

#include "linux_syscall.h"

namespace {

using amphi_user::length_of;
using amphi_user::syscall6;

enum : long {
  kRead = 0, kWrite = 1, kOpen = 2, kClose = 3, kIoctl = 16, kDup2 = 33, kFork = 57, kExecve = 59,
  kExit = 60, kWait4 = 61, kMkdir = 83, kSetsid = 112, kMount = 165, kSethostname = 170,
};
constexpr long kOpenReadWrite = 2;
constexpr long kTiocsctty = 0x540e;

void say(const char* text) { syscall6(kWrite, 2, reinterpret_cast<long>(text), static_cast<long>(length_of(text))); }

void mount(const char* source, const char* target, const char* type) {
  syscall6(kMkdir, reinterpret_cast<long>(target), 0755);
  syscall6(kMount, reinterpret_cast<long>(source), reinterpret_cast<long>(target), reinterpret_cast<long>(type), 0, 0);
}

[[noreturn]] void run_shell() {
  syscall6(kSetsid);
  long console = syscall6(kOpen, reinterpret_cast<long>("/dev/console"), kOpenReadWrite);
  if (console >= 0) {
    syscall6(kIoctl, console, kTiocsctty, 0);
    for (long fd = 0; fd < 3; ++fd) syscall6(kDup2, console, fd);
    if (console > 2) syscall6(kClose, console);
  }
  static const char* const argv[] = {"-sh", nullptr};
  static const char* const envp[] = {"HOME=/root", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=linux",
                                     "SHELL=/bin/sh", "PS1=\\u@\\h:\\w\\$ ", nullptr};
  syscall6(kExecve, reinterpret_cast<long>("/bin/sh"), reinterpret_cast<long>(argv), reinterpret_cast<long>(envp));
  say("init: cannot run /bin/sh\n");
  syscall6(kExit, 127);
  __builtin_unreachable();
}

}  // namespace

extern "C" [[noreturn]] void amphi_init_main() {
  mount("proc", "/proc", "proc");
  mount("tmpfs", "/tmp", "tmpfs");
  mount("devtmpfs", "/dev", "devtmpfs");
  syscall6(kMkdir, reinterpret_cast<long>("/root"), 0700);
  static const char kHostname[] = "amphi";
  syscall6(kSethostname, reinterpret_cast<long>(kHostname), sizeof kHostname - 1);
  say("init: Amphi init (pid 1) starting /bin/sh on /dev/console\n");
  for (;;) {
    long child = syscall6(kFork);
    if (child == 0) run_shell();
    if (child < 0) {
      say("init: fork failed\n");
      syscall6(kExit, 1);
    }
    int status = 0;
    while (syscall6(kWait4, -1, reinterpret_cast<long>(&status), 0, 0) != child) {
    }
    say("init: the shell exited; starting a new one\n");
  }
}

// The entry point: the stack holds argc/argv/envp/auxv (unused here).
extern "C" [[gnu::naked]] void _start() {
  asm volatile(
      "xor %ebp, %ebp\n"
      "and $-16, %rsp\n"
      "call amphi_init_main\n"
      "ud2\n");
}
