// struct linux_dirent64, the record getdents64(2) fills: a fixed 19-byte
// head, the NUL-terminated name, padding so d_reclen is a multiple of 8.
// d_off is the cookie that resumes reading *after* this entry.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bsdlayer {

inline constexpr uint8_t LINUX_DT_UNKNOWN = 0;
inline constexpr uint8_t LINUX_DT_FIFO = 1;
inline constexpr uint8_t LINUX_DT_CHR = 2;
inline constexpr uint8_t LINUX_DT_DIR = 4;
inline constexpr uint8_t LINUX_DT_BLK = 6;
inline constexpr uint8_t LINUX_DT_REG = 8;
inline constexpr uint8_t LINUX_DT_LNK = 10;
inline constexpr uint8_t LINUX_DT_SOCK = 12;

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
  char d_name[];  // NUL-terminated
};

inline constexpr size_t kLinuxDirent64HeadSize = 19;
static_assert(offsetof(linux_dirent64, d_name) == kLinuxDirent64HeadSize);
static_assert(offsetof(linux_dirent64, d_reclen) == 16);
static_assert(offsetof(linux_dirent64, d_type) == 18);

// Bytes one record with a name of `name_length` occupies.
constexpr size_t linux_dirent64_size(size_t name_length) {
  return (kLinuxDirent64HeadSize + name_length + 1 + 7) & ~size_t{7};
}

}  // namespace bsdlayer
