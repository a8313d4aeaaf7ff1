// Linux x86-64 open(2) flags, fcntl(2) commands, *at() flags and lseek
// whence values, as user space passes them. LINUX_ prefix: see errno.h.
#pragma once

#include <cstdint>

namespace bsdlayer {

// Access mode: the low two bits, not independent flags.
inline constexpr uint32_t LINUX_O_RDONLY = 0;
inline constexpr uint32_t LINUX_O_WRONLY = 01;
inline constexpr uint32_t LINUX_O_RDWR = 02;
inline constexpr uint32_t LINUX_O_ACCMODE = 03;

// Creation flags: act at open time only, never stored in the OpenFile.
inline constexpr uint32_t LINUX_O_CREAT = 0100;
inline constexpr uint32_t LINUX_O_EXCL = 0200;
inline constexpr uint32_t LINUX_O_NOCTTY = 0400;
inline constexpr uint32_t LINUX_O_TRUNC = 01000;
inline constexpr uint32_t LINUX_O_DIRECTORY = 0200000;
inline constexpr uint32_t LINUX_O_NOFOLLOW = 0400000;
inline constexpr uint32_t LINUX_O_CLOEXEC = 02000000;

// File status flags: kept in the OpenFile, shared by dup'd descriptors.
inline constexpr uint32_t LINUX_O_APPEND = 02000;
inline constexpr uint32_t LINUX_O_NONBLOCK = 04000;
inline constexpr uint32_t LINUX_O_DSYNC = 010000;
inline constexpr uint32_t LINUX_O_ASYNC = 020000;
inline constexpr uint32_t LINUX_O_DIRECT = 040000;
inline constexpr uint32_t LINUX_O_LARGEFILE = 0100000;
inline constexpr uint32_t LINUX_O_NOATIME = 01000000;
inline constexpr uint32_t LINUX_O_SYNC = 04010000;
inline constexpr uint32_t LINUX_O_PATH = 010000000;

// The status flags F_SETFL may change (Linux's SETFL_MASK).
inline constexpr uint32_t LINUX_SETFL_MASK =
    LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_ASYNC | LINUX_O_DIRECT | LINUX_O_NOATIME;

inline constexpr int LINUX_F_DUPFD = 0;
inline constexpr int LINUX_F_GETFD = 1;
inline constexpr int LINUX_F_SETFD = 2;
inline constexpr int LINUX_F_GETFL = 3;
inline constexpr int LINUX_F_SETFL = 4;
inline constexpr int LINUX_F_DUPFD_CLOEXEC = 1030;
inline constexpr int LINUX_FD_CLOEXEC = 1;

inline constexpr int LINUX_AT_FDCWD = -100;
inline constexpr uint32_t LINUX_AT_SYMLINK_NOFOLLOW = 0x100;
inline constexpr uint32_t LINUX_AT_REMOVEDIR = 0x200;
inline constexpr uint32_t LINUX_AT_SYMLINK_FOLLOW = 0x400;
inline constexpr uint32_t LINUX_AT_EMPTY_PATH = 0x1000;

inline constexpr int LINUX_SEEK_SET = 0;
inline constexpr int LINUX_SEEK_CUR = 1;
inline constexpr int LINUX_SEEK_END = 2;

}  // namespace bsdlayer
