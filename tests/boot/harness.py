"""Boot scenario harness: boots the real image under OVMF and talks to its
serial console.

A scenario waits for expected lines with a deadline (never sleeps), may type
input, and checks how the guest ended. Every wait reads the console as it
arrives, so a failing scenario prints the whole transcript it saw. The
console session itself is scripts/lib/amphi_console.py (shared with
scripts/bench).
"""
import json
import os
import shutil
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "lib"))
import amphi_console  # noqa: E402

# Raised by a timed-out or unanswered wait, and by a scenario's own checks.
ScenarioFailure = amphi_console.ConsoleFailure


class Boot(amphi_console.ConsoleSession):
    """One QEMU boot (no reboot), echoing its console to stdout. Use as a
    context manager so QEMU never outlives a test."""

    def __init__(self, build_dir, cmdline="", ramdisk=None, mutate=None, memory="512M", qmp=False):
        """qmp: also open QEMU's QMP monitor, for send_keys() (the PS/2
        keyboard)."""
        self._qmp_dir = tempfile.mkdtemp(prefix="amphi-qmp-") if qmp else None
        self._qmp = None
        extra = ()
        if qmp:
            extra = ("-qmp", f"unix:{os.path.join(self._qmp_dir, 'qmp.sock')},server=on,wait=off")
        super().__init__(build_dir, cmdline=cmdline, ramdisk=ramdisk, mutate=mutate, memory=memory,
                         no_reboot=True, extra_qemu_args=extra, echo=sys.stdout)

    def close(self):
        if self._qmp:
            self._qmp.close()
            self._qmp = None
        super().close()
        if self._qmp_dir:
            shutil.rmtree(self._qmp_dir, ignore_errors=True)

    def _qmp_command(self, command, arguments=None, timeout=10):
        """Sends one QMP command and returns its answer (events are skipped)."""
        message = {"execute": command}
        if arguments is not None:
            message["arguments"] = arguments
        self._qmp.sendall(json.dumps(message).encode() + b"\n")
        while True:
            reply = self._qmp_read(timeout)
            if "error" in reply:
                raise ScenarioFailure(f"QMP {command}: {reply['error']}")
            if "return" in reply:
                return reply["return"]

    def _qmp_read(self, timeout):
        deadline = time.monotonic() + timeout
        while b"\n" not in self._qmp_buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ScenarioFailure("QMP did not answer")
            self._qmp.settimeout(remaining)
            chunk = self._qmp.recv(65536)
            if not chunk:
                raise ScenarioFailure("QMP connection closed")
            self._qmp_buffer += chunk
        line, self._qmp_buffer = self._qmp_buffer.split(b"\n", 1)
        return json.loads(line)

    def _qmp_connect(self, timeout=10):
        if self._qmp_dir is None:
            raise ScenarioFailure("send_keys needs Boot(..., qmp=True)")
        path = os.path.join(self._qmp_dir, "qmp.sock")
        deadline = time.monotonic() + timeout
        while True:  # QEMU creates the socket early in its start-up
            try:
                self._qmp = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                self._qmp.connect(path)
                break
            except OSError:
                self._qmp.close()
                self._qmp = None
                if time.monotonic() > deadline:
                    raise ScenarioFailure(f"no QMP socket at {path}")
                self._read_some(0.1)  # keep the console flowing while QEMU starts
        self._qmp_buffer = b""
        self._qmp_read(timeout)  # the greeting
        self._qmp_command("qmp_capabilities")

    def send_keys(self, text):
        """Types `text` on the guest's PS/2 keyboard, one QMP send-key
        (press, then release) per character, US layout."""
        if self._qmp is None:
            self._qmp_connect()
        for char in text:
            keys = [{"type": "qcode", "data": q} for q in qcodes_for(char)]
            self._qmp_command("send-key", {"keys": keys})


# QEMU qcodes for the characters a scenario may type (US layout).
_QCODE_PLAIN = {" ": "spc", "\n": "ret", "\t": "tab", "-": "minus", "=": "equal", "[": "bracket_left",
                "]": "bracket_right", ";": "semicolon", "'": "apostrophe", "`": "grave_accent",
                "\\": "backslash", ",": "comma", ".": "dot", "/": "slash"}
_QCODE_SHIFTED = {"!": "1", "@": "2", "#": "3", "$": "4", "%": "5", "^": "6", "&": "7", "*": "8",
                  "(": "9", ")": "0", "_": "minus", "+": "equal", "{": "bracket_left",
                  "}": "bracket_right", ":": "semicolon", '"': "apostrophe", "~": "grave_accent",
                  "|": "backslash", "<": "comma", ">": "dot", "?": "slash"}


def qcodes_for(char):
    if char.islower() or char.isdigit():
        return [char]
    if char.isupper():
        return ["shift", char.lower()]
    if char in _QCODE_PLAIN:
        return [_QCODE_PLAIN[char]]
    if char in _QCODE_SHIFTED:
        return ["shift", _QCODE_SHIFTED[char]]
    raise ValueError(f"no qcode for {char!r}")
