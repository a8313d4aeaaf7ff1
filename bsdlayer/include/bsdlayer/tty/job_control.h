// Job control at the terminal (Linux's __tty_check_change): may a process
// read from, write to or reconfigure its controlling terminal right now?
//
// Only the foreground process group may. A background group that tries
// gets SIGTTIN (reads) or SIGTTOU (writes with TOSTOP set, tcsetpgrp,
// tcsetattr, tcflush) sent to the whole group, whose default action stops
// it until the shell's `fg` continues it; the call is then restarted. If
// the caller ignores or blocks the signal, a write or reconfiguration just
// goes ahead (the shell itself relies on that when it takes the terminal
// back with tcsetpgrp) and a read fails with EIO. A group that is orphaned
// (no member has a parent in another group of the same session, so no
// shell is left to continue it) would stop forever: it gets EIO instead.
//
// Portable decision only; the glue (kernel/console_tty.cpp) gathers the
// facts under the process lock and carries out the verdict.
#pragma once

namespace bsdlayer {

struct TtyAccessFacts {
  bool controlling_tty;   // the terminal is the caller's controlling tty
  int caller_pgid;
  int foreground_pgid;    // 0: no foreground group set
  int signo;              // kSIGTTIN for reads, kSIGTTOU otherwise
  bool signal_ignored_or_blocked;
  bool group_orphaned;
};

enum class TtyAccess {
  allowed,
  signal_group,  // send signo to the caller's group, restart the call
  io_error,      // fail with EIO
};

TtyAccess check_tty_access(const TtyAccessFacts& facts);

}  // namespace bsdlayer
