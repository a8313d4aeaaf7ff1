// The Linux ABI constants and structs against the host's own headers: the
// host is x86-64 Linux, so its errno values, open flags and struct stat are
// exactly what the binaries Amphi runs were compiled against.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cstddef>

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/linux/stat.h"

namespace {

using namespace bsdlayer;

TEST(BsdLinuxAbi, ErrnoValuesMatchTheHost) {
  EXPECT_EQ(LINUX_EPERM, EPERM);
  EXPECT_EQ(LINUX_ENOENT, ENOENT);
  EXPECT_EQ(LINUX_EBADF, EBADF);
  EXPECT_EQ(LINUX_EAGAIN, EAGAIN);
  EXPECT_EQ(LINUX_ENOMEM, ENOMEM);
  EXPECT_EQ(LINUX_EBUSY, EBUSY);
  EXPECT_EQ(LINUX_EEXIST, EEXIST);
  EXPECT_EQ(LINUX_EXDEV, EXDEV);
  EXPECT_EQ(LINUX_ENOTDIR, ENOTDIR);
  EXPECT_EQ(LINUX_EISDIR, EISDIR);
  EXPECT_EQ(LINUX_EINVAL, EINVAL);
  EXPECT_EQ(LINUX_EMFILE, EMFILE);
  EXPECT_EQ(LINUX_EFBIG, EFBIG);
  EXPECT_EQ(LINUX_ENOSPC, ENOSPC);
  EXPECT_EQ(LINUX_ESPIPE, ESPIPE);
  EXPECT_EQ(LINUX_ERANGE, ERANGE);
  EXPECT_EQ(LINUX_ENAMETOOLONG, ENAMETOOLONG);
  EXPECT_EQ(LINUX_ENOSYS, ENOSYS);
  EXPECT_EQ(LINUX_ENOTEMPTY, ENOTEMPTY);
  EXPECT_EQ(LINUX_ELOOP, ELOOP);
  EXPECT_EQ(LINUX_EOVERFLOW, EOVERFLOW);
  EXPECT_EQ(LINUX_EOPNOTSUPP, EOPNOTSUPP);
  EXPECT_EQ(LINUX_ENXIO, ENXIO);
}

TEST(BsdLinuxAbi, OpenAndFcntlValuesMatchTheHost) {
  EXPECT_EQ(LINUX_O_WRONLY, static_cast<uint32_t>(O_WRONLY));
  EXPECT_EQ(LINUX_O_RDWR, static_cast<uint32_t>(O_RDWR));
  EXPECT_EQ(LINUX_O_CREAT, static_cast<uint32_t>(O_CREAT));
  EXPECT_EQ(LINUX_O_EXCL, static_cast<uint32_t>(O_EXCL));
  EXPECT_EQ(LINUX_O_TRUNC, static_cast<uint32_t>(O_TRUNC));
  EXPECT_EQ(LINUX_O_APPEND, static_cast<uint32_t>(O_APPEND));
  EXPECT_EQ(LINUX_O_NONBLOCK, static_cast<uint32_t>(O_NONBLOCK));
  EXPECT_EQ(LINUX_O_DIRECTORY, static_cast<uint32_t>(O_DIRECTORY));
  EXPECT_EQ(LINUX_O_NOFOLLOW, static_cast<uint32_t>(O_NOFOLLOW));
  EXPECT_EQ(LINUX_O_CLOEXEC, static_cast<uint32_t>(O_CLOEXEC));
  EXPECT_EQ(LINUX_O_PATH, static_cast<uint32_t>(O_PATH));
  EXPECT_EQ(LINUX_F_DUPFD_CLOEXEC, F_DUPFD_CLOEXEC);
  EXPECT_EQ(LINUX_F_SETFL, F_SETFL);
  EXPECT_EQ(LINUX_FD_CLOEXEC, FD_CLOEXEC);
  EXPECT_EQ(LINUX_AT_FDCWD, AT_FDCWD);
  EXPECT_EQ(LINUX_AT_SYMLINK_NOFOLLOW, static_cast<uint32_t>(AT_SYMLINK_NOFOLLOW));
  EXPECT_EQ(LINUX_AT_REMOVEDIR, static_cast<uint32_t>(AT_REMOVEDIR));
  EXPECT_EQ(LINUX_S_IFLNK, static_cast<uint32_t>(S_IFLNK));
  EXPECT_EQ(LINUX_S_IFCHR, static_cast<uint32_t>(S_IFCHR));
  EXPECT_EQ(LINUX_DT_LNK, DT_LNK);
  EXPECT_EQ(LINUX_DT_CHR, DT_CHR);
}

TEST(BsdLinuxAbi, StatLayoutMatchesTheHost) {
  EXPECT_EQ(sizeof(linux_stat), sizeof(struct stat));
  EXPECT_EQ(offsetof(linux_stat, st_mode), offsetof(struct stat, st_mode));
  EXPECT_EQ(offsetof(linux_stat, st_rdev), offsetof(struct stat, st_rdev));
  EXPECT_EQ(offsetof(linux_stat, st_size), offsetof(struct stat, st_size));
  EXPECT_EQ(offsetof(linux_stat, st_blocks), offsetof(struct stat, st_blocks));
  EXPECT_EQ(offsetof(linux_stat, st_mtim), offsetof(struct stat, st_mtim));
  EXPECT_EQ(offsetof(linux_stat, st_ctim), offsetof(struct stat, st_ctim));
  EXPECT_EQ(offsetof(linux_dirent64, d_name), offsetof(struct dirent64, d_name));
  EXPECT_EQ(linux_dirent64_size(1), 24u);
  EXPECT_EQ(linux_dirent64_size(5), 32u);  // 19 + 5 + NUL = 25 -> 32
}

TEST(BsdLinuxAbi, DeviceNumbersMatchGlibc) {
  for (uint32_t major : {0u, 1u, 5u, 136u, 4095u, 4096u, 70000u})
    for (uint32_t minor : {0u, 3u, 255u, 256u, 1048575u}) {
      EXPECT_EQ(linux_makedev(major, minor), makedev(major, minor));
      EXPECT_EQ(linux_major(linux_makedev(major, minor)), major);
      EXPECT_EQ(linux_minor(linux_makedev(major, minor)), minor);
    }
}

}  // namespace
