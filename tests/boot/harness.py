"""Boot scenario harness: boots the real image under OVMF and talks to its
serial console.

A scenario waits for expected lines with a deadline (never sleeps), may type
input, and checks how the guest ended. Every wait reads the console as it
arrives, so a failing scenario prints the whole transcript it saw. The
console session itself is scripts/lib/amphi_console.py (shared with
scripts/bench).
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
import amphi_console  # noqa: E402

# Raised by a timed-out or unanswered wait, and by a scenario's own checks.
ScenarioFailure = amphi_console.ConsoleFailure


class Boot(amphi_console.ConsoleSession):
    """One QEMU boot (no reboot), echoing its console to stdout. Use as a
    context manager so QEMU never outlives a test."""

    def __init__(self, build_dir, cmdline="", ramdisk=None, mutate=None, memory="512M"):
        super().__init__(build_dir, cmdline=cmdline, ramdisk=ramdisk, mutate=mutate, memory=memory,
                         no_reboot=True, echo=sys.stdout)
