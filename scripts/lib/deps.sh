# Debian 12 packages Amphi needs to build, boot and test. Sourced by
# scripts/run and scripts/test; `amphi_install_deps` installs what is missing
# (apt-get when root; otherwise it prints the one command to run and fails).
AMPHI_PACKAGES=(
  cmake ninja-build g++ python3 binutils   # build
  gnu-efi                                  # the UEFI loader (crt0, libefi, linker script)
  libfmt-dev                               # formatting, in the kernel too
  kbd                                      # PSF console fonts for the framebuffer console
  qemu-system-x86 ovmf                     # the machine and its UEFI firmware
  mtools dosfstools                        # ESP images without root or loop devices
  googletest libgtest-dev                  # host unit tests
  gdb                                      # scripts/run --gdb
  busybox-static                           # the POSIX personality's first user space
  gnuplot-nox                              # scripts/compare's chart
)

amphi_missing_packages() {
  local missing=() p
  for p in "${AMPHI_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  echo "${missing[@]}"
}

amphi_install_deps() {
  local missing
  missing=$(amphi_missing_packages)
  [ -z "$missing" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Amphi needs these Debian packages: $missing" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y $missing" >&2
    return 1
  fi
  echo "Installing: $missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 && apt-get install -y -q $missing >&2
}

# Configures (once) and builds everything into build/.
amphi_build() {
  local root=$1
  if [ ! -f "$root/build/build.ninja" ]; then
    cmake --preset default -S "$root" >&2 || return 1
  fi
  cmake --build "$root/build" >&2
}
