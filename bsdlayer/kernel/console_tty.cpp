// The console terminal: the serial line (and the framebuffer for output)
// behind a Linux line discipline. Bytes arrive in interrupt context and go
// through the discipline (echo, line editing, ^C); readers that find
// nothing to read get EAGAIN from the device and sleep on readers() outside
// the process lock (kernel/sys_file.cpp), to be woken by the next byte.
// Reads from a background group, and writes with TOSTOP, pass the job-
// control check first (kernel/tty_job_control.cpp).
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/signal.h"
#include "bsdlayer/process.h"
#include "bsdlayer/tty/line_discipline.h"
#include "bsdlayer/vfs/vfs.h"
#include "executive/console_input.h"
#include "executive/klog.h"

namespace bsdlayer::console_tty {
namespace {

constexpr uint32_t kTtyMajor = 5;  // /dev/tty 5:0, /dev/console 5:1 (Linux's numbers)
constexpr uint32_t kSerialMajor = 4;  // /dev/ttyS0 4:64
constexpr uint32_t kNonblock = 04000;

void write_to_consoles(void*, const uint8_t* bytes, size_t length) {
  executive::klog::console_write({reinterpret_cast<const char*>(bytes), length});
}

// The discipline and its queue; touched by the input interrupt and by
// readers/writers holding the process lock (interrupts off): one CPU.
LineDiscipline g_discipline(write_to_consoles, nullptr);
microcore::WaitQueue* g_readers = nullptr;

void on_input(uint8_t byte) {
  // ^C, ^\, ^Z: for the foreground group, posted outside the interrupt.
  if (int signo = g_discipline.receive_char(byte)) post_tty_signal_from_interrupt(signo);
  if (g_readers) microcore::wake_waiters(*g_readers);
}

SysResult<size_t> read(void*, uint64_t, void* buffer, size_t length, uint32_t flags) {
  if (int64_t rc = check_job_control_locked(linux_abi::kSIGTTIN)) return sys_error(static_cast<int>(-rc));
  if (!g_discipline.can_read()) return sys_error(LINUX_EAGAIN);
  auto result = g_discipline.read(static_cast<uint8_t*>(buffer), length);
  if (result.is_error()) return sys_error(LINUX_EAGAIN);
  (void)flags;
  return result.value();
}

SysResult<size_t> write(void*, uint64_t, const void* buffer, size_t length, uint32_t) {
  if (g_discipline.termios().c_lflag & linux_abi::kTOSTOP) {
    if (int64_t rc = check_job_control_locked(linux_abi::kSIGTTOU)) return sys_error(static_cast<int>(-rc));
  }
  return g_discipline.write(static_cast<const uint8_t*>(buffer), length);
}

}  // namespace

LineDiscipline& discipline() { return g_discipline; }

rtl::Result<void> init() {
  g_readers = TRY(microcore::create_wait_queue());
  CharDeviceRegistry& devices = vfs().devices();
  for (CharDevice device : {CharDevice{"tty", kTtyMajor, 0, 0666, read, write, nullptr},
                            CharDevice{"console", kTtyMajor, 1, 0600, read, write, nullptr},
                            CharDevice{"ttyS0", kSerialMajor, 64, 0660, read, write, nullptr}}) {
    if (devices.add(device).is_error()) return rtl::Error(rtl::Errc::already_exists, "tty device numbers taken");
  }
  executive::console_input::attach(on_input);
  return {};
}

microcore::WaitQueue& readers() { return *g_readers; }

bool is_console(uint64_t rdev) {
  uint32_t major = static_cast<uint32_t>(rdev >> 8), minor = static_cast<uint32_t>(rdev & 0xff);
  return (major == kTtyMajor && minor <= 1) || (major == kSerialMajor && minor == 64);
}


// The terminal's job-control state (TIOCGPGRP/TIOCSPGRP/TIOCSCTTY): the
// foreground process group and the session it is the controlling tty of.
// 0 means unset. Read and written under the process lock.
namespace {
struct TtyState {
  int foreground_pgid = 0;
  int session = 0;
};
TtyState g_tty_state;
}  // namespace

int foreground_pgid() { return g_tty_state.foreground_pgid; }
void set_foreground_pgid(int pgid) { g_tty_state.foreground_pgid = pgid; }
int session() { return g_tty_state.session; }
void set_session(int sid) { g_tty_state.session = sid; }

}  // namespace bsdlayer::console_tty
