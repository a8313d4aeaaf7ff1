"""Booting Amphi under QEMU: one place that knows how, for scripts/run and
for the boot scenario tests (tests/boot/).

An ESP image is made fresh for every boot from the build's esp/ directory,
with \\amphi\\boot.cfg carrying that boot's kernel command line, so runs never
share mutable state. OVMF's variable store is copied per boot for the same
reason.

Every boot also gets its own copy of the build's virtio-blk test disk
(build/disk.img, scripts/mkdisk.py) as a modern-only virtio-blk-pci device,
so a guest that writes to it changes nothing for the next boot.
"""
import os
import shutil
import subprocess
import tempfile

OVMF_CODE_CANDIDATES = ["/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_CODE.fd"]
OVMF_VARS_CANDIDATES = ["/usr/share/OVMF/OVMF_VARS_4M.fd", "/usr/share/OVMF/OVMF_VARS.fd"]
ESP_SIZE_KIB = 64 * 1024


def find_first(paths, what):
    for path in paths:
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"{what} not found (tried {', '.join(paths)}); install Debian's 'ovmf'")


def guest_status(qemu_exit_code):
    """Maps QEMU's exit code to the status the guest powered off with.

    ACPI soft-off leaves QEMU with 0; the kernel's non-zero statuses leave
    through isa-debug-exit, which QEMU reports as 2 * status + 1. Anything
    else (1 = QEMU's own failure, negative = killed) is passed through.
    """
    if qemu_exit_code >= 3 and qemu_exit_code % 2 == 1:
        return (qemu_exit_code - 1) // 2
    return qemu_exit_code


def disk_image(build_dir):
    """The build's virtio-blk test disk (target amphi_disk), or None."""
    path = os.path.join(build_dir, "disk.img")
    return path if os.path.exists(path) else None


def default_ramdisk(build_dir):
    """The build's initrd.cpio (target amphi_initrd) if it exists, else None."""
    path = os.path.join(build_dir, "initrd.cpio")
    return path if os.path.exists(path) else None


class BootImage:
    """A temporary copy of the ESP as a FAT image, plus OVMF variables."""

    def __init__(self, build_dir, cmdline="", ramdisk=None, mutate=None):
        self.workdir = tempfile.mkdtemp(prefix="amphi-boot-")
        esp_src = os.path.join(build_dir, "esp")
        if not os.path.exists(os.path.join(esp_src, "amphi", "kernel.elf")):
            raise FileNotFoundError(f"{esp_src}/amphi/kernel.elf missing: build first (cmake --build)")
        self.esp_dir = os.path.join(self.workdir, "esp")
        shutil.copytree(esp_src, self.esp_dir)
        config = ["# written by scripts/lib/amphi_qemu.py for this boot",
                  "kernel=\\amphi\\kernel.elf"]
        if ramdisk:
            config.append("ramdisk=\\amphi\\initrd.cpio")
            if os.path.exists(ramdisk):
                shutil.copy(ramdisk, os.path.join(self.esp_dir, "amphi", "initrd.cpio"))
        config.append("cmdline=" + cmdline)
        with open(os.path.join(self.esp_dir, "amphi", "boot.cfg"), "w") as f:
            f.write("\n".join(config) + "\n")
        if mutate:
            mutate(self.esp_dir)
        self.image = os.path.join(self.workdir, "esp.img")
        self._make_fat_image()
        self.vars = os.path.join(self.workdir, "OVMF_VARS.fd")
        shutil.copy(find_first(OVMF_VARS_CANDIDATES, "OVMF variable store"), self.vars)
        self.code = find_first(OVMF_CODE_CANDIDATES, "OVMF firmware")
        self.disk = None
        source = disk_image(build_dir)
        if source:
            self.disk = os.path.join(self.workdir, "disk.img")
            shutil.copy(source, self.disk)

    def _make_fat_image(self):
        env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
        mkfs = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
        subprocess.run([mkfs, "-C", "-n", "AMPHI-ESP", self.image, str(ESP_SIZE_KIB)],
                       check=True, stdout=subprocess.DEVNULL, env=env)
        for root, dirs, files in os.walk(self.esp_dir):
            rel = os.path.relpath(root, self.esp_dir)
            for d in dirs:
                target = "::/" + os.path.join(rel, d).lstrip("./")
                subprocess.run(["mmd", "-i", self.image, target], check=True, env=env)
            for name in files:
                target = "::/" + os.path.join(rel, name).lstrip("./")
                subprocess.run(["mcopy", "-i", self.image, os.path.join(root, name), target],
                               check=True, env=env)

    @property
    def uart_output(self):
        return os.path.join(self.workdir, "uart0.out")

    def qemu_command(self, graphic=False, gdb=False, no_reboot=False, memory="512M", extra=()):
        cmd = ["qemu-system-x86_64",
               "-machine", "q35", "-cpu", "max", "-accel", "tcg", "-m", memory, "-smp", "1",
               "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={self.code}",
               "-drive", f"if=pflash,format=raw,unit=1,file={self.vars}",
               "-drive", f"format=raw,file={self.image}",
               "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
               "-nic", "none"]
        if self.disk:
            cmd += ["-drive", f"file={self.disk},if=none,id=blk0,format=raw",
                    "-device", "virtio-blk-pci,drive=blk0,disable-legacy=on"]
        if graphic:
            cmd += ["-serial", "stdio", "-monitor", "none"]
        else:
            cmd += ["-nographic", "-serial", "stdio", "-monitor", "none"]
        # COM2, the uart0 driver's device: what Amphi writes there lands in
        # uart0.out in the boot's scratch directory (boot scenarios read it).
        cmd += ["-serial", f"file:{self.uart_output}"]
        if gdb:
            cmd += ["-s", "-S"]
        if no_reboot:
            cmd += ["-no-reboot"]
        cmd += list(extra)
        return cmd

    def cleanup(self):
        shutil.rmtree(self.workdir, ignore_errors=True)
