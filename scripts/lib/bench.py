#!/usr/bin/env python3
"""scripts/bench's measuring step (the shell wrapper installs and builds first).

Benchmarks report figures; they are not tests. A benchmark that runs to the
end exits 0 whether or not its figures meet their targets; a boot or a
benchmark that fails exits 1, bad arguments exit 2.

A benchmark is one function `bench_NAME(args) -> int` registered in
BENCHMARKS. Boot benchmarks run in up to two modes (MODES): plain TCG,
where figures are host-dependent TSC cycles, and `-icount shift=0`, where
the guest's TSC counts its instructions (one per ns) so figures repeat
exactly from run to run.
"""
import argparse
import datetime
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import amphi_console  # noqa: E402
import drvbench_session  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class BenchFailure(Exception):
    pass


class Mode:
    def __init__(self, name, unit, qemu_args, deadline_s):
        self.name, self.unit, self.qemu_args, self.deadline_s = name, unit, qemu_args, deadline_s


# OVMF alone takes ~40 s under icount (TCG can no longer chain blocks freely).
MODES = [
    Mode("tcg", "TSC cycles", [], 300),
    Mode("icount", "guest instructions", ["-icount", "shift=0"], 600),
]


def log(message):
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Booting a guest benchmark and collecting its "bench ..." lines

# The guest prints through the kernel log, so lines may carry its
# "[    1.234567] " prefix. Only whole lines count (the newline is required).
BENCH_LINE = r"^(?:\[[ \d.]+\] )?(bench [^\r\n]*)\r?\n|^[^\r\n]*(Kernel panic - not syncing[^\r\n]*)\r?\n"
FIGURE = re.compile(r"bench (\S+) median (\d+) p99 (\d+)$")


def boot_stage(transcript):
    if "amphi-loader" not in transcript:
        return "firmware (OVMF)"
    if re.search(r"Amphi \S+ ready in", transcript) is None:
        return "kernel boot"
    return "benchmark"


def run_guest_bench(label, build_dir, cmdline, mode, log_path, deadline_s):
    """Boots with `cmdline` in `mode` until the guest prints "bench done",
    then kills QEMU. Returns {name: (median, p99)}; raises BenchFailure
    (after saving the transcript to log_path) if the boot or the benchmark
    fails."""
    start = time.monotonic()
    deadline = start + deadline_s
    figures = {}
    last_report = [start]

    log(f"{label} [{mode.name}]: booting with '{cmdline}'"
        + (f" and QEMU {' '.join(mode.qemu_args)}" if mode.qemu_args else "")
        + f" (deadline {deadline_s} s)")
    session = amphi_console.ConsoleSession(build_dir, cmdline=cmdline, extra_qemu_args=mode.qemu_args)
    with session:
        def progress():
            now = time.monotonic()
            if now - last_report[0] >= 15:
                last_report[0] = now
                log(f"{label} [{mode.name}]: {now - start:.0f} s, waiting for {boot_stage(session.transcript)}")

        try:
            while True:
                remaining = max(deadline - time.monotonic(), 0.001)
                match = session.expect(BENCH_LINE, timeout=remaining, on_wait=progress)
                if match.group(2):
                    raise BenchFailure(f"guest panicked: {match.group(2)}")
                line = match.group(1).strip()
                log(f"{label} [{mode.name}]: {time.monotonic() - start:.0f} s: {line}")
                if line == "bench done":
                    break
                figure = FIGURE.match(line)
                if figure:
                    figures[figure.group(1)] = (int(figure.group(2)), int(figure.group(3)))
                else:  # "bench skipped: ...", "bench NAME failed: ..."
                    raise BenchFailure(f"guest reported: {line}")
        except (amphi_console.ConsoleFailure, BenchFailure) as failure:
            if isinstance(failure, amphi_console.ConsoleFailure):
                ended = session.process.poll() is not None
                failure = (f"QEMU ended (status {session.process.returncode})" if ended
                           else f"no 'bench done' within {deadline_s} s") \
                    + f" during {boot_stage(session.transcript)}"
            save_transcript(log_path, session.transcript)
            tail = "\n".join(session.transcript.splitlines()[-15:])
            raise BenchFailure(f"{mode.name}: {failure}\n--- last console lines (all in {log_path}) ---\n{tail}")
        save_transcript(log_path, session.transcript)
    log(f"{label} [{mode.name}]: done in {time.monotonic() - start:.0f} s")
    return figures


def save_transcript(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def git_revision():
    try:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], check=True,
                             capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"],
                               check=True, capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def qemu_version():
    try:
        out = subprocess.run(["qemu-system-x86_64", "--version"], capture_output=True, text=True).stdout
        return out.splitlines()[0] if out else "unknown"
    except OSError:
        return "unknown"


def write_json(build_dir, name, document):
    """Writes build/bench/NAME.json (the latest run) and a timestamped copy
    under build/bench/history/ for comparing runs."""
    directory = os.path.join(build_dir, "bench")
    os.makedirs(os.path.join(directory, "history"), exist_ok=True)
    latest = os.path.join(directory, f"{name}.json")
    stamp = document["timestamp"].replace("-", "").replace(":", "")
    history = os.path.join(directory, "history", f"{name}-{stamp}.json")
    for path in (latest, history):
        with open(path, "w") as f:
            json.dump(document, f, indent=2)
            f.write("\n")
    return latest


def utc_now():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# ---------------------------------------------------------------------------
# ipc: microcore IPC costs (microcore/user/ipcbench.cpp, demo=bench)

IPC_FIGURES = ["null-trap", "call-reply-0", "call-reply-64", "call-reply-4096", "ool-64k", "switch"]
IPC_RATIOS = [("call-reply-0", "null-trap"), ("ool-64k", "call-reply-64")]
# The targets, in guest instructions under icount (medians).
IPC_FIGURE_TARGETS = {"null-trap": 150, "call-reply-64": 1300}
IPC_RATIO_TARGETS = {("ool-64k", "call-reply-64"): 4.0}


def verdict(value, limit, mode):
    if limit is None:
        return "", ""
    if mode != "icount":
        return f"<= {limit:g}", "(icount)"
    return f"<= {limit:g}", "meets" if value <= limit else "misses"


def bench_ipc(args):
    results = {}
    for mode in args.modes:
        figures = run_guest_bench("bench ipc", args.build_dir, "demo=bench", mode,
                                  os.path.join(args.build_dir, "bench", f"ipc-{mode.name}.log"), mode.deadline_s)
        missing = [name for name in IPC_FIGURES if name not in figures]
        if missing:
            raise BenchFailure(f"{mode.name}: guest said 'bench done' without {', '.join(missing)}")
        ratios = {f"{a} / {b}": figures[a][0] / figures[b][0] for a, b in IPC_RATIOS}
        results[mode] = (figures, ratios)

    lines = ["ipc: median and p99 of 2000 iterations each (microcore/user/ipcbench.cpp); "
             "targets apply to icount medians"]
    for mode, (figures, ratios) in results.items():
        lines.append("")
        lines.append(f"{mode.name} ({mode.unit})")
        lines.append(f"  {'figure':<26} {'median':>10} {'p99':>10}  {'target':<8} check")
        for name in IPC_FIGURES:
            median, p99 = figures[name]
            target, check = verdict(median, IPC_FIGURE_TARGETS.get(name), mode.name)
            lines.append(f"  {name:<26} {median:>10} {p99:>10}  {target:<8} {check}".rstrip())
        for a, b in IPC_RATIOS:
            key = f"{a} / {b}"
            target, check = verdict(ratios[key], IPC_RATIO_TARGETS.get((a, b)), mode.name)
            lines.append(f"  {key:<26} {ratios[key]:>10.2f} {'':>10}  {target:<8} {check}".rstrip())
    print("\n".join(lines), flush=True)

    document = {
        "benchmark": "ipc",
        "timestamp": utc_now(),
        "git_revision": git_revision(),
        "qemu": qemu_version(),
        "cmdline": "demo=bench",
        "iterations": 2000,
        "modes": {},
    }
    for mode, (figures, ratios) in results.items():
        entry = {
            "unit": mode.unit,
            "qemu_args": mode.qemu_args,
            "figures": {name: {"median": m, "p99": p} for name, (m, p) in figures.items()},
            "ratios": {key: round(value, 4) for key, value in ratios.items()},
        }
        if mode.name == "icount":
            checks = {name: {"value": figures[name][0], "limit": limit, "meets": figures[name][0] <= limit}
                      for name, limit in IPC_FIGURE_TARGETS.items()}
            for (a, b), limit in IPC_RATIO_TARGETS.items():
                value = ratios[f"{a} / {b}"]
                checks[f"{a} / {b}"] = {"value": round(value, 4), "limit": limit, "meets": value <= limit}
            entry["targets"] = checks
        document["modes"][mode.name] = entry
    path = write_json(args.build_dir, "ipc", document)
    print(f"\nfigures written to {os.path.relpath(path)}", flush=True)
    return 0


# ---------------------------------------------------------------------------
# posix: Linux-personality costs (bsdlayer/user/posixbench.cpp run as pid 1)

POSIX_CMDLINE = "init=/bin/posixbench"
POSIX_FIGURES = ["getppid", "pipe-round-trip", "fork-exit-wait", "fork-exec-wait", "execve-derived",
                 "open-read-close-4k", "sched-yield-round-trip"]
# Targets in guest instructions under icount (medians).
POSIX_TARGETS = {"getppid": 180, "pipe-round-trip": 6000, "fork-exit-wait": 70000,
                 "open-read-close-4k": 4000, "sched-yield-round-trip": 2000}
POSIX_ITERATIONS = {"getppid": 1000, "pipe-round-trip": 1000, "fork-exit-wait": 200, "fork-exec-wait": 100,
                    "execve-derived": 100, "open-read-close-4k": 1000, "sched-yield-round-trip": 1000}


def bench_posix(args):
    results = {}
    for mode in args.modes:
        figures = run_guest_bench("bench posix", args.build_dir, POSIX_CMDLINE, mode,
                                  os.path.join(args.build_dir, "bench", f"posix-{mode.name}.log"), mode.deadline_s)
        missing = [name for name in POSIX_FIGURES if name not in figures]
        if missing:
            raise BenchFailure(f"{mode.name}: guest said 'bench done' without {', '.join(missing)}")
        results[mode] = figures

    lines = ["posix: median and p99 (bsdlayer/user/posixbench.cpp as pid 1; iterations: "
             + ", ".join(f"{name} {n}" for name, n in POSIX_ITERATIONS.items() if name != "execve-derived")
             + "); execve-derived = fork-exec-wait - median fork-exit-wait; targets apply to icount medians"]
    for mode, figures in results.items():
        lines.append("")
        lines.append(f"{mode.name} ({mode.unit})")
        lines.append(f"  {'figure':<26} {'median':>10} {'p99':>10}  {'target':<8} check")
        for name in POSIX_FIGURES:
            median, p99 = figures[name]
            target, check = verdict(median, POSIX_TARGETS.get(name), mode.name)
            lines.append(f"  {name:<26} {median:>10} {p99:>10}  {target:<8} {check}".rstrip())
    print("\n".join(lines), flush=True)

    document = {
        "benchmark": "posix",
        "timestamp": utc_now(),
        "git_revision": git_revision(),
        "qemu": qemu_version(),
        "cmdline": POSIX_CMDLINE,
        "iterations": POSIX_ITERATIONS,
        "modes": {},
    }
    for mode, figures in results.items():
        entry = {
            "unit": mode.unit,
            "qemu_args": mode.qemu_args,
            "figures": {name: {"median": m, "p99": p} for name, (m, p) in figures.items()},
        }
        if mode.name == "icount":
            entry["targets"] = {name: {"value": figures[name][0], "limit": limit, "meets": figures[name][0] <= limit}
                                for name, limit in POSIX_TARGETS.items()}
        document["modes"][mode.name] = entry
    path = write_json(args.build_dir, "posix", document)
    print(f"\nfigures written to {os.path.relpath(path)}", flush=True)
    return 0


# ---------------------------------------------------------------------------
# drivers: one driver, two modes (drivers/bench/drvbench.c from the shell)

DRIVER_REQUESTS = 2000
DRIVER_RESTART_FAULTS = 8  # two of each kind, for crash -> restart times
# virtio-blk's figures include the host's disk time (QEMU lets guest time
# run while the guest waits for it), which changes from run to run even
# under -icount. Its modes are therefore measured in alternation, this many
# rounds each, and each test reports the median round.
DRIVER_ROUNDS = {"virtio-blk": 3}


def drivers_in_one_boot(shell, label):
    """Kernel-mode figures for every device, then a live switch of each to
    server mode, the same figures again, and a short fault campaign on
    each block device: {device: {...}}."""
    table = shell.drivers()
    devices = [d for d in drvbench_session.DEVICES if d in table]
    if not devices:
        raise BenchFailure(f"no driver devices in /proc/drivers: {sorted(table)}")
    results = {}
    for device in devices:
        row = table[device]
        entry = results[device] = {"driver": row["driver"], "kernel": {}, "server": {}}
        if row["mode"] != "kernel" or row["state"] != "running":
            entry["kernel"] = {"error": f"{row['mode']} mode, state {row['state']}"}
            continue
        entry["kernel"] = drvbench_tests(shell, device, "kernel", label)
        switch = shell.switch(device, "server")
        entry["switch"] = switch
        log(f"{label}: {device}: switch to server: {switch}")
        if "error" in switch:
            entry["server"] = {"error": "server mode failed to start: " + switch["error"]}
            continue
        entry["server"] = drvbench_tests(shell, device, "server", label)
        rounds = DRIVER_ROUNDS.get(row["driver"], 1)
        if rounds > 1:
            alternate_rounds(shell, device, entry, rounds, label)
        if table[device]["driver"] != "null":
            status, output = shell.run(f"drvbench --campaign {DRIVER_RESTART_FAULTS} {device}")
            lines = [l for l in drvbench_session.drvbench_lines(output) if "restarts" in l]
            entry["restart"] = lines[-1] if lines else {"error": f"campaign exited {status} without a summary"}
            log(f"{label}: {device}: restarts: {entry['restart']}")
    return results


def alternate_rounds(shell, device, entry, rounds, label):
    """More rounds of each mode, switching back and forth (the device ends
    in server mode); every test keeps its median round by throughput, and
    `rounds` records each round's throughput ratio."""
    measured = {"kernel": [entry["kernel"]], "server": [entry["server"]]}
    for _ in range(rounds - 1):
        for mode in ("kernel", "server"):
            switch = shell.switch(device, mode)
            if "error" in switch:
                raise BenchFailure(f"{device}: switch to {mode} between rounds failed: {switch['error']}")
            measured[mode].append(drvbench_tests(shell, device, mode, label))
    for mode, runs in measured.items():
        entry[mode] = {key: sorted((run[key] for run in runs), key=lambda t: t["mib_s"])[len(runs) // 2]
                       for key in runs[0] if all(key in run for run in runs)}
    entry["rounds"] = {key: [round(s[key]["mib_s"] / k[key]["mib_s"], 3) if k[key]["mib_s"] else None
                             for k, s in zip(measured["kernel"], measured["server"])]
                       for key in entry["kernel"] if key in entry["server"]}
    log(f"{label}: {device}: server/kernel throughput by round: {entry['rounds']}")


def drvbench_tests(shell, device, mode, label):
    status, output = shell.run(f"drvbench --requests {DRIVER_REQUESTS} {device}")
    tests = {}
    for line in drvbench_session.drvbench_lines(output):
        if "test" in line:
            if line.get("mode") != mode:
                raise BenchFailure(f"{device}: expected {mode} mode, drvbench saw {line.get('mode')}")
            tests[f"{line['test']}/{line['depth']}"] = line
    if status != 0 or not tests:
        raise BenchFailure(f"drvbench {device} in {mode} mode exited {status}:\n{output[-2000:]}")
    log(f"{label}: {device} {mode}: " + ", ".join(f"{k} {v['median_ns']} ns" for k, v in tests.items()))
    return tests


def ratio(server, kernel):
    return round(server / kernel, 2) if kernel else None


def bench_drivers(args):
    results = {}
    for mode in args.modes:
        label = f"bench drivers [{mode.name}]"
        log_path = os.path.join(args.build_dir, "bench", f"drivers-{mode.name}.log")
        log(f"{label}: booting (deadline {mode.deadline_s} s to the shell)")
        with drvbench_session.GuestShell(args.build_dir, "panic=poweroff", mode.qemu_args, log, label) as shell:
            try:
                shell.wait_for_shell(mode.deadline_s)
                results[mode] = drivers_in_one_boot(shell, label)
                shell.power_off()
            except (drvbench_session.SessionFailure, drvbench_session.Panicked, BenchFailure) as failure:
                save_transcript(log_path, shell.transcript)
                raise BenchFailure(f"{mode.name}: {failure} (console in {log_path})")
            save_transcript(log_path, shell.transcript)

    lines = [f"drivers: median and p99 of {DRIVER_REQUESTS} requests per test (drivers/bench/drvbench.c); "
             "ratio = server median / kernel median"]
    for mode, devices in results.items():
        lines += ["", f"{mode.name} (ns of guest time; cycles are {mode.unit})"]
        lines.append(f"  {'device test/depth':<20} {'kernel med':>10} {'p99':>9} {'cycles':>8}  "
                     f"{'server med':>10} {'p99':>9} {'cycles':>8}  {'ratio':>5}  {'kernel':>10} {'server':>10}")
        for device, entry in devices.items():
            for key, k in entry["kernel"].items() if "error" not in entry["kernel"] else []:
                s = entry["server"].get(key) if "error" not in entry["server"] else None
                unit = "MiB/s" if k["test"].startswith(("rand", "seq")) else "op/s"
                rate = (lambda f: f"{f['mib_s']:.1f}" if unit == "MiB/s" else str(f["iops"]))
                lines.append(f"  {device + ' ' + key:<20} {k['median_ns']:>10} {k['p99_ns']:>9} {k['cycles']:>8}  "
                             + (f"{s['median_ns']:>10} {s['p99_ns']:>9} {s['cycles']:>8}  "
                                f"{ratio(s['median_ns'], k['median_ns']):>5}  " if s else f"{'-':>10} {'':>9} {'':>8}  {'':>5}  ")
                             + f"{rate(k):>10} {rate(s) if s else '-':>10} {unit}")
            for what in ("kernel", "server"):
                if "error" in entry[what]:
                    lines.append(f"  {device}: {what}: {entry[what]['error']}")
            for key, ratios in entry.get("rounds", {}).items():
                lines.append(f"  {device} {key}: server/kernel throughput in {len(ratios)} alternating rounds: "
                             + ", ".join(f"{r:.3f}" for r in ratios if r is not None)
                             + " (the columns above are the median round)")
            switch = entry.get("switch", {})
            if "pause_us" in switch:
                lines.append(f"  {device}: live switch kernel -> server under load: requests paused {switch['pause_us']} us "
                             f"({switch['during_switch']} load requests completed during the switch, "
                             f"{switch['load_failed']} failed)")
            restart = entry.get("restart", {})
            if "restart_median_us" in restart:
                lines.append(f"  {device}: {restart['injected']} faults: restart median {restart['restart_median_us']} us, "
                             f"max {restart['restart_max_us']} us; fault -> serving again median "
                             f"{restart['recovery_median_us']} us; {restart['failed']} requests failed, "
                             f"{restart['corrupted']} blocks corrupted")
    print("\n".join(lines), flush=True)

    document = {"benchmark": "drivers", "timestamp": utc_now(), "git_revision": git_revision(),
                "qemu": qemu_version(), "cmdline": "panic=poweroff", "requests": DRIVER_REQUESTS, "modes": {}}
    for mode, devices in results.items():
        for entry in devices.values():
            entry["ratios"] = {key: ratio(entry["server"][key]["median_ns"], k["median_ns"])
                               for key, k in entry["kernel"].items()
                               if "error" not in entry["kernel"] and key in entry["server"]}
        document["modes"][mode.name] = {"unit": mode.unit, "qemu_args": mode.qemu_args, "devices": devices}
    path = write_json(args.build_dir, "drivers", document)
    print(f"\nfigures written to {os.path.relpath(path)}", flush=True)
    return 0


# Adding a benchmark: write bench_NAME(args) and list it here.
BENCHMARKS = {
    "ipc": (bench_ipc, "microcore IPC: null trap, call/reply 0/64/4096 bytes, 64 KiB out-of-line, switch"),
    "posix": (bench_posix, "Linux personality: getppid, pipe round trip, fork/exec/wait, open+read+close, yield"),
    "drivers": (bench_drivers, "drivers in kernel and server mode: 4k random / 64k sequential reads, null round "
                "trips, live switch pause, crash -> restart"),
}


def parse_args(argv):
    known = "\n".join(f"  {name:<8} {summary}" for name, (_, summary) in BENCHMARKS.items())
    parser = argparse.ArgumentParser(
        prog="scripts/bench", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Run an Amphi benchmark under QEMU and print its figures.",
        epilog=f"benchmarks:\n{known}")
    parser.add_argument("benchmark", nargs="?", help="which benchmark (" + ", ".join(BENCHMARKS) + ")")
    modes = parser.add_mutually_exclusive_group()
    modes.add_argument("--tcg-only", action="store_true", help="only the plain TCG boot (host-dependent cycles)")
    modes.add_argument("--icount-only", action="store_true",
                       help="only the -icount shift=0 boot (exact, repeatable instruction counts)")
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--print-build-dir", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.benchmark not in BENCHMARKS:
        parser.print_usage(sys.stderr)
        what = f"unknown benchmark '{args.benchmark}'" if args.benchmark else "no benchmark named"
        parser.exit(2, f"scripts/bench: {what}; known benchmarks:\n{known}\n")
    args.build_dir = os.path.abspath(args.build_dir)
    args.modes = [m for m in MODES if not (args.tcg_only and m.name != "tcg")
                  and not (args.icount_only and m.name != "icount")]
    return args


def main(argv):
    args = parse_args(argv)
    if args.print_build_dir:  # for the shell wrapper, before it builds
        print(args.build_dir)
        return 0
    run, _ = BENCHMARKS[args.benchmark]
    try:
        return run(args)
    except (BenchFailure, FileNotFoundError) as failure:
        log(f"scripts/bench {args.benchmark}: FAILED: {failure}")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
