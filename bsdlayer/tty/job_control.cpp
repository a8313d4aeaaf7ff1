#include "bsdlayer/tty/job_control.h"

#include "bsdlayer/linux/signal.h"

namespace bsdlayer {

TtyAccess check_tty_access(const TtyAccessFacts& facts) {
  if (!facts.controlling_tty || facts.foreground_pgid == 0 || facts.caller_pgid == facts.foreground_pgid)
    return TtyAccess::allowed;
  if (facts.signal_ignored_or_blocked)
    return facts.signo == linux_abi::kSIGTTIN ? TtyAccess::io_error : TtyAccess::allowed;
  if (facts.group_orphaned) return TtyAccess::io_error;
  return TtyAccess::signal_group;
}

}  // namespace bsdlayer
