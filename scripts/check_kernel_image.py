#!/usr/bin/env python3
"""Post-link invariants of the kernel image (see hal/x86_64/kernel.ld).

1. Embedding the symbol table moved no symbol: every symbol of the first link
   has the same address in the final image.
2. No code outside .text.fpu uses SSE/AVX registers: the kernel is built
   without them so interrupted user state needs no saving on kernel entry.
3. No loadable segment is both writable and executable (W^X).
"""
import re
import subprocess
import sys


def run(*args):
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def symbols(elf):
    table = {}
    for line in run("nm", "--defined-only", elf).splitlines():
        parts = line.split()
        if len(parts) == 3 and not parts[2].startswith("__ksyms") and parts[2] != "__kernel_end":
            table[parts[2]] = parts[0]
    return table


def main():
    stage1, final = sys.argv[1], sys.argv[2]
    errors = []
    before, after = symbols(stage1), symbols(final)
    moved = [n for n, a in before.items() if after.get(n) != a]
    if moved:
        errors.append(f"symbol table embedding moved {len(moved)} symbols, e.g. {moved[:3]}")

    vector = re.compile(r"%[xyz]mm\d+")
    current = None
    offenders = set()
    for line in run("objdump", "-d", "--no-show-raw-insn", "-j", ".text", final).splitlines():
        header = re.match(r"^[0-9a-f]+ <(.+)>:$", line)
        if header:
            current = header.group(1)
        elif vector.search(line):
            offenders.add(current)
    if offenders:
        errors.append("vector registers used outside .text.fpu in: " + ", ".join(sorted(offenders)[:10]))

    for line in run("readelf", "-lW", final).splitlines():
        fields = line.split()
        flags = "".join(fields[6:-1])  # "R E" or "RW" between MemSiz and Align
        if fields and fields[0] == "LOAD" and "W" in flags and "E" in flags:
            errors.append("a LOAD segment is writable and executable: " + line.strip())

    for e in errors:
        print("check_kernel_image: error: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
