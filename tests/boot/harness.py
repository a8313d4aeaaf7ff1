"""Boot scenario harness: boots the real image under OVMF and talks to its
serial console.

A scenario waits for expected lines with a deadline (never sleeps), may type
input, and checks how the guest ended. Every wait reads the console as it
arrives, so a failing scenario prints the whole transcript it saw.
"""
import os
import re
import select
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
import amphi_qemu  # noqa: E402


class ScenarioFailure(Exception):
    pass


class Boot:
    """One QEMU boot. Use as a context manager so QEMU never outlives a test."""

    def __init__(self, build_dir, cmdline="", ramdisk=None, mutate=None, memory="512M"):
        if ramdisk is None:
            ramdisk = amphi_qemu.default_ramdisk(build_dir)
        self.image = amphi_qemu.BootImage(build_dir, cmdline=cmdline, ramdisk=ramdisk, mutate=mutate)
        cmd = self.image.qemu_command(no_reboot=True, memory=memory)
        self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.STDOUT)
        self.transcript = ""
        self.position = 0  # expect() consumes the transcript up to here

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.image.cleanup()
        return False

    def _read_some(self, timeout):
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.process.stdout.fileno(), 65536)
        if not chunk:
            return None  # EOF: QEMU exited
        text = chunk.decode("utf-8", errors="replace").replace("\r\n", "\n")
        self.transcript += text
        sys.stdout.write(text)
        sys.stdout.flush()
        return True

    def expect(self, pattern, timeout=60):
        """Waits until `pattern` (a regex) appears after the previous match;
        returns the match."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.transcript, self.position)
            if match:
                self.position = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioFailure(f"timed out after {timeout}s waiting for /{pattern}/")
            if self._read_some(min(remaining, 1.0)) is None:
                match = regex.search(self.transcript, self.position)
                if match:
                    self.position = match.end()
                    return match
                raise ScenarioFailure(f"QEMU exited before /{pattern}/ appeared")

    def send(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def wait_exit(self, timeout=60):
        """Waits for QEMU to end by itself; returns the guest's status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioFailure(f"guest still running {timeout}s after it should have stopped")
            self._read_some(min(remaining, 0.5))
        while self._read_some(0) is True:
            pass
        return amphi_qemu.guest_status(self.process.returncode)

    def lines_after(self, marker):
        index = self.transcript.find(marker)
        return self.transcript[index:].splitlines() if index >= 0 else []
