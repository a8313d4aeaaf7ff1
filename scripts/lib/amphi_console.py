"""One QEMU boot whose serial console is read as it arrives: for the boot
scenario tests (tests/boot/harness.py) and for scripts/bench.

Every wait has a deadline and reads the console with select (never sleeps),
so a failure can always show the whole transcript it saw. Use a session as a
context manager so QEMU never outlives its caller.
"""
import os
import re
import select
import subprocess
import time

import amphi_qemu


class ConsoleFailure(Exception):
    """A wait ran past its deadline, or QEMU ended before the awaited line."""


class ConsoleSession:
    def __init__(self, build_dir, cmdline="", ramdisk=None, mutate=None, memory="512M",
                 no_reboot=True, extra_qemu_args=(), echo=None):
        """echo: a text stream that sees the console as it arrives (or None)."""
        if ramdisk is None:
            ramdisk = amphi_qemu.default_ramdisk(build_dir)
        self.image = amphi_qemu.BootImage(build_dir, cmdline=cmdline, ramdisk=ramdisk, mutate=mutate)
        self.echo = echo
        self.transcript = ""
        self.position = 0  # expect() consumes the transcript up to here
        self._pending_cr = False
        cmd = self.image.qemu_command(no_reboot=no_reboot, memory=memory, extra=extra_qemu_args)
        try:
            self.process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                            stderr=subprocess.STDOUT)
        except BaseException:
            self.image.cleanup()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self):
        """Kills QEMU if it still runs and removes the boot's image."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.image.cleanup()

    def _read_some(self, timeout):
        """True after reading, False if nothing came within timeout, None at EOF."""
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.process.stdout.fileno(), 65536)
        if not chunk:
            return None  # EOF: QEMU exited
        text = chunk.decode("utf-8", errors="replace")
        if self._pending_cr:
            text = "\r" + text
        # A "\r\n" split across two reads must still become one "\n".
        self._pending_cr = text.endswith("\r")
        if self._pending_cr:
            text = text[:-1]
        text = text.replace("\r\n", "\n")
        self.transcript += text
        if self.echo:
            self.echo.write(text)
            self.echo.flush()
        return True

    def poll(self, timeout):
        """Reads what the guest printed within `timeout`; False once QEMU exited."""
        return self._read_some(timeout) is not None

    def expect(self, pattern, timeout=60, on_wait=None):
        """Waits until `pattern` (a regex, MULTILINE) appears after the
        previous match; returns the match. on_wait(), if given, is called
        at least once a second while nothing matches (progress reports)."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.transcript, self.position)
            if match and not self._may_continue(match):
                self.position = match.end()
                return match
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConsoleFailure(f"timed out after {timeout}s waiting for /{pattern}/")
            if self._read_some(min(remaining, 1.0)) is None:
                match = regex.search(self.transcript, self.position)
                if match:
                    self.position = match.end()
                    return match
                raise ConsoleFailure(f"QEMU exited (status {self.process.wait()}) before /{pattern}/ appeared")
            if on_wait:
                on_wait()

    def _may_continue(self, match):
        """The console arrives a few bytes at a time: a match that ends in a
        digit at the very end of what has arrived may be a number cut in
        half ("size=1" of "size=1985024"), so it is taken only once another
        byte (or QEMU's exit) shows where the number ends."""
        return (match.end() == len(self.transcript) and match.end() > match.start()
                and self.transcript[match.end() - 1].isdigit() and self.process.poll() is None)

    def send(self, text):
        self.process.stdin.write(text.encode())
        self.process.stdin.flush()

    def wait_exit(self, timeout=60):
        """Waits for QEMU to end by itself; returns the guest's status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ConsoleFailure(f"guest still running {timeout}s after it should have stopped")
            self._read_some(min(remaining, 0.5))
        while self._read_some(0) is True:
            pass
        return amphi_qemu.guest_status(self.process.returncode)

    def lines_after(self, marker):
        index = self.transcript.find(marker)
        return self.transcript[index:].splitlines() if index >= 0 else []
