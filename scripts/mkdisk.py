#!/usr/bin/env python3
"""Writes the virtio-blk test disk (build/disk.img, target amphi_disk).

Every 512-byte sector is recognisable on its own, so a test can read any
piece of the device and know what it must contain:
  bytes 0..15   "sector %08x\\n" with the sector number (readable in hexdump)
  bytes 16..511 (sector * 7 + offset) & 0xff
The image is a pure function of its size: the host side of a boot test
computes the same checksum with sector_bytes() or by hashing the file.
"""
import argparse
import os

SECTOR = 512


def sector_bytes(sector):
    head = b"sector %08x\n" % sector
    assert len(head) == 16
    return head + bytes((sector * 7 + offset) & 0xFF for offset in range(16, SECTOR))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output")
    parser.add_argument("--mib", type=int, default=16)
    args = parser.parse_args()
    sectors = args.mib * 1024 * 1024 // SECTOR
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as f:
        # The tail pattern repeats every 256 sectors: build those once.
        tails = [sector_bytes(s)[16:] for s in range(256)]
        for s in range(sectors):
            f.write(b"sector %08x\n" % s + tails[s % 256])
    os.replace(temporary, args.output)


if __name__ == "__main__":
    main()
