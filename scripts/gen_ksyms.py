#!/usr/bin/env python3
"""Builds the kernel's embedded symbol table from a linked kernel image.

Output layout (little endian), read by executive/panic/symbol_table.cpp:
  u32 magic 'KSYM'   u32 version (1)   u32 count   u32 strings_offset
  count x { u64 address; u32 size; u32 name_offset }   sorted by address
  NUL-terminated names (demangled, without parameter lists)
"""
import struct
import subprocess
import sys

MAGIC = 0x4D59534B  # 'KSYM'


ANONYMOUS = "(anonymous namespace)"


def strip_parameters(name: str) -> str:
    # Cut the parameter list: the first '(' outside template brackets that
    # does not open "(anonymous namespace)".
    name = name.replace(ANONYMOUS, "\x01")
    depth = 0
    for i, ch in enumerate(name):
        if ch == '<':
            depth += 1
        elif ch == '>':
            depth = max(0, depth - 1)
        elif ch == '(' and depth == 0 and i > 0:
            name = name[:i]
            break
    return name.replace("\x01", ANONYMOUS)


def main() -> int:
    elf, out = sys.argv[1], sys.argv[2]
    listing = subprocess.run(
        ["nm", "--defined-only", "--print-size", "-C", "-n", elf],
        check=True, capture_output=True, text=True).stdout
    symbols = {}
    for line in listing.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4:
            address, size, kind, name = parts
        elif len(parts) == 3:
            address, kind, name = parts
            size = "0"
        else:
            continue
        if kind not in "tTwW":
            continue
        addr = int(address, 16)
        # Aliases at one address: keep the first (nm -n order is stable).
        symbols.setdefault(addr, (int(size, 16), strip_parameters(name)[:120]))
    entries = sorted(symbols.items())
    strings = bytearray()
    table = bytearray()
    for addr, (size, name) in entries:
        table += struct.pack("<QII", addr, size, len(strings))
        strings += name.encode() + b"\0"
    header_size = 16
    blob = struct.pack("<IIII", MAGIC, 1, len(entries), header_size + len(table))
    with open(out, "wb") as f:
        f.write(blob + table + strings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
