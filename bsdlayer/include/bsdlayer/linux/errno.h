// Linux x86-64 errno numbers, as the system-call layer returns them (negated:
// a syscall that fails returns -LINUX_ENOENT in rax).
//
// Why the LINUX_ prefix: the hosted build includes the host libc's <errno.h>
// (whose ENOENT is a macro) and GNU C++ predefines `linux` as a macro, so
// neither bare names nor a `linux` namespace would survive. The values are
// the kernel's (include/uapi/asm-generic/errno-base.h, errno.h); the host
// tests compare them with the host's, which on x86-64 Linux are the same.
#pragma once

namespace bsdlayer {

inline constexpr int LINUX_EPERM = 1;
inline constexpr int LINUX_ENOENT = 2;
inline constexpr int LINUX_ESRCH = 3;
inline constexpr int LINUX_EINTR = 4;
inline constexpr int LINUX_EIO = 5;
inline constexpr int LINUX_ENXIO = 6;
inline constexpr int LINUX_E2BIG = 7;
inline constexpr int LINUX_ENOEXEC = 8;
inline constexpr int LINUX_EBADF = 9;
inline constexpr int LINUX_ECHILD = 10;
inline constexpr int LINUX_EAGAIN = 11;
inline constexpr int LINUX_EWOULDBLOCK = LINUX_EAGAIN;
inline constexpr int LINUX_ENOMEM = 12;
inline constexpr int LINUX_EACCES = 13;
inline constexpr int LINUX_EFAULT = 14;
inline constexpr int LINUX_ENOTBLK = 15;
inline constexpr int LINUX_EBUSY = 16;
inline constexpr int LINUX_EEXIST = 17;
inline constexpr int LINUX_EXDEV = 18;
inline constexpr int LINUX_ENODEV = 19;
inline constexpr int LINUX_ENOTDIR = 20;
inline constexpr int LINUX_EISDIR = 21;
inline constexpr int LINUX_EINVAL = 22;
inline constexpr int LINUX_ENFILE = 23;
inline constexpr int LINUX_EMFILE = 24;
inline constexpr int LINUX_ENOTTY = 25;
inline constexpr int LINUX_ETXTBSY = 26;
inline constexpr int LINUX_EFBIG = 27;
inline constexpr int LINUX_ENOSPC = 28;
inline constexpr int LINUX_ESPIPE = 29;
inline constexpr int LINUX_EROFS = 30;
inline constexpr int LINUX_EMLINK = 31;
inline constexpr int LINUX_EPIPE = 32;
inline constexpr int LINUX_EDOM = 33;
inline constexpr int LINUX_ERANGE = 34;
inline constexpr int LINUX_EDEADLK = 35;
inline constexpr int LINUX_ENAMETOOLONG = 36;
inline constexpr int LINUX_ENOLCK = 37;
inline constexpr int LINUX_ENOSYS = 38;
inline constexpr int LINUX_ENOTEMPTY = 39;
inline constexpr int LINUX_ELOOP = 40;
inline constexpr int LINUX_EOVERFLOW = 75;
inline constexpr int LINUX_ENOTSOCK = 88;
inline constexpr int LINUX_EOPNOTSUPP = 95;
inline constexpr int LINUX_ENOTSUP = LINUX_EOPNOTSUPP;
inline constexpr int LINUX_ETIMEDOUT = 110;

}  // namespace bsdlayer
