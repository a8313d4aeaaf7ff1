// Starting the POSIX personality: the root filesystem (tmpfs filled from the
// initramfs), /dev and /tmp, the Linux system-call table, and pid 1.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/personality.h"
#include "rtl/result.h"

namespace bsdlayer {

struct StartOptions {
  const uint8_t* initramfs;
  size_t initramfs_size;
  const char* init_path;         // e.g. "/sbin/init"
  const char* const* init_argv;  // argv[0] included
  size_t init_argc;
  const char* release;           // uname -r
  const char* version;           // uname -v
};

rtl::Result<void> start(const StartOptions& options);

class LineDiscipline;

// The console tty (kernel/console_tty.cpp): /dev/console, /dev/tty, /dev/ttyS0.
namespace console_tty {
rtl::Result<void> init();
microcore::WaitQueue& readers();
bool is_console(uint64_t rdev);
// The discipline and the job-control state; callers hold the process lock.
LineDiscipline& discipline();
int foreground_pgid();  // 0: none set yet
void set_foreground_pgid(int pgid);
int session();  // the session this is the controlling tty of; 0: none
void set_session(int sid);
// Job control for the calling process (kernel/tty_job_control.cpp), under
// the lock: 0 to go ahead, -EIO, or -EINTR once `signo` (SIGTTIN for a
// read, SIGTTOU otherwise) went to the caller's background group.
int64_t check_job_control_locked(int signo);
}  // namespace console_tty

// Wall-clock time at boot (ns since the epoch); CLOCK_REALTIME adds the
// monotonic clock to it (kernel/sys_time.cpp).
uint64_t boot_wall_clock_ns();

const char* uname_release();
const char* uname_version();

}  // namespace bsdlayer
