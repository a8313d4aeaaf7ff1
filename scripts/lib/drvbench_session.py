"""A booted Amphi shell that runs drvbench (drivers/bench/) and drvctl and
hands back what they printed: shared by `scripts/bench drivers` and
`scripts/compare`.

Commands are typed into busybox's shell followed by `echo __rc=$?`; every
wait has a deadline, reset by drvbench's progress lines so that a long
fault campaign is judged by silence, not by its total length. A kernel
panic ends the wait at once (it is a result in kernel mode, not an error).
"""
import re
import time

import amphi_console

# The devices drvbench measures when present: block devices and the null
# device. Others (the UART) would measure their wire, not the framework.
DEVICES = ["rd0", "null0", "blk0"]
PANIC = r"Kernel panic - not syncing[^\n]*"
DRVBENCH_LINE = re.compile(r"^drvbench: ([^\r\n]*)", re.MULTILINE)
FIELD = re.compile(r"(\w+)=(\S+)")
# The "did not start" line of executive/io/io_manager.cpp, for the reason.
START_FAILURE = re.compile(r"io: \\Device\\(\w+) \([\w-]+\) did not start in (\w+) mode: ([^\n]*)")


class SessionFailure(Exception):
    pass


class Panicked(Exception):
    """The kernel panicked while a command ran; `line` is the panic line."""

    def __init__(self, line, output):
        super().__init__(line)
        self.line, self.output = line, output


def fields(line):
    """'device=rd0 median_ns=1234 mib_s=1.5' -> {'device': 'rd0', 'median_ns': 1234, 'mib_s': 1.5}"""
    result = {}
    for key, value in FIELD.findall(line):
        try:
            result[key] = int(value)
        except ValueError:
            try:
                result[key] = float(value)
            except ValueError:
                result[key] = value
    return result


def drvbench_lines(output):
    return [fields(m.group(1)) for m in DRVBENCH_LINE.finditer(output)]


def driver_table(output):
    """Rows of /proc/drivers as {device: {column: value}}."""
    lines = [l.split() for l in output.splitlines()]
    header = next((l for l in lines if l[:2] == ["device", "driver"]), None)
    if header is None:
        return {}
    rows = {}
    for cells in lines:
        if len(cells) == len(header) and cells[0] != "device" and cells[0].isidentifier():
            row = dict(zip(header, cells))
            for key in header[4:]:
                row[key] = int(row[key]) if row[key].isdigit() else row[key]
            rows[cells[0]] = row
    return rows


class GuestShell:
    def __init__(self, build_dir, cmdline, qemu_args=(), log=print, label="amphi"):
        self.log, self.label = log, label
        self.session = amphi_console.ConsoleSession(build_dir, cmdline=cmdline, extra_qemu_args=qemu_args)
        self.started = time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.session.close()
        return False

    @property
    def transcript(self):
        return self.session.transcript

    def wait_for_shell(self, deadline_s):
        try:
            self.session.expect(r"init: Amphi init \(pid 1\) starting /bin/sh|" + PANIC, timeout=deadline_s)
            self.session.expect(r"# |" + PANIC, timeout=120)
        except amphi_console.ConsoleFailure as failure:
            raise SessionFailure(f"no shell prompt: {failure}") from None
        if "Kernel panic" in self.transcript:
            raise SessionFailure("the kernel panicked during boot")
        self.log(f"{self.label}: shell after {time.monotonic() - self.started:.0f} s")

    # Amphi sets the 16550's receive FIFO to interrupt at 14 bytes.
    FIFO_TRIGGER = 14

    def type(self, text, echo_s=10):
        """Sends `text` one FIFO trigger's worth at a time, each piece once
        the guest has echoed the last. Bytes below the trigger level wait
        for the UART's receive timeout, which under -icount QEMU sometimes
        never delivers (the tail of a line was lost); so a line is padded
        with spaces before its newline to whole pieces, and every piece
        fills the FIFO to its trigger."""
        if text.endswith("\n"):
            body = text[:-1]
            text = body + " " * (-len(text) % self.FIFO_TRIGGER) + "\n"
        for i in range(0, len(text), self.FIFO_TRIGGER):
            before = len(self.transcript)
            piece = text[i:i + self.FIFO_TRIGGER]
            self.session.send(piece)
            deadline = time.monotonic() + echo_s
            while len(self.transcript) - before < len(piece.rstrip()) and time.monotonic() < deadline:
                if not self.session.poll(0.2):
                    return  # QEMU is gone; run() reports it

    def run(self, command, idle_s=300):
        """Runs one shell command; returns (exit status, its output). Raises
        Panicked if the kernel goes down, SessionFailure on silence."""
        start = len(self.transcript)
        self.type(command + "; echo __rc=$?\n")
        pattern = r"__rc=(\d+)\r*\n|(" + PANIC + r")\r*\n|^drvbench: campaign progress[^\n]*\n"
        while True:
            try:
                match = self.session.expect(pattern, timeout=idle_s)
            except amphi_console.ConsoleFailure as failure:
                raise SessionFailure(f"'{command}': {failure}") from None
            if match.group(2):
                raise Panicked(match.group(2), self.transcript[start:])
            if match.group(1) is not None:
                return int(match.group(1)), self.transcript[start:match.start()]
            self.log(f"{self.label}: {match.group(0).strip()}")

    def drivers(self):
        status, output = self.run("cat /proc/drivers", idle_s=60)
        if status != 0:
            raise SessionFailure("cat /proc/drivers failed")
        return driver_table(output)

    def start_failures(self):
        """{device: the kernel's reason} for devices that did not start in the asked mode."""
        return {m.group(1): m.group(3).strip()
                for m in START_FAILURE.finditer(self.transcript)}

    def switch(self, device, mode):
        """A live switch under load (drvbench --switch): its drvbench fields
        (pause_us, load_requests, during_switch, load_failed) or {'error': why}."""
        status, output = self.run(f"drvbench --switch {mode} {device}", idle_s=120)
        lines = DRVBENCH_LINE.findall(output)
        done = [fields(l) for l in lines if "pause_us=" in l]
        if done:  # switched; load_failed says whether any request failed across it
            return done[-1]
        why = next((l.split("failed: ", 1)[1] for l in lines if "failed: " in l), f"drvbench exited {status}")
        # The kernel log says why the new instance failed (mode_switch.cpp).
        cause = re.search(rf"io: {device}: the {mode} instance did not come up \(([^\n]*)\); rolling back", output)
        return {"error": why.strip() + (f" ({cause.group(1)})" if cause else "")}

    def power_off(self):
        self.session.send("poweroff\n")
        try:
            return self.session.wait_exit(timeout=60)
        except amphi_console.ConsoleFailure:
            return None
