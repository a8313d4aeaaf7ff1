// The console's job-control checks (tty/job_control.h has the rules): the
// facts about the calling process, gathered under the process lock, and
// the verdict carried out. A stopped call is restarted by the signal
// return hook once SIGCONT arrives (it returned EINTR for a signal whose
// action is a stop: Linux's ERESTARTSYS).
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/process.h"
#include "bsdlayer/tty/job_control.h"

namespace bsdlayer::console_tty {
namespace {

using namespace linux_abi;

// Linux's will_become_orphaned_pgrp: no live member has a parent in a
// different group of the same session (the shell that could continue it).
bool group_orphaned_locked(int pgid) {
  struct Scan {
    int pgid;
    bool orphaned = true;
  } scan{pgid};
  for_each_process(
      [](Process& process, void* context) {
        auto& s = *static_cast<Scan*>(context);
        if (process.pgid != s.pgid || process.state == ProcessState::zombie) return;
        const Process* parent = process.parent;
        if (parent && parent->pgid != s.pgid && parent->sid == process.sid) s.orphaned = false;
      },
      &scan);
  return scan.orphaned;
}

bool ignored_or_blocked_locked(Process& process, int signo) {
  const SigSet blocked = process_is_threaded(process) ? *current_thread_mask_locked() : process.signals.blocked();
  const uint64_t handler = process.signals.action(signo).handler;
  // init never gets a signal it has no handler for (post_signal_locked), so
  // for it a default action counts as ignored: otherwise its call would be
  // restarted forever waiting for a stop that never comes.
  return (blocked & sig_bit(signo)) || handler == kSIG_IGN || (process.pid == 1 && handler == kSIG_DFL);
}

}  // namespace

int64_t check_job_control_locked(int signo) {
  Process* process = current_process();
  if (!process) return 0;
  TtyAccessFacts facts{};
  facts.controlling_tty = session() != 0 && session() == process->sid;
  facts.caller_pgid = process->pgid;
  facts.foreground_pgid = foreground_pgid();
  facts.signo = signo;
  // Only gathered when they matter: the orphan scan walks the process table.
  if (facts.controlling_tty && facts.foreground_pgid && facts.caller_pgid != facts.foreground_pgid) {
    facts.signal_ignored_or_blocked = ignored_or_blocked_locked(*process, signo);
    facts.group_orphaned = group_orphaned_locked(process->pgid);
  }
  switch (check_tty_access(facts)) {
    case TtyAccess::allowed: return 0;
    case TtyAccess::io_error: return -LINUX_EIO;
    case TtyAccess::signal_group: {
      SigInfo info{};
      info.signo = signo;
      info.code = kSI_KERNEL;
      post_group_signal_locked(process->pgid, signo, &info);
      return -LINUX_EINTR;
    }
  }
  return 0;
}

}  // namespace bsdlayer::console_tty
