#!/usr/bin/env python3
"""Boot scenarios for issue-level behaviour; each is one CTest test
(tests/boot/CMakeLists.txt). Run one by hand:

    tests/boot/scenarios.py --build-dir build ready
"""
import argparse
import hashlib
import os
import re
import sys

from harness import Boot, ScenarioFailure

EXIT_PANIC = 70  # executive/include/executive/exit_status.h


def wait_for_shell(boot):
    """Waits until Amphi's init has started busybox's shell and it prompts."""
    boot.expect(r"init: Amphi init \(pid 1\) starting /bin/sh on /dev/console", timeout=90)
    boot.expect(r"# ", timeout=60)


def check(condition, message):
    if not condition:
        raise ScenarioFailure(message)


def run_steps(boot, steps, timeout=60):
    """Types each step's input, then waits for its expected output before
    the next one is sent."""
    for keys, expected in steps:
        boot.send(keys)
        boot.expect(expected, timeout=timeout)


def power_off_cleanly(boot):
    """Ends a shell scenario: poweroff must stop the machine with status 0,
    and nothing on the way may have panicked."""
    boot.send("poweroff\n")
    status = boot.wait_exit(timeout=60)
    check(status == 0, f"poweroff left status {status}")
    check("Kernel panic" not in boot.transcript, "the kernel panicked")


def scenario_ready(build):
    """Boots to ready with a live timer, describes the machine, powers off."""
    with Boot(build, cmdline="poweroff=ready") as boot:
        boot.expect(r"efi: UEFI \d+\.\d+ firmware: EDK II revision")
        boot.expect(r"Memory: \d+ MiB usable")
        boot.expect(r"CPU: protection enabled:.* NX .*SMEP SMAP")
        boot.expect(r"ACPI: tables: XSDT .*APIC.*HPET.*MCFG|ACPI: tables: XSDT .*")
        boot.expect(r"tsc: calibrated against HPET: \d+\.\d{3} MHz")
        boot.expect(r"pci 00:00\.0 8086:29c0 Host bridge")
        ticks = boot.expect(r"timer: LAPIC timer ticking at 1000 Hz \((\d+) ticks in (\d+) us\)")
        check(int(ticks.group(1)) >= 10, "fewer than 10 timer ticks observed")
        boot.expect(r"Amphi \S+ ready in \d+ ms")
        status = boot.wait_exit(timeout=30)
        check(status == 0, f"guest status {status}, expected 0 (ACPI power-off)")


def expect_panic(boot, reason_pattern):
    boot.expect(r"Kernel panic - not syncing: " + reason_pattern)
    boot.expect(r"Call Trace:")
    boot.expect(r"---\[ end Kernel panic - not syncing")
    status = boot.wait_exit(timeout=30)
    check(status == EXIT_PANIC, f"guest status {status}, expected {EXIT_PANIC} (panic)")
    return [l for l in boot.lines_after("Call Trace:") if "[<ffffffff" in l]


def scenario_panic(build):
    """A deliberate panic prints the reason and a symbolized backtrace."""
    with Boot(build, cmdline="test=panic panic=poweroff") as boot:
        frames = expect_panic(boot, r"self-test: deliberate panic")
        symbolized = [f for f in frames if "+0x" in f and "] ?" not in f]
        check(len(symbolized) >= 3, f"only {len(symbolized)} symbolized frames: {frames}")
        names = " ".join(symbolized)
        for function in ("self_test_panic_inner", "self_test_panic_middle", "run_boot_self_test"):
            check(function in names, f"{function} missing from the backtrace")


def scenario_null_write(build):
    """A kernel null-pointer write is reported with CR2 and the faulting function."""
    with Boot(build, cmdline="test=null-write panic=poweroff") as boot:
        boot.expect(r"Kernel panic - not syncing: page fault at 0x0000000000000000 "
                    r"\(write, not-present page, kernel mode\)")
        boot.expect(r"CR2: 0000000000000000")
        boot.expect(r"RIP: \[<ffffffff[0-9a-f]+>\] .*self_test_null_write\+0x")
        frames = expect_panic_tail(boot)
        check(any("run_boot_self_test" in f for f in frames), f"caller missing from the backtrace: {frames}")


def expect_panic_tail(boot):
    boot.expect(r"Call Trace:")
    boot.expect(r"---\[ end Kernel panic - not syncing")
    status = boot.wait_exit(timeout=30)
    check(status == EXIT_PANIC, f"guest status {status}, expected {EXIT_PANIC} (panic)")
    return [l for l in boot.lines_after("Call Trace:") if "[<ffffffff" in l]


def scenario_stack_overflow(build):
    """Overflowing the kernel stack hits the guard page; the double fault
    runs on its IST stack and reports instead of triple-faulting."""
    with Boot(build, cmdline="test=stack-overflow panic=poweroff") as boot:
        boot.expect(r"Kernel panic - not syncing: unhandled double fault \(vector 8")
        boot.expect(r"kernel stack overflow: the boot stack ran into its guard page")
        frames = expect_panic_tail(boot)
        check(any("self_test_stack_overflow" in f for f in frames),
              f"recursion not visible in the backtrace: {frames}")


def scenario_corrupt_kernel(build):
    """A corrupt kernel file: the loader says so and powers off."""
    def corrupt(esp):
        with open(os.path.join(esp, "amphi", "kernel.elf"), "r+b") as f:
            f.write(b"this is not an ELF file")
    with Boot(build, cmdline="poweroff=ready", mutate=corrupt) as boot:
        boot.expect(r"amphi-loader: error: kernel \\amphi\\kernel\.elf: not an ELF64 x86-64 executable")
        boot.expect(r"amphi-loader: stopping; powering off")
        boot.wait_exit(timeout=60)
        check("Amphi" not in boot.transcript.split("amphi-loader: error")[1].replace("amphi-loader", ""),
              "kernel output after a loader error")


def scenario_missing_ramdisk(build):
    """A configured ramdisk that is missing: a clear message and a clean stop."""
    with Boot(build, cmdline="poweroff=ready", ramdisk="/nonexistent/initrd.cpio") as boot:
        boot.expect(r"amphi-loader: error: ramdisk \\amphi\\initrd\.cpio: not found")
        boot.expect(r"amphi-loader: stopping; powering off")
        boot.wait_exit(timeout=60)


def scenario_absurd_cmdline(build):
    """A command line beyond the documented limit is refused by the loader."""
    with Boot(build, cmdline="x" * 2000) as boot:
        boot.expect(r"amphi-loader: error: .*cmdline is 2000 bytes, limit is 1023")
        boot.wait_exit(timeout=60)


def scenario_tasks(build):
    """Four kinds of Ring 3 tasks from the initrd: ping and pong exchange Mach
    messages, spin never yields, two badptrs fault and are terminated while
    the others keep running."""
    with Boot(build, cmdline="demo=tasks") as boot:
        boot.expect(r"demo: started task \d+ \(pong\)")
        boot.expect(r"Amphi \S+ ready in \d+ ms")
        # The faults are contained and named (either badptr may go first).
        boot.expect(r"task \d+ \(badptr\): page fault at 0x(ffff800000001000 \(write, protection violation\)|"
                    r"0000000000001000 \(write, not-present page\)) - terminated")
        boot.expect(r"task \d+ \(badptr\): page fault at 0x(ffff800000001000 \(write, protection violation\)|"
                    r"0000000000001000 \(write, not-present page\)) - terminated")
        # spin has been running all along; messages still flow after it started.
        boot.expect(r"ping: done, 5 rounds", timeout=60)
        text = boot.transcript
        check("spin: spinning forever" in text, "spin never started")
        for k in range(1, 6):
            check(f'pong: received "ping {k}" (id {k})' in text, f"pong missed ping {k}")
            check(f'ping: received "pong {k}" (id {1000 + k})' in text, f"ping missed pong {k}")
        check("0xffff800000001000 (write, protection violation) - terminated" in text, "kernel write not reported")
        check("0x0000000000001000 (write, not-present page) - terminated" in text, "unmapped write not reported")
        check("Kernel panic" not in text, "the kernel panicked")


def scenario_fairness(build):
    """Three spinners at equal priority each get within 20 % of a third of
    the CPU over three seconds, by the scheduler's own accounting."""
    with Boot(build, cmdline="demo=fairness") as boot:
        boot.expect(r"fairness: done", timeout=120)
        shares = [int(m) for m in re.findall(r"fairness: task \d+ \(spin\) ran \d+ ms of \d+ ms \((\d+) per mille\)",
                                              boot.transcript)]
        check(len(shares) == 3, f"expected 3 spinners, saw {shares}")
        for share in shares:
            check(abs(share - 333) <= 67, f"share {share} per mille is not within 20 % of 333: {shares}")


def scenario_ipc_bad_input(build):
    """ipctest feeds the Mach traps malformed messages, rights it does not
    hold, absurd sizes, invalid names and bad user pointers, each answered
    by its exact code, and sees dead-name and no-senders notifications
    (its peer copy dies); nothing panics."""
    with Boot(build, cmdline="demo=ipctest") as boot:
        summary = boot.expect(r"ipctest: (\d+) passed, (\d+) failed", timeout=120)
        status = boot.expect(r"task \d+ \(ipctest\) exited with status (\d+)")  # the main copy, after the peer
        text = boot.transcript
        failures = [l.strip() for l in text.splitlines() if "ipctest: FAIL" in l]
        check(not failures, "failed checks:\n  " + "\n  ".join(failures))
        check(int(summary.group(2)) == 0, f"{summary.group(2)} checks failed")
        check(int(summary.group(1)) > 0, "no checks ran")
        check(status.group(1) == "0", f"ipctest exited with status {status.group(1)}")
        check("Kernel panic" not in text, "the kernel panicked")


def scenario_oom(build):
    """memhog in 128 MiB of guest RAM: it allocates until memory runs out and
    then either sees vm_allocate fail or is terminated for out of memory;
    the kernel survives and gets back every page the task held."""
    with Boot(build, cmdline="demo=memhog", memory="128M") as boot:
        boot.expect(r"demo: started task \d+ \(memhog\)")
        boot.expect(r"memhog: allocated \d+ MiB", timeout=120)
        end = boot.expect(r"memhog: vm_allocate failed after \d+ MiB: \S+ \(-?\d+\)|"
                          r"task \d+ \(memhog\): out of memory at 0x[0-9a-f]{16} - terminated", timeout=180)
        print(f"\n[oom] memhog ended with: {end.group(0)}")
        back = boot.expect(r"memhog: task gone, free memory back to (\d+) of (\d+) pages \(heap: (\d+) bytes in "
                           r"use before, (\d+) after; (\d+) pages held before, (\d+) after\)", timeout=60)
        after, before, _, _, held_before, held_after = (int(g) for g in back.groups())
        # Pages the heap grew into stay on its free lists by design; every
        # other page (frames, page tables, stacks, zone pages) must be back.
        cached = held_after - held_before
        check(abs(before - (after + cached)) <= 4,
              f"{before - after} pages missing after memhog, only {cached} of them cached by the heap")
        check(after >= before * 0.98, f"free pages {after} after memhog, {before} before")
        text = boot.transcript
        check("Kernel panic" not in text, "the kernel panicked")
        check(re.search(r"memhog: allocated \d+ MiB", text), "memhog never reported an allocation")


def lifecycle_figures(text):
    return re.search(r"lifecycle: (\d+) task/thread cycles, free pages before (\d+) after (\d+), "
                     r"heap bytes before (\d+) after (\d+): (ok|LEAK)", text)


def scenario_lifecycle(build):
    """10,000 task/thread create/destroy cycles (address map, touched page,
    IPC space with a port, a kernel thread that exits) leave free pages,
    heap bytes and zone objects exactly where they started."""
    with Boot(build, cmdline="test=lifecycle poweroff=ready") as boot:
        boot.expect(r"self-test: lifecycle")
        line = boot.expect(r"lifecycle: \d+ task/thread cycles, .*: (ok|LEAK).*", timeout=600)
        figures = lifecycle_figures(line.group(0))
        check(figures is not None, f"unparsable lifecycle line: {line.group(0)}")
        check(int(figures.group(1)) == 10000, f"ran {figures.group(1)} cycles, not 10000")
        check(figures.group(6) == "ok" and "LEAK" not in boot.transcript, f"leak: {line.group(0)}")
        check(figures.group(2) == figures.group(3), "free pages differ")
        check(figures.group(4) == figures.group(5), "heap bytes differ")
        boot.expect(r"self-test: lifecycle passed")
        boot.expect(r"Amphi \S+ ready in \d+ ms")
        status = boot.wait_exit(timeout=60)
        check(status == 0, f"guest status {status}, expected 0 (ACPI power-off)")
        check("Kernel panic" not in boot.transcript, "the kernel panicked")


def scenario_devices(build):
    """A Ring 3 driver gets exactly its device's resources: granted I/O
    ports, device memory, DMA memory and interrupts delivered as port signals
    work; the granted PCI device's configuration space is readable but its
    BARs and MSI-X table location are not writable; one MSI vector binds;
    without a grant PCI and MSI are refused; an ungranted port ends the
    task, not the kernel."""
    with Boot(build, cmdline="demo=devices") as boot:
        boot.expect(r"devtest: RTC seconds register reads [0-9a-f]+ via ports 0x70/0x71")
        boot.expect(r"devtest: HPET mapped at [0-9a-f]+: vendor 8086, period \d+ fs, counter advanced by [1-9]\d*")
        boot.expect(r"devtest: mapping ungranted device memory refused \(KERN_PROTECTION_FAILURE\)")
        boot.expect(r"devtest: DMA buffer [0-9a-f]+ -> physical [0-9a-f]+, 8192 bytes, zeroed yes")
        boot.expect(r"devtest: interrupt 8 delivered as a port signal \(bits 100\), 5 of 5", timeout=60)
        boot.expect(r"devtest: PCI config of the granted device reads 1af4:1042")
        boot.expect(r"devtest: PCI BAR and MSI-X table writes refused \(KERN_PROTECTION_FAILURE\)")
        boot.expect(r"devtest: MSI vector (5[0-9a-f]|6[0-9a-f]) bound: message fee0[0-9a-f]{4} <- \1")
        boot.expect(r"devtest: all device services work from Ring 3")
        check("devtest: PCI config and MSI refused without a grant" in boot.transcript,
              "PCI configuration or MSI was not refused without a grant")
        check(re.search(r"task \d+ \(devtest\): general protection fault at rip 0x[0-9a-f]+ - terminated",
                        boot.transcript) is not None, "the ungranted port access was not stopped")
        check("devtest: FAIL" not in boot.transcript and "Kernel panic" not in boot.transcript,
              "device demo failed")


def scenario_fpu(build):
    """SSE state is per thread: three tasks computing with XMM registers
    across hundreds of preemptions each get bit-identical results."""
    with Boot(build, cmdline="demo=fpu") as boot:
        for _ in range(3):
            boot.expect(r"fputest \d+: (ok, \d+ rounds identical across preemption|FAIL.*)", timeout=90)
        check("FAIL" not in boot.transcript, "vector state was corrupted across a switch")
        rounds = [int(r) for r in re.findall(r"fputest \d+: ok, (\d+) rounds", boot.transcript)]
        # Each task computes for 1.5 s of guest time over 10 ms slices, so it
        # is preempted ~150 times whatever the host's speed; the number of
        # rounds compared in that time only shrinks on a loaded host.
        check(len(rounds) == 3 and min(rounds) >= 2, f"too few rounds compared: {rounds}")


def scenario_busybox_shell(build):
    """A plain boot reaches Debian's busybox-static shell, unmodified, under
    Amphi's init: builtins, applets run by fork+execve, uname, redirection
    into tmpfs, and poweroff ending the machine with status 0."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("echo hello-from-$((6*7))\n")
        boot.expect(r"hello-from-42", timeout=30)
        boot.send("uname -r; uname -s; hostname\n")
        boot.expect(r"6\.1\.0-amphi-\S+\s+Linux\s+amphi", timeout=60)
        boot.send("echo data > /tmp/f && cat /tmp/f && ls /tmp\n")
        boot.expect(r"data\s+f", timeout=60)
        power_off_cleanly(boot)


def scenario_busybox_signals(build):
    """POSIX signals and job control under busybox's shell: ^C on the
    console ends a foreground job (status 130), a trap handler runs and
    returns through rt_sigreturn, background jobs are listed and killed,
    ^Z stops a foreground job and fg continues it, and a fatal SIGSEGV is
    reported as 139. /proc/PID/status shows the caught signals."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        # The job says when it runs: a ^C typed before the shell has handed
        # it the terminal (and turned ISIG back on) would be line input.
        boot.send("sh -c 'echo job-started; exec sleep 100'\n")
        boot.expect(r"\njob-started", timeout=30)
        boot.send("\x03")
        boot.expect(r"# ", timeout=10)
        boot.send("echo status-$?\n")
        boot.expect(r"status-130", timeout=30)
        boot.send("trap 'echo caught-usr1' USR1; kill -USR1 $$; echo after-trap\n")
        boot.expect(r"caught-usr1\s+after-trap", timeout=30)
        # /proc/PID/status shows the caught set as Linux does (signal n is
        # bit n-1): the trap above catches SIGUSR1 (10).
        boot.send("c=$(awk '/^SigCgt/{print $2}' /proc/$$/status); echo cgt-usr1-$(( (0x$c >> 9) & 1 ))\n")
        boot.expect(r"cgt-usr1-1", timeout=30)
        # The background job says when it runs, too: until the forked child
        # has reset the SIGTERM an interactive shell ignores, a SIGTERM sent
        # to it is discarded (as on Linux), and the prompt comes before that.
        boot.send("sh -c 'echo bg-started; exec sleep 100' &\n")
        boot.expect(r"bg-started\r?\n", timeout=30)
        boot.send("jobs\n")
        boot.expect(r"\[1\]\+?\s+Running\s+sh -c", timeout=30)
        boot.send("kill %1; wait %1; echo waited-$?\n")
        boot.expect(r"waited-143", timeout=30)
        # ^Z stops a foreground job, fg continues it: its read (restarted
        # after the stop) then takes the line typed next.
        boot.send("sh -c 'echo job-started; read line; echo got-$line'\n")
        boot.expect(r"\njob-started", timeout=30)
        boot.send("\x1a")
        boot.expect(r"Stopped", timeout=10)
        boot.expect(r"# ", timeout=10)
        boot.send("fg\n")
        boot.expect(r"fg\r?\nsh -c", timeout=30)
        boot.send("hello\n")
        boot.expect(r"got-hello", timeout=30)
        boot.expect(r"# ", timeout=10)
        boot.send("sh -c 'kill -SEGV $$'; echo segv-status-$?\n")
        boot.expect(r"segv-status-139", timeout=30)
        power_off_cleanly(boot)


def wait_for_job_state(boot, job, state, attempts=30):
    """Asks the shell for its jobs until `job` is in `state`: a background
    job gets stopped only once it has run far enough to touch the terminal.
    Each attempt waits for the shell's answer; there is no sleep."""
    for attempt in range(attempts):
        boot.send(f"jobs; echo jobs-{attempt}-$((0))-done\n")
        listing = boot.expect(rf"jobs-{attempt}-0-done", timeout=30)
        text = boot.transcript[:listing.start()]
        if re.search(rf"\[\d\][+-]?\s+{state}\s+{job}", text[text.rfind(f"jobs; echo jobs-{attempt}"):]):
            return
    raise ScenarioFailure(f"job '{job}' never showed '{state}'")


def scenario_busybox_job_control(build):
    """Job control at the terminal under busybox's shell: a background job
    that reads the tty is stopped by SIGTTIN and `fg` resumes its read; with
    `stty tostop` a background write is stopped by SIGTTOU; a background
    tcsetattr is stopped too; an orphaned group's read fails with EIO
    instead of stopping; TIOCSWINSZ stores the size and sends SIGWINCH to
    the foreground group only when it changes."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("cat &\n")
        wait_for_job_state(boot, "cat", r"Stopped \(tty input\)")
        run_steps(boot, [
            ("fg\n", r"fg\r?\ncat"),
            ("read-by-cat\n", r"read-by-cat\r?\nread-by-cat"),  # the echo, then cat's copy
            ("\x04", r"# "),
            ("echo cat-status-$?\n", r"cat-status-0"),
        ], timeout=30)
        # tcsetattr from the background: SIGTTOU, whatever TOSTOP says.
        boot.send("stty echo &\n")
        wait_for_job_state(boot, "stty echo", r"Stopped \(tty output\)")
        run_steps(boot, [("fg; echo stty-status-$?\n", r"stty-status-0")], timeout=30)
        # A background write goes through until TOSTOP is set.
        boot.send("stty tostop; echo written-$((6*7)) &\n")
        wait_for_job_state(boot, r"echo written-\S+", r"Stopped \(tty output\)")
        check("written-42" not in boot.transcript, "a background write went through with TOSTOP set")
        run_steps(boot, [
            ("fg\n", r"written-42"),
            ("stty -tostop; echo bg-$((1+1))-write &\n", r"bg-2-write"),
        ], timeout=30)
        # Orphaned: cat's parent exits at once, so no shell could continue
        # it; its read fails with EIO, at once or when the next line wakes
        # it (either order on the console is right).
        orphan_from = len(boot.transcript)
        boot.send("sh -c 'cat </dev/tty &'\n")
        boot.send("echo orphan-$((3*3))\n")
        boot.expect(r"orphan-9", timeout=30)
        if "cat: read error: Input/output error" not in boot.transcript[orphan_from:]:
            boot.expect(r"cat: read error: Input/output error", timeout=30)
        run_steps(boot, [
            # SIGWINCH reaches the foreground job (sh and its stty) once:
            # the second stty sets the same size.
            ("sh -c 'trap \"echo got-winch\" WINCH; stty rows 30 cols 100; stty size; "
             "stty rows 30 cols 100; echo winch-$((2+3))'\n", r"got-winch\r?\n30 100\r?\nwinch-5"),
            ("stty size\n", r"^30 100"),
        ], timeout=30)
        power_off_cleanly(boot)


def scenario_busybox_accounting(build):
    """Load averages and CPU time: with a spinner in the background the
    1-minute load average rises above 0.00 once the 5-second sampler has
    seen it, /proc/loadavg counts it as runnable; `time` on a 2-second
    spinner reports user time near 2 s and real >= user + sys (ticks
    charged by the privilege level they interrupted, summed at wait4);
    /proc/PID/stat and /proc/stat carry the split, and /proc/stat's intr
    line counts the timer's interrupts."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("/usr/bin/spin &\n")
        boot.expect(r"# ", timeout=30)
        # The guest polls its own /proc/loadavg once a second for up to a
        # minute; the scenario only waits for the answer.
        boot.send("for i in $(seq 60); do read one five fifteen running last < /proc/loadavg; "
                  "[ $one != 0.00 ] && break; sleep 1; done; echo load=$one running=$running\n")
        load = boot.expect(r"load=(\d+\.\d\d) running=(\d+)/(\d+)", timeout=120)
        check(float(load.group(1)) > 0.0, f"1-minute load stayed {load.group(1)} with a spinner running")
        check(int(load.group(2)) >= 2, f"{load.group(2)} runnable threads: the spinner and the reader expected")
        boot.send("echo spin-utime=$(cut -d' ' -f14 /proc/$!/stat)\n")
        utime = int(boot.expect(r"spin-utime=(\d+)", timeout=30).group(1))
        check(utime > 0, "the spinner's /proc/PID/stat utime stayed 0")
        boot.send("kill %1; wait\n")
        boot.expect(r"# ", timeout=30)
        boot.send("time timeout -s KILL 2 /usr/bin/spin\n")
        t = boot.expect(r"real\s+(\d+)m (\d+\.\d+)s\s+user\s+(\d+)m (\d+\.\d+)s\s+sys\s+(\d+)m (\d+\.\d+)s",
                        timeout=60)
        real = int(t.group(1)) * 60 + float(t.group(2))
        user = int(t.group(3)) * 60 + float(t.group(4))
        system = int(t.group(5)) * 60 + float(t.group(6))
        check(user >= 1.0, f"user {user} s for a 2-second spinner")
        check(system < 0.5, f"sys {system} s for a loop that makes no system calls")
        check(user + system <= real + 0.05, f"user {user} + sys {system} > real {real}")
        boot.send("head -1 /proc/stat\n")
        cpu = boot.expect(r"^cpu\s+(\d+) 0 (\d+) (\d+)", timeout=30)
        check(int(cpu.group(1)) >= 200, f"/proc/stat user {cpu.group(1)} ticks after seconds of spinning")
        # intr: the total, then one count per vector; the timer alone
        # interrupted the spinner hundreds of times. Read at once, the total
        # may lag the counts after it by an interrupt or two.
        boot.send("awk '/^intr/ { for (i = 3; i <= NF; ++i) sum += $i; "
                  "print \"intr-total=\" $2, \"sum=\" sum, \"counts=\" NF - 2 }' /proc/stat\n")
        intr = boot.expect(r"intr-total=(\d+) sum=(\d+) counts=(\d+)", timeout=30)
        total, summed = int(intr.group(1)), int(intr.group(2))
        check(total >= 200, f"/proc/stat intr {total} after seconds of timer ticks")
        check(int(intr.group(3)) == 256, f"{intr.group(3)} per-vector counts, 256 expected")
        check(total <= summed <= total + 10, f"per-vector counts sum to {summed}, the total says {total}")
        power_off_cleanly(boot)


def scenario_busybox_vi(build):
    """busybox vi on the serial console: open a new file, insert text, ESC,
    :wq, and the file holds the text. Each key waits for vi's screen update
    before the next is sent: vi takes an ESC followed closely by more bytes
    for the start of an escape sequence (a cursor key)."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        run_steps(boot, [
            ("vi /tmp/edited.txt\n", r"- /tmp/edited\.txt \d+/\d+ \d+%"),
            ("i", r"I /tmp/edited\.txt"),  # insert mode on the status line
            ("typed in vi", r"typed in vi"),
            ("\x1b", r"- /tmp/edited\.txt \[Modified\]"),  # ESC alone, back in command mode
            (":", r"\x1b\[K:"),
            ("wq\r", r"'/tmp/edited\.txt' 1L, 12C"),
        ], timeout=30)
        boot.expect(r"# ", timeout=30)
        boot.send("cat /tmp/edited.txt; echo vi-$((1+1))-done\n")
        boot.expect(r"^typed in vi\r?\nvi-2-done", timeout=30)
        power_off_cleanly(boot)


def scenario_busybox_proc(build):
    """/proc and the kernel log under busybox: /proc/version in Linux's
    banner format, /proc/meminfo's MemTotal from the page allocator, ps
    listing init and the shell from /proc/PID/stat and cmdline, free and
    uptime (sysinfo), dmesg through syslog(2) (with the legacy devices
    found through the DSDT, also in /proc/device_sources), /proc/self/status."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("cat /proc/version\n")
        boot.expect(r"^Linux version 6\.1\.0-amphi\S* \(amphi@amphi\) \(.+\) #1 ", timeout=30)
        boot.send("grep MemTotal /proc/meminfo\n")
        mem_total = int(boot.expect(r"MemTotal:\s+(\d+) kB", timeout=30).group(1))
        check(mem_total > 100000, f"MemTotal {mem_total} kB")
        boot.send("ps\n")
        boot.expect(r"PID\s+USER\s+COMMAND", timeout=30)
        boot.expect(r"^\s*1 \S+\s+/sbin/init\s*$", timeout=30)
        boot.expect(r"^\s*\d+ \S+\s+-sh\s*$", timeout=30)
        boot.send("free\n")
        free = boot.expect(r"Mem:\s+(\d+)\s+(\d+)\s+(\d+)", timeout=30)
        check(int(free.group(1)) == mem_total, f"free's total {free.group(1)} != MemTotal {mem_total}")
        check(0 < int(free.group(3)) < mem_total, f"free memory {free.group(3)} kB")
        boot.send("uptime\n")
        boot.expect(r"up\s+\d+ min,.*load average: \d+\.\d\d, \d+\.\d\d, \d+\.\d\d", timeout=30)
        boot.send("echo ==dmesg==; dmesg | tail -3; echo ==end==\n")
        tail = boot.expect(r"==dmesg==\r?\n((?:.*\r?\n){3})==end==", timeout=30).group(1)
        lines = [l for l in tail.splitlines() if re.match(r"^\[\s*\d+\.\d{6}\] \S", l)]
        check(len(lines) == 3, f"dmesg | tail -3 gave {tail!r}")
        boot.send("dmesg | grep 'ready in'\n")
        boot.expect(r"^\[\s*\d+\.\d{6}\] Amphi \S+ ready in \d+ ms", timeout=30)
        # The keyboard and COM2 were found in the DSDT, not at fixed ports.
        boot.send("dmesg | grep -e 'acpi: .*PNP0303' -e 'from ACPI'\n")
        boot.expect(r"^\[\s*\d+\.\d{6}\] acpi: \\_SB\.\S+ PNP0303 io 0x60,0x64 irq 1\r?$", timeout=30)
        boot.expect(r"io: uart16550 at io 0x2f8 irq 3 from ACPI \\_SB\.\S+", timeout=30)
        boot.expect(r"io: ps2-keyboard at io 0x60,0x64 irq 1 from ACPI \\_SB\.\S+", timeout=30)
        boot.send("cat /proc/device_sources\n")
        boot.expect(r"^uart0\s+acpi \\_SB\.\S+\.COM2\r?$", timeout=30)
        boot.expect(r"^kbd0\s+acpi \\_SB\.\S+\.KBD\r?$", timeout=30)
        boot.expect(r"^rd0\s+virtual\r?$", timeout=30)
        boot.send("cat /proc/self/status | head -3\n")
        boot.expect(r"Name:\s+cat\s+Umask:\s+0022\s+State:\s+R \(running\)", timeout=30)
        power_off_cleanly(boot)


def scenario_modules(build):
    """Loadable kernel modules through Debian's busybox insmod/lsmod/rmmod,
    unmodified: hello.ko logs through the exported printk, hello_dep.ko
    links against a symbol hello exports (so hello is busy while it is
    loaded), and bad inputs fail the way Linux fails them."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("insmod /lib/modules/hello_dep.ko; echo nodep-rc=$?\n")
        boot.expect(r"module hello_dep: unknown symbol hello_greet", timeout=60)
        boot.expect(r"unknown symbol in module", timeout=30)
        boot.expect(r"nodep-rc=[1-9]", timeout=30)
        boot.send("insmod /lib/modules/hello.ko; echo hello-rc=$?\n")
        boot.expect(r"hello: loaded", timeout=60)
        boot.expect(r"hello-rc=0", timeout=30)
        boot.send("insmod /lib/modules/hello_dep.ko; echo dep-rc=$?\n")
        boot.expect(r"hello_dep: hello #1", timeout=60)
        boot.expect(r"hello_dep: loaded", timeout=30)
        boot.expect(r"dep-rc=0", timeout=30)
        # lsmod reads /proc/modules (procfs): listed newest last, hello used
        # by hello_dep.
        boot.send("if [ -e /proc/modules ]; then lsmod; echo lsmod-rc=$?; else echo no-proc-modules; fi\n")
        listing = boot.expect(r"lsmod-rc=\d|no-proc-modules", timeout=60)
        if listing.group(0) != "no-proc-modules":
            check(listing.group(0) == "lsmod-rc=0", "lsmod failed")
            text = boot.transcript[:listing.start()]
            check(re.search(r"^hello\s+\d+\s+1\s+hello_dep", text, re.MULTILINE), "lsmod lacks hello used by hello_dep")
            check(re.search(r"^hello_dep\s+\d+\s+0", text, re.MULTILINE), "lsmod lacks hello_dep")
        boot.send("insmod /lib/modules/hello.ko; echo again-rc=$?\n")
        boot.expect(r"File exists", timeout=60)
        boot.expect(r"again-rc=[1-9]", timeout=30)
        boot.send("rmmod hello; echo busy-rc=$?\n")
        boot.expect(r"can't unload module 'hello': (Device or resource|Resource) busy", timeout=60)
        boot.expect(r"busy-rc=[1-9]", timeout=30)
        boot.send("rmmod hello_dep && rmmod hello; echo rm-rc=$?\n")
        boot.expect(r"hello_dep: unloaded", timeout=60)
        boot.expect(r"hello: unloaded", timeout=30)
        boot.expect(r"rm-rc=0", timeout=30)
        boot.send("rmmod hello; echo gone-rc=$?\n")
        boot.expect(r"can't unload module 'hello'", timeout=60)
        boot.expect(r"gone-rc=[1-9]", timeout=30)
        boot.send("insmod /nonexistent.ko; echo missing-rc=$?\n")
        boot.expect(r"insmod: can't (open|insert) '/nonexistent.ko': No such file or directory", timeout=60)
        boot.expect(r"missing-rc=[1-9]", timeout=30)
        boot.send("insmod /bin/busybox; echo noexec-rc=$?\n")
        boot.expect(r"module: not a valid module", timeout=60)
        boot.expect(r"can't insert '/bin/busybox': (invalid module format|Exec format error)", timeout=60)
        boot.expect(r"noexec-rc=[1-9]", timeout=30)
        # Loading again after unloading reuses the module area.
        boot.send("insmod /lib/modules/hello.ko && rmmod hello; echo reload-rc=$?\n")
        boot.expect(r"hello: loaded", timeout=60)
        boot.expect(r"hello: unloaded", timeout=30)
        boot.expect(r"reload-rc=0", timeout=30)
        power_off_cleanly(boot)


# The fuzz run in the scenario; `FUZZ_CALLS=N FUZZ_SEED=S tests/boot/scenarios.py
# --build-dir build syscall-fuzz` runs longer or other seeds by hand.
FUZZ_CALLS = int(os.environ.get("FUZZ_CALLS", "100000"))
FUZZ_SEED = int(os.environ.get("FUZZ_SEED", "1"))


def scenario_syscall_fuzz(build):
    """bsdlayer/user/fuzz.c issues random system calls with random, partly
    hostile arguments (bad and kernel pointers, huge values) from busybox's
    shell; every call returns (none stalls, none kills the fuzzer), the
    kernel does not panic and the machine still powers off."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send(f"/bin/fuzz {FUZZ_CALLS} {FUZZ_SEED}; echo fuzz-exit=$?\n")
        boot.expect(r"fuzz: \d+ calls, seed", timeout=60)
        end = boot.expect(r"fuzz-exit=(\d+)|Kernel panic - not syncing.*", timeout=180 + FUZZ_CALLS // 1000)
        text = boot.transcript
        check("Kernel panic" not in text, "the kernel panicked: " + end.group(0))
        problems = [l.strip() for l in text.splitlines() if "fuzz: STALL" in l or "fuzz: CRASH" in l]
        check(re.search(rf"fuzz: {FUZZ_CALLS} calls done", text), "the fuzzer did not finish")
        check(end.group(1) == "0", f"fuzz exited with {end.group(1)}:\n  " + "\n  ".join(problems))
        power_off_cleanly(boot)


def scenario_threads(build):
    """bsdlayer/user/demo/threads.c (static glibc, -pthread): four threads
    add to a counter under a mutex and are joined (clone(CLONE_THREAD),
    futexes, CLONE_CHILD_CLEARTID), with distinct gettid()s; then a
    condition-variable ping-pong between two more threads, a timed wait,
    tgkill, exit_group with a thread still blocked, and execve from a
    threaded process."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("threads; echo threads-exit=$?\n")
        end = boot.expect(r"threads-exit=(\d+)|Kernel panic - not syncing.*", timeout=240)
        text = boot.transcript
        check("Kernel panic" not in text, "the kernel panicked: " + end.group(0))
        check("threads: counter=400000" in text, "the counter line is missing or wrong")
        check("tids distinct" in text, "thread ids are not distinct")
        check("threads: ping-pong volleys=2000" in text, "the ping-pong did not finish")
        check(end.group(1) == "0", f"threads exited with {end.group(1)}")
        boot.send("threads exec; echo exec-exit=$?\n")
        end = boot.expect(r"exec-exit=(\d+)|Kernel panic - not syncing.*", timeout=120)
        check("threads: exec from a threaded process ok" in boot.transcript, "execve from a threaded process failed")
        check(end.group(1) == "0", f"threads exec exited with {end.group(1)}")
        power_off_cleanly(boot)


# What "echo kbd-$((40+2))\n" sends through QEMU's send-key and the 8042's
# translation: scancode set 1, a make code and its break code (| 0x80) per
# key; a shifted character is Shift down, key down, key up, Shift up.
def _kbd_scancodes(text):
    make = {"e": 0x12, "c": 0x2e, "h": 0x23, "o": 0x18, " ": 0x39, "k": 0x25, "b": 0x30, "d": 0x20,
            "-": 0x0c, "4": 0x05, "0": 0x0b, "2": 0x03, "\n": 0x1c}
    shifted = {"$": 0x05, "(": 0x0a, ")": 0x0b, "+": 0x0d}
    codes = []
    for char in text:
        if char in shifted:
            codes += [0x2a, shifted[char], shifted[char] | 0x80, 0xaa]
        else:
            codes += [make[char], make[char] | 0x80]
    return codes


KBD_LINE_SCANCODES = _kbd_scancodes("echo kbd-$((40+2))\n")


def scenario_keyboard(build):
    """The PS/2 keyboard is a framework driver (\\Device\\kbd0) and a console
    input: a command typed through QEMU's keyboard (QMP send-key, scancode
    set 1 via the 8042's translation) runs in the shell with the driver in
    kernel mode, after a live switch to server mode (the console's read was
    parked in the driver and is carried over), after the server crashed and
    was restarted, and back in kernel mode; poweroff typed the same way ends
    the machine. Two programs reading /dev/kbd0 meanwhile each get every
    scancode of the first typed line, and the console still gets the line
    (/dev/kbd0 shares the keys; it does not take them); poll on /dev/kbd0
    waits for a key."""
    with Boot(build, qmp=True) as boot:
        boot.expect(r"io: \\Device\\kbd0 \(ps2-keyboard\) in kernel mode", timeout=90)
        boot.expect(r"console: PS/2 keyboard attached \(US layout\)", timeout=90)
        wait_for_shell(boot)
        # Each reader's subshell opens /dev/kbd0 before it says so (od then
        # reads the same open file), so no typed key can come before it.
        for reader in (1, 2):
            boot.send(f"(exec 3</dev/kbd0; echo kbd-open-$((0+{reader})); "
                      f"od -An -tx1 -v -N{len(KBD_LINE_SCANCODES)} <&3 >/tmp/kbd{reader}) &\n")
            boot.expect(rf"kbd-open-{reader}\s", timeout=30)
        boot.send_keys("echo kbd-$((40+2))\n")
        boot.expect(r"echo kbd-\$\(\(40\+2\)\)", timeout=30)  # the shell's echo of the typed line
        boot.expect(r"kbd-42\s", timeout=30)
        boot.send("wait; for f in /tmp/kbd1 /tmp/kbd2; do echo \"$f:\"; cat $f; done; echo kbd-read-$((1+1))\n")
        got = boot.expect(r"/tmp/kbd1:\s+([0-9a-f\s]*?)/tmp/kbd2:\s+([0-9a-f\s]*?)kbd-read-2", timeout=30)
        for reader, text in ((1, got.group(1)), (2, got.group(2))):
            scancodes = [int(word, 16) for word in text.split()]
            check(scancodes == KBD_LINE_SCANCODES,
                  f"/dev/kbd0 reader {reader} got {text.split()}, expected "
                  f"{[f'{code:02x}' for code in KBD_LINE_SCANCODES]}")
        print(f"both /dev/kbd0 readers got the line's {len(KBD_LINE_SCANCODES)} scancodes")
        # poll: an idle /dev/kbd0 is not readable, so read -t (poll, then
        # read) times out instead of blocking in read(); a key makes it so.
        boot.send("(exec 3</dev/kbd0; read -t 1 -n 1 k <&3; echo kbd-poll-idle=$?)\n")
        idle = boot.expect(r"kbd-poll-idle=(\d+)", timeout=30)
        check(idle.group(1) != "0", "read -t on an idle /dev/kbd0 did not time out")
        boot.send("(exec 3</dev/kbd0; echo kbd-poll-armed; read -t 30 -n 1 k <&3; "
                  "echo kbd-poll-key=$?)\n")
        boot.expect(r"kbd-poll-armed\s", timeout=30)
        boot.send_keys("\n")  # the console gets an empty line, the reader its scancode
        key = boot.expect(r"kbd-poll-key=(\d+)", timeout=45)
        check(key.group(1) == "0", f"read -t after a key on /dev/kbd0 ended with {key.group(1)}")
        boot.send_keys("echo Shift:OK_\n")
        boot.expect(r"\nShift:OK_\s", timeout=30)
        # The commands that move the driver come on the serial line; the
        # typed checks print what their own echo cannot match.
        boot.send("drvctl mode kbd0 server\n")
        boot.expect(r"kbd0: kernel -> server in [\d.]+ ms, 0 requests failed", timeout=60)
        boot.send_keys("echo server-$((6*7))\n")
        boot.expect(r"server-42\s", timeout=30)
        boot.send("drvctl list | grep kbd0\n")
        boot.expect(r"kbd0\s+ps2-keyboard\s+server\s+running", timeout=30)
        boot.send("drvctl inject kbd0 crash\n")
        boot.expect(r"io: kbd0 \(server mode\) crashed; restarting it", timeout=60)
        boot.expect(r"io: kbd0 restarted in \d+ us, \d+ request\(s\) replayed", timeout=60)
        boot.send_keys("echo restarted-$((6*7))\n")
        boot.expect(r"restarted-42\s", timeout=30)
        boot.send("drvctl mode kbd0 kernel\n")
        boot.expect(r"kbd0: server -> kernel in [\d.]+ ms, 0 requests failed", timeout=60)
        boot.send_keys("echo kernel-$((6*7))\n")
        boot.expect(r"kernel-42\s", timeout=30)
        boot.send_keys("poweroff\n")
        status = boot.wait_exit(timeout=60)
        check(status == 0, f"poweroff left status {status}")
        check("Kernel panic" not in boot.transcript, "the kernel panicked")


def busybox_prompt(boot):
    wait_for_shell(boot)


def scenario_busybox_tools(build):
    """The demo programs (bsdlayer/user/demo, static glibc) and a tour of
    busybox applets: file I/O, fork+execve+waitpid, a fatal SIGSEGV (139),
    a background spinner that leaves the shell responsive, file utilities,
    subshells, here-documents, /dev/urandom and /dev/zero. (`touch` is left
    out: utimensat is not implemented yet; `: >` creates the file. The
    spinner is named by path: /sbin/spin is the microcore demo task.)"""
    with Boot(build) as boot:
        busybox_prompt(boot)
        boot.send("cd /tmp && fileio && cat data.txt\n")
        boot.expect(r"open\(data\.txt, O_CREAT\|O_WRONLY\) = 3\s+write = 18\s+close = 0\s+"
                    r"open\(data\.txt, O_RDONLY\) = 3\s+read = 18\s+data: hello from fileio\s+close = 0\s+"
                    r"hello from fileio", timeout=60)
        boot.send("forkexec\n")
        boot.expect(r"hello from the child\s+fork = child pid \d+; waitpid = \d+\s+"
                    r"child exited with status 0", timeout=60)
        boot.send("segv; echo status=$?\n")
        boot.expect(r"writing to 0xffff800000001000", timeout=60)
        boot.expect(r"Segmentation fault", timeout=30)
        boot.expect(r"status=139", timeout=30)
        boot.send("/usr/bin/spin & sleep 1; echo still-$((2*0))-responsive; kill %1\n")
        boot.expect(r"still-0-responsive", timeout=60)
        boot.send("wait; echo after-$((1+1))-kill\n")
        boot.expect(r"after-2-kill", timeout=60)
        # Each result is printed behind a marker the typed command line cannot
        # contain (the shell expands it), so echoes and line-editor redraws of
        # the input never match an expectation.
        steps = [
            ("mkdir -p a/b && touch a/b/c && touch a/b/c && echo ls=$(ls -l a/b | grep -c ' c$')", r"ls=1\b"),
            ("cp a/b/c d && mv d e && ln -s e f && echo link=$(readlink f)", r"link=e\b"),
            ("echo sorted=$(printf 'b\\na\\n' | sort | tr '\\n' ,)", r"sorted=a,b,"),
            ("echo sed=$(echo hello | sed s/h/j/)", r"sed=jello"),
            ("echo found=$(find a -name c)", r"found=a/b/c"),
            ("echo st=$(stat -c %s e)", r"st=0\b"),
            ("echo mounts=$(grep -c root /proc/mounts)", r"mounts=\d+"),
            ("(echo sub; exit 3); echo sub=$?", r"sub=3"),
            ("cat <<EOF\nhere-$((2+2))\nEOF", r"here-4"),
        ]
        run_steps(boot, [(command + "\n", expected) for command, expected in steps])
        boot.send("echo size=$(wc -c < /bin/busybox)\n")
        size = int(boot.expect(r"size=(\d+)", timeout=60).group(1))
        check(size == os.path.getsize("/bin/busybox"), f"wc -c /bin/busybox gave {size}")
        boot.send("head -c 16 /dev/urandom | wc -c; echo ur=$((1))\n")
        boot.expect(r"^\s*16\s*\r?\nur=1", timeout=60)
        boot.send("dd if=/dev/zero bs=1k count=4 2>/dev/null | wc -c\n")
        boot.expect(r"^\s*4096\s*$", timeout=60)
        power_off_cleanly(boot)


DIFFERENTIAL_SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "differential.sh")


def differential_host():
    """tests/boot/differential.sh under the host's busybox sh, in a scratch
    directory; returns its output lines."""
    import subprocess
    import tempfile
    busybox = "/bin/busybox" if os.path.exists("/bin/busybox") else "busybox"
    with tempfile.TemporaryDirectory() as scratch:
        run = subprocess.run([busybox, "sh", DIFFERENTIAL_SCRIPT], cwd=scratch, capture_output=True,
                             text=True, timeout=120, env={"PATH": "/usr/bin:/bin", "LC_ALL": "C"})
    return (run.stdout + run.stderr).splitlines()


def differential_amphi(build):
    """The same script, from /usr/share/amphi in the initramfs, on Amphi."""
    with Boot(build) as boot:
        busybox_prompt(boot)
        boot.send("cd /tmp && echo ==diff-$((1+1))-begin== && sh /usr/share/amphi/differential.sh 2>&1; "
                  "echo ==diff-$((2+1))-end==\n")
        boot.expect(r"==diff-2-begin==\r?\n", timeout=60)
        start = boot.position
        boot.expect(r"==diff-3-end==", timeout=180)
        output = boot.transcript[start:boot.position - len("==diff-3-end==")]
        boot.send("poweroff\n")
        status = boot.wait_exit(timeout=60)
        check(status == 0, f"poweroff left status {status}")
    return [line.rstrip("\r") for line in output.replace("\r\n", "\n").split("\n")][:-1]


def differential_diff(build):
    """Returns the unified diff between host and Amphi (empty: they agree)."""
    import difflib
    host = differential_host()
    amphi = differential_amphi(build)
    return list(difflib.unified_diff(host, amphi, "host busybox sh", "amphi", lineterm=""))


def scenario_differential(build):
    """tests/boot/differential.sh gives the same output under the host's
    busybox sh and on Amphi (scripts/diffcheck runs the same check)."""
    diff = differential_diff(build)
    check(not diff, "host and Amphi disagree:\n" + "\n".join(diff))


def scenario_drivers(build):
    """The I/O manager's devices from the busybox shell: drvctl lists them,
    data written to the RAM disk reads back the same at any offset, the end
    of the device is end of file, and bad drvctl commands get clear errors
    without disturbing the device."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("drvctl list; echo list-rc=$?\n")
        listing = boot.expect(r"list-rc=(\d+)", timeout=60)
        check(listing.group(1) == "0", "drvctl list failed")
        table = boot.transcript[:listing.start()]
        check(re.search(r"^rd0\s+ramdisk\s+kernel\s+running", table, re.MULTILINE), "rd0 not listed as running")
        check(re.search(r"^null0\s+null\s+kernel\s+running", table, re.MULTILINE), "null0 not listed as running")
        boot.send("dd if=/bin/busybox of=/dev/rd0 bs=4k count=64 2>/dev/null; "
                  "echo sums $(dd if=/dev/rd0 bs=4k count=64 2>/dev/null | md5sum) "
                  "$(head -c 262144 /bin/busybox | md5sum)\n")
        sums = boot.expect(r"sums ([0-9a-f]{32}) - ([0-9a-f]{32}) -", timeout=60)
        check(sums.group(1) == sums.group(2), "the RAM disk did not give back what was written")
        boot.send("echo head=$(dd if=/dev/rd0 bs=1 skip=1 count=3 2>/dev/null)\n")
        boot.expect(r"head=ELF", timeout=60)
        boot.send("printf xyz | dd of=/dev/rd0 bs=1 seek=1 conv=notrunc 2>/dev/null; "
                  "echo patched=$(dd if=/dev/rd0 bs=1 count=4 2>/dev/null | tail -c 3)\n")
        boot.expect(r"patched=xyz", timeout=60)
        boot.send("dd if=/dev/rd0 of=/dev/null bs=4096 skip=1024 count=1\n")
        boot.expect(r"0\+0 records in", timeout=60)
        for command, message in [
                ("drvctl mode nosuch server", r"nosuch: no such device"),
                ("drvctl mode rd0 kernel", r"rd0: already in that mode"),
                ("drvctl mode rd0 sideways", r"rd0: unknown mode 'sideways'"),
                ("drvctl inject rd0 gently", r"rd0: unknown fault 'gently'"),
                ("drvctl frobnicate", r"usage: drvctl list")]:
            boot.send(f"{command}; echo bad-rc=$?\n")
            boot.expect(message, timeout=60)
            boot.expect(r"bad-rc=[12]", timeout=30)
        boot.send("echo after $(dd if=/dev/rd0 bs=4k count=64 2>/dev/null | md5sum)\n")
        after = boot.expect(r"after ([0-9a-f]{32}) -", timeout=60)
        check(after.group(1) != sums.group(1), "the patch at offset 1 did not change the checksum")
        boot.send("drvctl list; echo list2-rc=$?\n")
        listing = boot.expect(r"list2-rc=0", timeout=60)
        table = boot.transcript[:listing.start()]
        served = re.findall(r"^rd0\s+ramdisk\s+kernel\s+running\s+(\d+)\s+0\s+0\s", table, re.MULTILINE)
        check(served and int(served[-1]) >= 128, f"rd0's counters do not show the requests served: {served}")
        check_object_manager(boot, after.group(1))
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")


def scenario_driver_errors(build):
    """What the issue calls bad input, in both modes: bad buffers, offsets
    and sizes get clear errors (drvbench --bad-input checks each answer and
    the data), a switch whose new instance never comes up rolls back to the
    old mode and says so, a driver that refuses to stop keeps running in its
    mode; no data is lost on the way."""
    def drivers_row(boot, marker, device):
        """(mode, state, served) of `device` in a fresh `drvctl list`."""
        boot.send(f"drvctl list; echo {marker}=$?\n")
        listing = boot.expect(rf"{marker}=0", timeout=60)
        rows = re.findall(rf"^{device}\s+\S+\s+(kernel|server)\s+(\S+)\s+(\d+)",
                          boot.transcript[:listing.start()], re.MULTILINE)
        check(rows, f"{device} is not listed")
        mode, state, served = rows[-1]
        return mode, state, int(served)

    def bad_input(boot, device, mode):
        boot.send(f"drvbench --bad-input {device}; echo bi-rc=$?\n")
        result = boot.expect(rf"bad-input {device} \({mode} mode\): (\d+) checks, (\d+) failed", timeout=120)
        check(int(result.group(1)) >= 15 and result.group(2) == "0", f"{device} failed bad-input checks")
        boot.expect(r"bi-rc=0", timeout=30)

    def refused(boot, command, message):
        boot.send(f"{command}; echo refused-rc=$?\n")
        boot.expect(message, timeout=60)
        boot.expect(r"refused-rc=1", timeout=30)

    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("dd if=/bin/busybox of=/dev/rd0 bs=64k count=4 2>/dev/null; "
                  "echo sum0 $(dd if=/dev/rd0 bs=64k count=4 2>/dev/null | md5sum)\n")
        before = boot.expect(r"sum0 ([0-9a-f]{32}) -", timeout=60).group(1)
        bad_input(boot, "rd0", "kernel")
        bad_input(boot, "blk0", "kernel")

        # Block ioctls and write-back: sizes as Linux tools ask them, and a
        # flush (fsync's, blockdev's, sync's) reaches the driver as a request.
        boot.send("echo sizes $(blockdev --getsize64 /dev/blk0) $(blockdev --getss /dev/rd0) "
                  "$(blockdev --getsz /dev/rd0); blockdev --getsize64 /dev/null0; echo notty-rc=$?\n")
        boot.expect(r"sizes 16777216 512 8192", timeout=60)
        boot.expect(r"notty-rc=1", timeout=30)

        before_flush = drivers_row(boot, "flush0", "blk0")[2]
        boot.send("blockdev --flushbufs /dev/blk0 && sync; echo flush-rc=$?\n")
        boot.expect(r"flush-rc=0", timeout=60)
        check(drivers_row(boot, "flush1", "blk0")[2] == before_flush + 2,
              "blockdev --flushbufs and sync did not each flush blk0 once")

        for mode, other in (("kernel", "server"), ("server", "kernel")):
            if mode == "server":
                boot.send("drvctl mode rd0 server; echo switch-rc=$?\n")
                boot.expect(r"rd0: kernel -> server in [\d.]+ ms, 0 requests failed", timeout=60)
                boot.expect(r"switch-rc=0", timeout=30)
                bad_input(boot, "rd0", "server")
            refused(boot, f"drvctl inject rd0 fail-start && drvctl mode rd0 {other}",
                    r"rd0: the new instance did not come up; rolled back to the old mode")
            check(drivers_row(boot, f"{mode}-rollback", "rd0")[:2] == (mode, "running"),
                  f"rd0 did not roll back to {mode} mode")
            refused(boot, f"drvctl inject rd0 refuse-stop && drvctl mode rd0 {other}",
                    r"rd0: the driver refused to stop; it keeps running in its mode")
            check(drivers_row(boot, f"{mode}-refused", "rd0")[:2] == (mode, "running"), f"rd0 left {mode} mode")

        boot.send("echo sum1 $(dd if=/dev/rd0 bs=64k count=4 2>/dev/null | md5sum)\n")
        after = boot.expect(r"sum1 ([0-9a-f]{32}) -", timeout=60).group(1)
        check(after == before, "rd0's data changed across the refused and rolled-back switches")
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")


def check_object_manager(boot, rd0_sum):
    """The object manager's namespace, live: /proc/objects lists the real
    devices, drivers, links and types, and drvctl takes object paths (a
    \\Device\\ name, a \\??\\ link in another case) for a switch whose
    data path, /dev/rd0, keeps working; a path to a non-device is refused."""
    start = boot.position
    boot.send("cat /proc/objects; echo objects-rc=$?\n")
    done = boot.expect(r"objects-rc=(\d+)", timeout=60)
    check(done.group(1) == "0", "cat /proc/objects failed")
    objects = boot.transcript[start:done.start()]
    for line in [r"\\\s+Directory\s+\d+", r"\\Device\\rd0\s+Device\s+\d+",
                 r"\\Device\\null0\s+Device\s+\d+", r"\\Driver\\ramdisk\s+Driver\s+\d+",
                 r"\\\?\?\\rd0\s+SymbolicLink\s+\d+\s+-> \\Device\\rd0",
                 r"\\ObjectTypes\\Device\s+Type\s+\d+"]:
        check(re.search("^" + line + r"\s*$", objects, re.MULTILINE), f"/proc/objects lacks /{line}/")
    boot.send("drvctl mode '\\Device\\rd0' server && "
              "echo server-sum $(dd if=/dev/rd0 bs=4k count=64 2>/dev/null | md5sum) && "
              "drvctl mode '\\??\\RD0' kernel; echo switch-rc=$?\n")
    boot.expect(r"rd0: kernel -> server in \d+\.\d ms, 0 requests failed", timeout=60)
    moved = boot.expect(r"server-sum ([0-9a-f]{32}) -", timeout=60)
    check(moved.group(1) == rd0_sum, "rd0 in server mode did not give back its contents")
    boot.expect(r"rd0: server -> kernel in \d+\.\d ms, 0 requests failed", timeout=60)
    boot.expect(r"switch-rc=0", timeout=30)
    boot.send("drvctl mode '\\Driver\\ramdisk' server; echo bad-rc=$?\n")
    boot.expect(r"\\Driver\\ramdisk: not a device", timeout=60)
    boot.expect(r"bad-rc=1", timeout=30)


def scenario_uart(build):
    """The 16550 driver on COM2 (QEMU writes it to a file): bytes written to
    /dev/uart0 arrive on the wire, through its I/O ports, in kernel mode."""
    with Boot(build) as boot:
        wait_for_shell(boot)
        boot.send("drvctl list | grep uart0; echo hello-uart-$((6*7)) > /dev/uart0; echo uart-rc=$?\n")
        boot.expect(r"^uart0\s+uart16550\s+kernel\s+running", timeout=60)
        boot.expect(r"uart-rc=0", timeout=60)
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")
        with open(boot.image.uart_output, "rb") as wire:
            sent = wire.read()
        check(b"hello-uart-42\n" in sent, f"COM2 carried {sent!r}")


def scenario_driver_kernel_fault(build):
    """The other side of the trade-off: a driver fault in kernel mode takes
    the whole kernel down, as on any monolithic kernel."""
    with Boot(build, cmdline="panic=poweroff") as boot:
        wait_for_shell(boot)
        boot.send("drvctl inject rd0 crash\n")
        boot.expect(r"injected fault in a kernel-mode driver", timeout=60)
        boot.expect(r"Kernel panic - not syncing: .*page fault", timeout=60)
        check(boot.wait_exit(timeout=60) == 70, "the panic did not power off with status 70")


def scenario_virtio_blk(build):
    """The virtio disk through the kernel-mode virtio-blk driver: it comes up
    on MSI-X, the whole 16 MiB read from the busybox shell checksums like
    the image the host wrote, a sector read alone names itself, and data
    written to it reads back (the boot has its own copy of the image)."""
    image = os.path.join(build, "disk.img")
    with open(image, "rb") as f:
        expected = hashlib.md5(f.read()).hexdigest()
    with Boot(build) as boot:
        boot.expect(r"blk0: virtio-blk: 32768 sectors \(16 MiB\), \d+ descriptors, MSI-X", timeout=60)
        boot.expect(r"io: \\Device\\blk0 \(virtio-blk\) in kernel mode, 16384 KiB", timeout=60)
        wait_for_shell(boot)
        boot.send("drvctl list; echo list-rc=$?\n")
        listing = boot.expect(r"list-rc=0", timeout=60)
        check(re.search(r"^blk0\s+virtio-blk\s+kernel\s+running", boot.transcript[:listing.start()], re.MULTILINE),
              "blk0 not listed as running")
        boot.send("echo whole $(dd if=/dev/blk0 bs=64k 2>/dev/null | md5sum)\n")
        whole = boot.expect(r"whole ([0-9a-f]{32}) -", timeout=180)
        check(whole.group(1) == expected, f"the disk read {whole.group(1)}, the image is {expected}")
        boot.send("echo one=$(dd if=/dev/blk0 bs=512 skip=12345 count=1 2>/dev/null | head -c 15)\n")
        boot.expect(r"one=sector 00003039", timeout=60)
        boot.send("head -c 8192 /bin/busybox | dd of=/dev/blk0 bs=4k seek=100 conv=notrunc 2>/dev/null; "
                  "echo wrote $(dd if=/dev/blk0 bs=4k skip=100 count=2 2>/dev/null | md5sum) "
                  "$(head -c 8192 /bin/busybox | md5sum)\n")
        wrote = boot.expect(r"wrote ([0-9a-f]{32}) - ([0-9a-f]{32}) -", timeout=60)
        check(wrote.group(1) == wrote.group(2), "what was written to blk0 did not read back")
        boot.send("dd if=/dev/blk0 of=/dev/null bs=512 skip=32768 count=1\n")
        boot.expect(r"0\+0 records in", timeout=60)
        check("Kernel panic" not in boot.transcript, "the kernel panicked")
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")


def scenario_virtio_blk_server(build):
    """virtio-blk as a Ring 3 server (driver.blk0=server): its registers
    mapped into the task, MSI-X interrupts as port signals, DMA straight into the
    shared transfer area. The whole disk checksums like the image; a crash
    and a lying reply under a running reader are recovered with no failed
    read; a live switch to kernel mode keeps serving the same data."""
    image = os.path.join(build, "disk.img")
    with open(image, "rb") as f:
        expected = hashlib.md5(f.read()).hexdigest()
    with Boot(build, cmdline="driver.blk0=server") as boot:
        boot.expect(r"drvserver blk0: virtio-blk: 32768 sectors \(16 MiB\), \d+ descriptors, MSI-X", timeout=60)
        boot.expect(r"io: \\Device\\blk0 \(virtio-blk\) in server mode, 16384 KiB", timeout=60)
        wait_for_shell(boot)
        boot.send("echo whole $(dd if=/dev/blk0 bs=64k 2>/dev/null | md5sum)\n")
        whole = boot.expect(r"whole ([0-9a-f]{32}) -", timeout=180)
        check(whole.group(1) == expected, f"the disk read {whole.group(1)} in server mode, the image is {expected}")
        boot.send("(for i in 1 2 3 4 5 6; do dd if=/dev/blk0 bs=64k count=64 2>/dev/null | md5sum; done "
                  "> /tmp/sums; echo reader-done) &\n")
        for fault in ("crash", "bad-reply"):
            # drvctl's answer and the supervisor's restart report race each
            # other: each is looked for from the command on.
            start = boot.position
            boot.send(f"drvctl inject blk0 {fault}; echo inject-{fault}-rc=$?\n")
            end = start
            for pattern in (f"inject-{fault}-rc=0", r"io: blk0 restarted in \d+ us"):
                boot.position = start
                boot.expect(pattern, timeout=60)
                end = max(end, boot.position)
            boot.position = end
        boot.expect(r"reader-done", timeout=180)
        boot.send("echo distinct=$(sort -u /tmp/sums | wc -l) lines=$(wc -l < /tmp/sums)\n")
        boot.expect(r"distinct=1 lines=6", timeout=60)
        boot.send("drvctl mode blk0 kernel\n")
        boot.expect(r"blk0: server -> kernel in \d+\.\d ms, 0 requests failed", timeout=60)
        boot.send("echo again $(dd if=/dev/blk0 bs=64k 2>/dev/null | md5sum)\n")
        again = boot.expect(r"again ([0-9a-f]{32}) -", timeout=180)
        check(again.group(1) == expected, "kernel mode read different data after the switch")
        boot.send("drvctl list; echo list-rc=$?\n")
        listing = boot.expect(r"list-rc=0", timeout=60)
        rows = re.findall(r"^blk0\s+virtio-blk\s+kernel\s+running\s+\d+\s+0\s+(\d+)\s+(\d+)",
                          boot.transcript[:listing.start()], re.MULTILINE)
        check(rows and rows[-1][0] == "0" and int(rows[-1][1]) >= 2, f"blk0's errors/restarts: {rows}")
        power_off_cleanly(boot)


def rd0_row(boot, tag):
    """drvctl list's rd0 row as a dict of its counters."""
    boot.send(f"drvctl list; echo {tag}-rc=$?\n")
    listing = boot.expect(tag + r"-rc=0", timeout=60)
    rows = re.findall(r"^rd0\s+ramdisk\s+(\w+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s",
                      boot.transcript[:listing.start()], re.MULTILINE)
    check(rows, "rd0 is not in drvctl's table")
    mode, state, served, pending, errors, restarts, replayed = rows[-1]
    return {"mode": mode, "state": state, "served": int(served), "errors": int(errors),
            "restarts": int(restarts), "replayed": int(replayed)}


def starved_server_is_not_hung(boot):
    """64 busy loops at the server's priority: each request waits a 10 ms
    slice behind every one of them, well past the watchdog's 500 ms. The
    watchdog counts only the time the server ran or slept, so it restarts
    nothing, and the reads come back right."""
    boot.send("echo want $(head -c 16384 /bin/busybox | md5sum)\n")
    want = boot.expect(r"want ([0-9a-f]{32}) -", timeout=60).group(1)
    before = rd0_row(boot, "unloaded")
    boot.send("for i in $(seq 64); do (while :; do :; done) & done; echo spinning-'started'\n")
    boot.expect("spinning-started", timeout=120)
    boot.send("echo got $(dd if=/dev/rd0 bs=4k count=4 2>/dev/null | md5sum); echo starved-'done'\n")
    got = boot.expect(r"got ([0-9a-f]{32}) -", timeout=300).group(1)
    boot.expect("starved-done", timeout=120)
    boot.send("kill $(jobs -p); wait; echo spinners-'gone'\n")
    boot.expect("spinners-gone", timeout=300)
    check(got == want, f"reads behind busy threads gave {got}, expected {want}")
    after = rd0_row(boot, "loaded")
    check(after["restarts"] == before["restarts"],
          f"the starved server was restarted ({before['restarts']} -> {after['restarts']} restarts)")


def scenario_driver_server(build):
    """The RAM disk's driver as a Ring 3 server (driver.rd0=server): data
    written through /dev/rd0 reads back; a crash, a hang, a wild write and a
    lying reply injected while a reader loops are each noticed, the server
    is restarted with the requests in flight replayed, and the reader never
    sees a failed request or different data; live switches to kernel mode
    and back keep the data too."""
    with Boot(build, cmdline="driver.rd0=server") as boot:
        boot.expect(r"io: rd0: ramdisk driver serving from task \d+ \(drvserver\)", timeout=90)
        wait_for_shell(boot)
        row = rd0_row(boot, "first")
        check(row["mode"] == "server" and row["state"] == "running", f"rd0 is not served in server mode: {row}")
        boot.send("dd if=/bin/busybox of=/dev/rd0 bs=4k count=256 2>/dev/null; "
                  "echo sums $(dd if=/dev/rd0 bs=4k count=256 2>/dev/null | md5sum) "
                  "$(head -c 1048576 /bin/busybox | md5sum)\n")
        sums = boot.expect(r"sums ([0-9a-f]{32}) - ([0-9a-f]{32}) -", timeout=90)
        check(sums.group(1) == sums.group(2), "the server-mode RAM disk did not give back what was written")
        expected = sums.group(1)
        restarts = 0
        for fault, reason in [("crash", "crashed"), ("hang", "hung"), ("wild-write", "crashed"),
                              ("bad-reply", "bad reply")]:
            # A reader keeps requests in flight across the fault.
            boot.send(f"(for i in 1 2 3 4 5 6; do dd if=/dev/rd0 bs=4k count=256 2>/dev/null | md5sum "
                      f"|| echo read-failed; done > /tmp/{fault}.sums; echo reader-{fault}-'done') & "
                      f"drvctl inject rd0 {fault}; echo injected-{fault}=$?\n")
            # The shell, the kernel log and the reader interleave freely:
            # each line is looked for from the command on (the quotes keep
            # the command's own echo from matching).
            start = boot.position
            for pattern in (f"injected-{fault}=0", r"io: rd0 \(server mode\) " + reason + r"; restarting it",
                            r"io: rd0 restarted in \d+ us, \d+ request\(s\) replayed", f"reader-{fault}-done"):
                boot.position = start
                boot.expect(pattern, timeout=120)
            boot.send(f"echo {fault}-lines $(sort -u /tmp/{fault}.sums | tr -d ' -')\n")
            lines = boot.expect(fault + r"-lines ([0-9a-f\s]*?)\r?\n", timeout=60).group(1).split()
            check(lines == [expected], f"after {fault} the reader saw {lines}, expected only {expected}")
            restarts += 1
        row = rd0_row(boot, "faults")
        # At least: a loaded host can stall the guest past the watchdog's limit.
        check(row["restarts"] >= restarts, f"rd0 shows {row['restarts']} restarts, expected {restarts}")
        check(row["mode"] == "server" and row["state"] == "running", f"rd0 did not come back: {row}")
        # Live switches both ways under the same reader: stop/kStopped hands
        # the device over, the data stays.
        for mode in ("kernel", "server"):
            boot.send(f"(for i in 1 2 3 4; do dd if=/dev/rd0 bs=4k count=256 2>/dev/null | md5sum "
                      f"|| echo read-failed; done > /tmp/{mode}.sums; echo reader-{mode}-'done') & "
                      f"drvctl mode rd0 {mode}; echo switched-{mode}=$?\n")
            start = boot.position
            for pattern in (f"switched-{mode}=0", f"reader-{mode}-done"):
                boot.position = start
                boot.expect(pattern, timeout=120)
            boot.send(f"echo {mode}-lines $(sort -u /tmp/{mode}.sums | tr -d ' -')\n")
            lines = boot.expect(mode + r"-lines ([0-9a-f\s]*?)\r?\n", timeout=60).group(1).split()
            check(lines == [expected], f"across the switch to {mode} the reader saw {lines}")
        starved_server_is_not_hung(boot)
        row = rd0_row(boot, "last")
        check(row["errors"] == 0, f"rd0 completed {row['errors']} requests with an error")
        check(row["mode"] == "server" and row["state"] == "running", f"rd0 is not back in server mode: {row}")
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")
        check("Kernel panic" not in boot.transcript, "the kernel panicked")


def scenario_driver_campaign(build):
    """The other side's promise: with rd0 in server mode, 200 injected faults
    (crash, hang, wild-write, bad-reply) under load cost no failed request,
    no corrupted block and no kernel crash (drivers/bench/campaign.c checks
    every block it reads). loglevel=4 keeps the per-fault log off the slow
    serial console."""
    with Boot(build, cmdline="driver.rd0=server panic=poweroff loglevel=4") as boot:
        wait_for_shell(boot)
        boot.send("drvbench --campaign 200 rd0; echo campaign-rc=$?\n")
        boot.expect(r"drvbench: campaign device=rd0 mode=server faults=200", timeout=60)
        # A quarter of the faults are hangs, which the watchdog finds within
        # about a second each: allow three minutes for the whole campaign.
        end = boot.expect(r"campaign-rc=(\d+)|Kernel panic - not syncing.*", timeout=180)
        check("Kernel panic" not in boot.transcript, "the kernel crashed: " + end.group(0))
        summary = re.search(r"drvbench: device=rd0 mode=server campaign faults=200 injected=(\d+) requests=(\d+) "
                            r"failed=(\d+) corrupted=(\d+) restarts=(\d+)", boot.transcript)
        check(summary, "no campaign summary")
        injected, requests, failed, corrupted, restarts = map(int, summary.groups())
        check(injected == 200, f"only {injected} of 200 faults injected")
        check(failed == 0 and corrupted == 0, f"{failed} requests failed, {corrupted} blocks corrupted")
        check(restarts >= 200, f"{restarts} restarts for 200 faults")
        check(requests > 1024, f"only {requests} requests: the load did not run")
        check(end.group(1) == "0", f"drvbench exited {end.group(1)}")
        boot.send("poweroff\n")
        check(boot.wait_exit(timeout=60) == 0, "poweroff did not exit 0")


SCENARIOS = {name[len("scenario_"):].replace("_", "-"): fn
             for name, fn in globals().items() if name.startswith("scenario_")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--build-dir", default="build")
    parser.add_argument("name", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    try:
        SCENARIOS[args.name](args.build_dir)
    except ScenarioFailure as failure:
        print(f"\nSCENARIO FAILED: {args.name}: {failure}", file=sys.stderr)
        return 1
    print(f"\nscenario {args.name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

