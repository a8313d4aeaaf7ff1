#!/usr/bin/env python3
"""Writes a cpio "newc" archive (the initrd) reproducibly.

    mkcpio.py -o initrd.cpio --entry sbin/ping build/user/ping 0755 \\
                             --entry etc some/host/dir 0755

Each --entry is ARCHIVE_PATH HOST_PATH MODE (octal permission bits):
  - a host file becomes a regular file with that mode;
  - a host directory becomes a directory with that mode, and everything
    under it is added beneath ARCHIVE_PATH in sorted order (files keep 0755
    if owner-executable on the host, else 0644; directories 0755; symlinks
    are stored as symlinks);
  - HOST_PATH "-" makes an empty directory.
Missing parent directories ("sbin" for "sbin/ping") are added first, 0755.

Determinism: entries appear in the order given, inode numbers count up from
1, and mtime, uid, gid and device numbers are 0, so the same inputs always
give the same bytes. Names are stored without a leading "/".
"""
import argparse
import os
import stat
import sys

S_IFDIR = 0o040000
S_IFREG = 0o100000
S_IFLNK = 0o120000


class Writer:
    def __init__(self):
        self.out = bytearray()
        self.ino = 0
        self.seen = set()

    def _entry(self, name, mode, data=b"", nlink=1):
        self.ino += 1
        encoded = name.encode() + b"\0"
        fields = [self.ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(encoded), 0]
        self.out += b"070701" + b"".join(b"%08x" % f for f in fields) + encoded
        self._pad()
        self.out += data
        self._pad()

    def _pad(self):
        self.out += b"\0" * (-len(self.out) % 4)

    def _parents(self, name):
        parts = name.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            self.directory("/".join(parts[:i]), 0o755)

    def directory(self, name, mode):
        if name in self.seen:
            return
        self._parents(name)
        self.seen.add(name)
        self._entry(name, S_IFDIR | mode, nlink=2)

    def file(self, name, host, mode):
        if name in self.seen:
            raise SystemExit(f"mkcpio: {name} given twice")
        self._parents(name)
        self.seen.add(name)
        with open(host, "rb") as f:
            self._entry(name, S_IFREG | mode, f.read())

    def symlink(self, name, target):
        self._parents(name)
        self.seen.add(name)
        self._entry(name, S_IFLNK | 0o777, target.encode())

    def tree(self, name, host, mode):
        self.directory(name, mode)
        for entry in sorted(os.listdir(host)):
            path = os.path.join(host, entry)
            child = f"{name}/{entry}"
            st = os.lstat(path)
            if stat.S_ISLNK(st.st_mode):
                self.symlink(child, os.readlink(path))
            elif stat.S_ISDIR(st.st_mode):
                self.tree(child, path, 0o755)
            elif stat.S_ISREG(st.st_mode):
                self.file(child, path, 0o755 if st.st_mode & stat.S_IXUSR else 0o644)
            else:
                raise SystemExit(f"mkcpio: {path}: not a file, directory or symlink")

    def finish(self):
        encoded = b"TRAILER!!!\0"
        fields = [0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, len(encoded), 0]
        self.out += b"070701" + b"".join(b"%08x" % f for f in fields) + encoded
        self._pad()
        return bytes(self.out)


def main():
    parser = argparse.ArgumentParser(description="Write a reproducible cpio newc archive.")
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--entry", nargs=3, action="append", default=[],
                        metavar=("ARCHIVE_PATH", "HOST_PATH", "MODE"))
    parser.add_argument("--link", nargs=2, action="append", default=[],
                        metavar=("ARCHIVE_PATH", "TARGET"), help="a symbolic link entry")
    args = parser.parse_args()

    writer = Writer()
    for archive_path, host, mode_text in args.entry:
        name = os.path.normpath(archive_path).lstrip("/")
        if name in ("", ".") or name.startswith(".."):
            raise SystemExit(f"mkcpio: bad archive path {archive_path!r}")
        try:
            mode = int(mode_text, 8)
        except ValueError:
            raise SystemExit(f"mkcpio: bad mode {mode_text!r} (octal expected)")
        if mode & ~0o7777:
            raise SystemExit(f"mkcpio: mode {mode_text} has bits beyond 07777")
        if host == "-":
            writer.directory(name, mode)
        elif os.path.isdir(host):
            writer.tree(name, host, mode)
        elif os.path.isfile(host):
            writer.file(name, host, mode)
        else:
            raise SystemExit(f"mkcpio: {host}: no such file or directory")

    for archive_path, target in args.link:
        name = os.path.normpath(archive_path).lstrip("/")
        if name in ("", ".") or name.startswith("..") or name in writer.seen:
            raise SystemExit(f"mkcpio: bad or duplicate link path {archive_path!r}")
        writer.symlink(name, target)

    data = writer.finish()
    temporary = args.output + ".tmp"
    with open(temporary, "wb") as f:
        f.write(data)
    os.replace(temporary, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
