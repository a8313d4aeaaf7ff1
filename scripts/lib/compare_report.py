"""scripts/compare's report: build/compare/report.md (tables) and
build/compare/report.svg (gnuplot), from the results document that
scripts/compare also writes as results.json.

results = {"meta": {...}, "modes": {"kernel"|"server": {
    "error": str (the mode did not start at all; optional),
    "devices": {"rd0": {"driver": "ramdisk", "error": str (optional),
                         "tests": {"rand4k/1": {drvbench fields}, ...},
                         "campaign": {...} or None}}}}}
"""
import os
import shutil
import subprocess

MODES = ["kernel", "server"]


def micro(ns):
    return f"{ns / 1000:.1f} µs" if ns is not None else "-"


def rate(test):
    if test["test"].startswith(("rand", "seq")):
        return f"{test['mib_s']:.1f} MiB/s"
    return f"{test['iops']} op/s"


def device_names(results):
    names = []
    for mode in results["modes"].values():
        for name in mode.get("devices", {}):
            if name not in names:
                names.append(name)
    return names


def campaign_row(mode, campaign):
    if not campaign:
        return None
    if campaign.get("kernel_crash"):
        return (f"| {mode} | {campaign['injected']} | 1 ({campaign['panic']}) | "
                f"{campaign.get('requests', '-')} | all in flight: the kernel went down | - | - | - |")
    if "error" in campaign:
        return f"| {mode} | - | - | - | - | - | - | {campaign['error']} |"
    restart = (f"{micro(campaign['restart_median_us'] * 1000)} / {micro(campaign['restart_p99_us'] * 1000)}"
               f" / {micro(campaign['restart_max_us'] * 1000)}")
    return (f"| {mode} | {campaign['injected']} of {campaign['faults']} | 0 | {campaign['requests']} | "
            f"{campaign['failed']} failed, {campaign['corrupted']} blocks corrupted | {campaign['restarts']} | "
            f"{campaign['replayed']} | {restart} |")


def markdown(results):
    meta = results["meta"]
    out = ["# Amphi drivers: kernel mode against server mode", "",
           f"Measured by `scripts/compare` on {meta['timestamp']} (git {meta['git_revision']}, {meta['qemu']}, "
           f"{meta['timing']}). One boot per configuration (`drivers=kernel`, `drivers=server`); "
           f"{meta['requests']} requests per test; fault campaigns of {meta['faults']} faults "
           "(crash, hang, wild-write, bad-reply in rotation) under load, each waited on until the driver "
           "serves again. Latencies are per request from user space (`drvbench`, clock_gettime); "
           "cycles are rdtsc per request.", ""]
    if "icount" not in meta["timing"]:
        out += ["Without `--icount` these are host times: they include QEMU's own cost of emulating the "
                "guest, which is not uniform and can move several-fold between runs of the same code "
                "(null0's server-mode median has been 26 µs in one boot and 477 µs in another of the same "
                "build, for the same number of guest instructions). `scripts/compare --icount` and "
                "`scripts/bench drivers` time in guest instructions instead.", ""]
    for mode in MODES:
        error = results["modes"].get(mode, {}).get("error")
        if error:
            out += [f"**{error}** — no figures for {mode} mode below.", ""]
    chart = "report.svg"
    out += [f"![throughput, latency and fault tolerance per mode]({chart})", ""]
    for name in device_names(results):
        driver = next(m["devices"][name]["driver"] for m in results["modes"].values() if name in m.get("devices", {}))
        out += [f"## {name} ({driver})", "",
                "| mode | test | depth | throughput | median latency | p99 latency | cycles per request |",
                "| --- | --- | --- | --- | --- | --- | --- |"]
        campaigns = []
        for mode in MODES:
            entry = results["modes"].get(mode, {}).get("devices", {}).get(name)
            if entry is None:
                continue
            if entry.get("error"):
                out.append(f"| {mode} | {entry['error']} | | | | | |")
            for key, test in entry.get("tests", {}).items():
                out.append(f"| {mode} | {test['test']} | {test['depth']} | {rate(test)} | {micro(test['median_ns'])} | "
                           f"{micro(test['p99_ns'])} | {test['cycles']} |")
            row = campaign_row(mode, entry.get("campaign"))
            if row:
                campaigns.append(row)
        if campaigns:
            out += ["", "| mode | faults injected | kernel crashes | requests issued | requests lost | restarts | "
                        "replayed | restart time median / p99 / max |",
                    "| --- | --- | --- | --- | --- | --- | --- | --- |"] + campaigns
        out.append("")
    out += ["Restart time is the kernel's own measure (`restart_us` in /proc/drivers: failure detected → new "
            "instance serving); a hang is first detected by the watchdog, which is not included. "
            "Raw figures: `results.json` beside this file.", ""]
    return "\n".join(out)


def bar_data(results, select):
    """Rows 'device test/qdDEPTH kernel server' for gnuplot; '-' where a mode has no figure."""
    rows = []
    for name in device_names(results):
        keys = []
        for mode in MODES:
            for key in results["modes"].get(mode, {}).get("devices", {}).get(name, {}).get("tests", {}):
                if key not in keys:
                    keys.append(key)
        for key in keys:
            values = []
            for mode in MODES:
                test = results["modes"].get(mode, {}).get("devices", {}).get(name, {}).get("tests", {}).get(key)
                value = select(test) if test else None
                values.append("-" if value is None else f"{value:g}")
            if any(v != "-" for v in values):
                rows.append(f"{name} {key.replace('/', '/qd')} " + " ".join(values))
    return rows


def stability_text(results):
    lines = []
    for mode in MODES:
        info = results["modes"].get(mode, {})
        if info.get("error"):
            lines.append(info["error"])
            continue
        for name, entry in info.get("devices", {}).items():
            c = entry.get("campaign")
            if not c:
                continue
            if c.get("kernel_crash"):
                lines.append(f"{mode} {name}: fault 1 -> kernel crash (whole system down)")
            elif "error" in c:
                lines.append(f"{mode} {name}: {c['error']}")
            else:
                lines.append(f"{mode} {name}: {c['injected']} faults, 0 kernel crashes, {c['failed']} requests lost, "
                             f"{c['corrupted']} corrupted, restart median {c['restart_median_us'] / 1000:.2f} ms")
    return "\\n".join(l.replace('"', "'") for l in lines) or "no fault campaign ran"


def panel(title, path, rows, logscale=False):
    """One chart of the multiplot: clustered bars per mode that has figures,
    or a note where no mode has any (gnuplot refuses to plot nothing)."""
    columns = [(i + 3, mode) for i, mode in enumerate(MODES) if any(r.split()[2 + i] != "-" for r in rows)]
    if not columns:
        return (f'set title "{title}"\nunset border; unset tics; unset key; set xrange [0:1]; set yrange [0:1]\n'
                f'set label 1 "no figures" at 0.5,0.5 center\nplot 2 notitle\nunset label 1\n'
                f'set border; set tics; set key; set autoscale xy\n')
    with open(path, "w") as f:
        f.write("\n".join(rows) + "\n")
    # Two-line tick labels (device, then test/depth) fit without rotation.
    plots = ", ".join(f'"{path}" using {column}:xtic(sprintf("%s\\n%s", strcol(1), strcol(2))) '
                      f'title "{mode}" lc rgb "{COLOURS[mode]}"' for column, mode in columns)
    return (f'set title "{title}"\n' + ("set logscale y; set yrange [1:*]\n" if logscale else "set yrange [0:*]\n")
            + f"plot {plots}\n" + ("unset logscale y\n" if logscale else ""))


COLOURS = {"kernel": "#4477aa", "server": "#ee6677"}


def svg(results, directory):
    """Writes report.svg with gnuplot; returns its path, or None without gnuplot."""
    if shutil.which("gnuplot") is None:
        return None
    block = bar_data(results, lambda t: t["mib_s"] if t["test"].startswith(("rand", "seq")) else None)
    null = bar_data(results, lambda t: t["iops"] if not t["test"].startswith(("rand", "seq")) else None)
    p99 = bar_data(results, lambda t: t["p99_ns"] / 1000)
    path = os.path.join(directory, "report.svg")
    script = f"""set terminal svg size 1280,960 dynamic font "sans,12" background "white"
set output "{path}"
set datafile missing "-"
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top right
set xtics nomirror font ",10"
set multiplot layout 2,2 title "Amphi drivers: kernel mode vs server mode ({results['meta']['timing']})"
""" + panel("Block throughput (MiB/s, higher is better)", os.path.join(directory, "chart-throughput.dat"), block) \
        + panel("Null-device round trips (operations/s, higher is better)",
                os.path.join(directory, "chart-roundtrips.dat"), null) \
        + panel("p99 latency per request (µs, log scale, lower is better)", os.path.join(directory, "chart-p99.dat"),
                p99, logscale=True) + f"""set title "Fault campaigns ({results['meta']['faults']} faults asked per device)"
unset border; unset tics; unset grid; unset key
set xrange [0:1]; set yrange [0:1]
set label 2 "{stability_text(results)}" at 0.02,0.9 left font ",12"
plot 2 notitle
unset multiplot
"""
    with open(os.path.join(directory, "report.gnuplot"), "w") as f:
        f.write(script)
    subprocess.run(["gnuplot", os.path.join(directory, "report.gnuplot")], check=True)
    return path
