#!/usr/bin/env python3
"""scripts/run's boot step (the shell wrapper installs and builds first).

Boots the built image under QEMU with the serial console on this terminal
and exits with the guest's status (see amphi_qemu.guest_status).
"""
import argparse
import re
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amphi_qemu  # noqa: E402


# The shell's prompt ends in "# " (root) or "$ "; input typed before it
# would be eaten by the firmware, which also reads the serial console.
CURSOR_QUERY = b"\x1b[6n"
PROMPT = re.compile(rb"[#$] (\x1b\[6n)?$")


def run_scripted(cmd):
    """Piped input (printf 'uname -r\\npoweroff\\n' | scripts/run): hold it
    until the shell's first prompt, then type it, and relay the console."""
    data = sys.stdin.buffer.read()
    process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    seen = b""
    sent = not data
    while True:
        chunk = os.read(process.stdout.fileno(), 4096)
        if not chunk:
            break
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        # Answer "where is the cursor?" as a 25x80 terminal would: busybox's
        # line editor and vi ask, and with no terminal on the other end vi
        # would wait for the answer.
        if CURSOR_QUERY in chunk:
            process.stdin.write(b"\x1b[25;80R")
            process.stdin.flush()
        if not sent:
            seen = (seen + chunk)[-256:]
            if PROMPT.search(seen):
                process.stdin.write(data)
                process.stdin.flush()
                sent = True
    return process.wait()


def main():
    parser = argparse.ArgumentParser(prog="scripts/run", description="Boot Amphi in QEMU.")
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("--cmdline", default="", help="kernel command line (see README.md)")
    parser.add_argument("--graphic", action="store_true", help="show the framebuffer console in a window")
    parser.add_argument("--gdb", action="store_true", help="start halted with QEMU's gdb stub on :1234")
    parser.add_argument("--ramdisk", help="initial ramdisk (default: the build's initrd.cpio)")
    parser.add_argument("--memory", default="512M", help="guest RAM (QEMU -m syntax)")
    parser.add_argument("--qemu-arg", action="append", default=[], help="extra QEMU argument (repeatable)")
    args = parser.parse_args()

    if len(args.cmdline) > 1023:
        # The loader would refuse it too; saying so here is friendlier.
        print(f"scripts/run: --cmdline is {len(args.cmdline)} characters; the limit is 1023",
              file=sys.stderr)
        return 2
    ramdisk = args.ramdisk or amphi_qemu.default_ramdisk(args.build_dir)
    image = amphi_qemu.BootImage(args.build_dir, cmdline=args.cmdline, ramdisk=ramdisk)
    try:
        cmd = image.qemu_command(graphic=args.graphic, gdb=args.gdb, memory=args.memory, extra=args.qemu_arg)
        if args.gdb:
            kernel = os.path.abspath(os.path.join(args.build_dir, "kernel.elf"))
            print("QEMU is halted with its gdb stub on localhost:1234. In another terminal run:\n\n"
                  f"  gdb {kernel} -ex 'target remote localhost:1234'\n\n"
                  "The kernel is linked at its run-time addresses, so its symbols need no offset;\n"
                  "'hbreak amphi_start' then 'continue' stops at the kernel's first instruction.",
                  file=sys.stderr, flush=True)
        if sys.stdin.isatty() or args.gdb:
            code = subprocess.call(cmd)
        else:
            code = run_scripted(cmd)
        return amphi_qemu.guest_status(code)
    finally:
        image.cleanup()


if __name__ == "__main__":
    sys.exit(main())
