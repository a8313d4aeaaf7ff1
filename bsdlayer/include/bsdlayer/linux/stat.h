// struct stat as the x86-64 Linux kernel copies it out (arch/x86/include/
// uapi/asm/stat.h, the 64-bit variant): 144 bytes, layout fixed by the ABI,
// so every offset is asserted. Also the S_IF* type bits and dev_t encoding.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsdlayer {

inline constexpr uint32_t LINUX_S_IFMT = 0170000;
inline constexpr uint32_t LINUX_S_IFSOCK = 0140000;
inline constexpr uint32_t LINUX_S_IFLNK = 0120000;
inline constexpr uint32_t LINUX_S_IFREG = 0100000;
inline constexpr uint32_t LINUX_S_IFBLK = 0060000;
inline constexpr uint32_t LINUX_S_IFDIR = 0040000;
inline constexpr uint32_t LINUX_S_IFCHR = 0020000;
inline constexpr uint32_t LINUX_S_IFIFO = 0010000;

struct linux_timespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};

struct linux_stat {
  uint64_t st_dev;
  uint64_t st_ino;
  uint64_t st_nlink;
  uint32_t st_mode;
  uint32_t st_uid;
  uint32_t st_gid;
  uint32_t pad0;
  uint64_t st_rdev;
  int64_t st_size;
  int64_t st_blksize;
  int64_t st_blocks;  // 512-byte units
  linux_timespec st_atim;
  linux_timespec st_mtim;
  linux_timespec st_ctim;
  int64_t reserved[3];
};

static_assert(sizeof(linux_stat) == 144);
static_assert(offsetof(linux_stat, st_dev) == 0);
static_assert(offsetof(linux_stat, st_ino) == 8);
static_assert(offsetof(linux_stat, st_nlink) == 16);
static_assert(offsetof(linux_stat, st_mode) == 24);
static_assert(offsetof(linux_stat, st_uid) == 28);
static_assert(offsetof(linux_stat, st_gid) == 32);
static_assert(offsetof(linux_stat, st_rdev) == 40);
static_assert(offsetof(linux_stat, st_size) == 48);
static_assert(offsetof(linux_stat, st_blksize) == 56);
static_assert(offsetof(linux_stat, st_blocks) == 64);
static_assert(offsetof(linux_stat, st_atim) == 72);
static_assert(offsetof(linux_stat, st_mtim) == 88);
static_assert(offsetof(linux_stat, st_ctim) == 104);
static_assert(offsetof(linux_stat, reserved) == 120);

// dev_t as user space decodes it (glibc's gnu_dev_makedev; equal to the
// kernel's new_encode_dev for majors < 4096 and minors < 2^20).
constexpr uint64_t linux_makedev(uint32_t major, uint32_t minor) {
  return (static_cast<uint64_t>(major & 0xfffff000u) << 32) | ((major & 0xfffu) << 8) |
         (static_cast<uint64_t>(minor & 0xffffff00u) << 12) | (minor & 0xffu);
}
constexpr uint32_t linux_major(uint64_t dev) {
  return static_cast<uint32_t>(((dev >> 32) & 0xfffff000u) | ((dev >> 8) & 0xfffu));
}
constexpr uint32_t linux_minor(uint64_t dev) {
  return static_cast<uint32_t>(((dev >> 12) & 0xffffff00u) | (dev & 0xffu));
}

}  // namespace bsdlayer
