// check_tty_access: Linux's rules for a background process group at its
// controlling terminal (SIGTTIN, SIGTTOU, EIO).
#include <gtest/gtest.h>

#include "bsdlayer/linux/signal.h"
#include "bsdlayer/tty/job_control.h"

namespace {

using bsdlayer::check_tty_access;
using bsdlayer::TtyAccess;
using bsdlayer::TtyAccessFacts;
using bsdlayer::linux_abi::kSIGTTIN;
using bsdlayer::linux_abi::kSIGTTOU;

TtyAccessFacts background(int signo) {
  return TtyAccessFacts{true, 20, 10, signo, false, false};
}

TEST(TtyJobControl, TheForegroundGroupIsAlwaysAllowed) {
  TtyAccessFacts facts = background(kSIGTTIN);
  facts.caller_pgid = facts.foreground_pgid;
  EXPECT_EQ(check_tty_access(facts), TtyAccess::allowed);
}

TEST(TtyJobControl, ABackgroundReadSignalsTheGroup) {
  EXPECT_EQ(check_tty_access(background(kSIGTTIN)), TtyAccess::signal_group);
  EXPECT_EQ(check_tty_access(background(kSIGTTOU)), TtyAccess::signal_group);
}

TEST(TtyJobControl, AnotherTerminalOrNoForegroundGroupIsNotChecked) {
  TtyAccessFacts not_ours = background(kSIGTTIN);
  not_ours.controlling_tty = false;
  EXPECT_EQ(check_tty_access(not_ours), TtyAccess::allowed);
  TtyAccessFacts unset = background(kSIGTTIN);
  unset.foreground_pgid = 0;
  EXPECT_EQ(check_tty_access(unset), TtyAccess::allowed);
}

// A background caller's verdict when the signal is ignored (or blocked)
// and when its group is orphaned.
TtyAccess background_verdict(int signo, bool ignored, bool orphaned) {
  TtyAccessFacts facts = background(signo);
  facts.signal_ignored_or_blocked = ignored;
  facts.group_orphaned = orphaned;
  return check_tty_access(facts);
}

TEST(TtyJobControl, IgnoredSignalFailsReadsButLetsWritesThrough) {
  EXPECT_EQ(background_verdict(kSIGTTIN, true, false), TtyAccess::io_error);
  // The shell ignores SIGTTOU and takes the terminal back with tcsetpgrp.
  EXPECT_EQ(background_verdict(kSIGTTOU, true, false), TtyAccess::allowed);
}

TEST(TtyJobControl, AnOrphanedGroupGetsEioInsteadOfStopping) {
  EXPECT_EQ(background_verdict(kSIGTTIN, false, true), TtyAccess::io_error);
  EXPECT_EQ(background_verdict(kSIGTTOU, false, true), TtyAccess::io_error);
  // Ignoring SIGTTOU still lets an orphan write, as on Linux.
  EXPECT_EQ(background_verdict(kSIGTTOU, true, true), TtyAccess::allowed);
}

}  // namespace
