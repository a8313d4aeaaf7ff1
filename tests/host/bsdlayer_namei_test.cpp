// Path resolution: absolute and relative paths, "." and "..", symlinks in
// the middle and at the end, loops, length limits, trailing slashes, and
// mounts (crossing down, ".." crossing up, /proc/mounts, getcwd).
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

class BsdNamei : public BsdVfsTest {
 protected:
  void SetUp() override {
    BsdVfsTest::SetUp();
    ASSERT_TRUE(vfs().mkdir(nullptr, "/usr", 0755).is_ok());
    ASSERT_TRUE(vfs().mkdir(nullptr, "/usr/bin", 0755).is_ok());
    write_file("/usr/bin/sh", "#!");
  }
};

TEST_F(BsdNamei, AbsoluteRelativeDotAndDotDot) {
  uint64_t sh = ino("/usr/bin/sh");
  ASSERT_NE(sh, 0u);
  rtl::RefPtr<Vnode> usr = dir("/usr");
  EXPECT_EQ(ino("bin/sh", Vfs::kFollow, usr.get()), sh);
  EXPECT_EQ(ino("./bin/../bin/./sh", Vfs::kFollow, usr.get()), sh);
  EXPECT_EQ(ino("//usr///bin//sh"), sh);
  EXPECT_EQ(ino("/usr/bin/sh", Vfs::kFollow, usr.get()), sh);  // absolute ignores base
  EXPECT_EQ(ino("/.."), ino("/"));
  EXPECT_EQ(ino("/../../usr/.."), ino("/"));
  EXPECT_EQ(ino("..", Vfs::kFollow, usr.get()), ino("/"));
  EXPECT_EQ(ino("."), ino("/"));  // null base: the root
  EXPECT_EQ(stat_err(""), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/usr/nope"), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/usr/bin/sh/x"), -LINUX_ENOTDIR);
  EXPECT_EQ(stat_err("/usr/bin/sh/."), -LINUX_ENOTDIR);
}

TEST_F(BsdNamei, TrailingSlashesRequireADirectory) {
  EXPECT_EQ(stat_err("/usr/bin/"), 0);
  EXPECT_EQ(stat_err("/usr/bin//"), 0);
  EXPECT_EQ(stat_err("/usr/bin/sh/"), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/usr/bin/sh/", LINUX_O_RDONLY, 0)), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/newfile/", LINUX_O_CREAT | LINUX_O_WRONLY, 0644)),
            -LINUX_EISDIR);
  EXPECT_TRUE(vfs().mkdir(nullptr, "/newdir/", 0755).is_ok());
  EXPECT_TRUE(vfs().rmdir(nullptr, "/newdir//").is_ok());
  // A trailing slash follows a symlink even without kFollow (lstat("l/")).
  ASSERT_TRUE(vfs().symlink("usr", nullptr, "/l").is_ok());
  EXPECT_EQ(ino("/l/", 0), ino("/usr"));
  EXPECT_EQ(ino("/l", 0), ino("/l", 0));
  EXPECT_NE(ino("/l", 0), ino("/usr"));
}

TEST_F(BsdNamei, LengthLimits) {
  std::string name255(255, 'a');
  ASSERT_TRUE(vfs().mkdir(nullptr, ("/" + name255).c_str(), 0755).is_ok());
  EXPECT_EQ(stat_err(("/" + std::string(256, 'a')).c_str()), -LINUX_ENAMETOOLONG);
  // 4095 bytes is the longest path; 4096 is too long even if it resolves.
  std::string path = "/";
  while (path.size() < 4095) path += "/";
  ASSERT_EQ(path.size(), 4095u);
  EXPECT_EQ(stat_err(path.c_str()), 0);
  path += "/";
  EXPECT_EQ(stat_err(path.c_str()), -LINUX_ENAMETOOLONG);
}

TEST_F(BsdNamei, SymlinksInTheMiddleAndAtTheEnd) {
  uint64_t sh = ino("/usr/bin/sh");
  ASSERT_TRUE(vfs().symlink("/usr/bin", nullptr, "/bin").is_ok());       // absolute
  ASSERT_TRUE(vfs().symlink("bin/sh", nullptr, "/usr/shell").is_ok());   // relative to /usr
  ASSERT_TRUE(vfs().symlink("../usr/./bin", nullptr, "/usr/up").is_ok()); // with ..
  ASSERT_TRUE(vfs().symlink("/nowhere", nullptr, "/dangling").is_ok());
  EXPECT_EQ(ino("/bin/sh"), sh);
  EXPECT_EQ(ino("/usr/shell"), sh);
  EXPECT_EQ(ino("/usr/up/sh"), sh);
  EXPECT_EQ(ino("/bin/../bin/sh"), sh);  // ".." of the link's target, not of "/"
  // At the end: followed for stat, not for lstat.
  EXPECT_NE(ino("/usr/shell", 0), sh);
  EXPECT_EQ(vfs().stat(nullptr, "/usr/shell", 0).value().st_mode & LINUX_S_IFMT, LINUX_S_IFLNK);
  EXPECT_EQ(stat_err("/dangling"), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/dangling", 0), 0);
  // O_NOFOLLOW refuses a final symlink but not one in the middle.
  EXPECT_EQ(err(vfs().open(nullptr, "/usr/shell", LINUX_O_RDONLY | LINUX_O_NOFOLLOW, 0)),
            -LINUX_ELOOP);
  EXPECT_TRUE(vfs().open(nullptr, "/bin/sh", LINUX_O_RDONLY | LINUX_O_NOFOLLOW, 0).is_ok());
  // O_CREAT through a dangling link creates its target.
  ASSERT_TRUE(vfs().open(nullptr, "/dangling", LINUX_O_CREAT | LINUX_O_WRONLY, 0600).is_ok());
  EXPECT_EQ(stat_err("/nowhere"), 0);
  EXPECT_EQ(err(vfs().open(nullptr, "/dangling", LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_WRONLY, 0)),
            -LINUX_EEXIST);
  // Removing and renaming act on the link itself.
  ASSERT_TRUE(vfs().unlink(nullptr, "/bin").is_ok());
  EXPECT_EQ(ino("/usr/bin/sh"), sh);
}

TEST_F(BsdNamei, SymlinkLoopsAndTheFortyLinkLimit) {
  ASSERT_TRUE(vfs().symlink("loop2", nullptr, "/loop1").is_ok());
  ASSERT_TRUE(vfs().symlink("loop1", nullptr, "/loop2").is_ok());
  ASSERT_TRUE(vfs().symlink("self/x", nullptr, "/self").is_ok());
  EXPECT_EQ(stat_err("/loop1"), -LINUX_ELOOP);
  EXPECT_EQ(stat_err("/loop1/x", 0), -LINUX_ELOOP);
  EXPECT_EQ(stat_err("/self"), -LINUX_ELOOP);
  EXPECT_EQ(stat_err("/loop1", 0), 0);  // lstat does not follow
  // A chain of 40 links resolves; 41 is one too many.
  ASSERT_TRUE(vfs().symlink("usr/bin/sh", nullptr, "/c0").is_ok());
  for (int i = 1; i <= 40; ++i)
    ASSERT_TRUE(vfs().symlink(("c" + std::to_string(i - 1)).c_str(), nullptr,
                              ("/c" + std::to_string(i)).c_str()).is_ok());
  EXPECT_EQ(ino("/c39"), ino("/usr/bin/sh"));  // 40 links followed
  EXPECT_EQ(stat_err("/c40"), -LINUX_ELOOP);   // 41
}

TEST_F(BsdNamei, MountsAreCrossedBothWays) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/mnt", 0755).is_ok());
  ASSERT_TRUE(vfs().mkdir(nullptr, "/mnt/disk", 0755).is_ok());
  write_file("/mnt/disk/hidden", "under the mount");
  uint64_t covered = ino("/mnt/disk");
  auto fs = create_tmpfs(2, test_clock, 01777).release_value();
  ASSERT_TRUE(vfs().mount(nullptr, "/mnt/./disk/", std::move(fs), "scratch", "rw,nosuid").is_ok());
  auto st = vfs().stat(nullptr, "/mnt/disk", Vfs::kFollow).value();
  EXPECT_EQ(st.st_dev, 2u);
  EXPECT_NE(st.st_ino, covered);
  EXPECT_EQ(st.st_mode, LINUX_S_IFDIR | 01777);
  EXPECT_EQ(stat_err("/mnt/disk/hidden"), -LINUX_ENOENT);
  ASSERT_TRUE(vfs().mkdir(nullptr, "/mnt/disk/sub", 0755).is_ok());
  EXPECT_EQ(vfs().stat(nullptr, "/mnt/disk/sub", Vfs::kFollow).value().st_dev, 2u);
  // ".." at the mounted root goes to the covered directory's parent.
  EXPECT_EQ(ino("/mnt/disk/.."), ino("/mnt"));
  EXPECT_EQ(ino("/mnt/disk/sub/../../.."), ino("/"));
  rtl::RefPtr<Vnode> sub = dir("/mnt/disk/sub");
  EXPECT_EQ(ino("../../../usr/bin/sh", Vfs::kFollow, sub.get()), ino("/usr/bin/sh"));
  EXPECT_EQ(ino("../..", Vfs::kFollow, sub.get()), ino("/mnt"));
  // A symlink on the mounted fs pointing back out.
  ASSERT_TRUE(vfs().symlink("../../usr", nullptr, "/mnt/disk/u").is_ok());
  EXPECT_EQ(ino("/mnt/disk/u/bin/sh"), ino("/usr/bin/sh"));
  // getcwd across the mount.
  char path[64];
  ASSERT_EQ(vfs().path_of(*sub, path, sizeof path).value(), 14u);
  EXPECT_STREQ(path, "/mnt/disk/sub");
  EXPECT_EQ(err(vfs().path_of(*sub, path, 10)), -LINUX_ERANGE);
  ASSERT_EQ(vfs().path_of(*vfs().root(), path, sizeof path).value(), 2u);
  EXPECT_STREQ(path, "/");
  // Mount points cannot be removed or renamed; cross-fs renames are EXDEV.
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/mnt/disk")), -LINUX_EBUSY);
  EXPECT_EQ(err(vfs().rename(nullptr, "/mnt/disk", nullptr, "/mnt/x")), -LINUX_EBUSY);
  EXPECT_EQ(err(vfs().rename(nullptr, "/usr/bin/sh", nullptr, "/mnt/disk/sh")), -LINUX_EXDEV);
  EXPECT_EQ(err(vfs().mount(nullptr, "/usr/bin/sh", create_tmpfs(3, test_clock).release_value(),
                            "x", "rw")),
            -LINUX_ENOTDIR);
  sub.reset();
  // /proc/mounts.
  char text[256];
  size_t n = vfs().format_mounts(text, sizeof text);
  EXPECT_EQ(std::string(text, n), "rootfs / tmpfs rw 0 0\nscratch /mnt/disk tmpfs rw,nosuid 0 0\n");
  EXPECT_EQ(vfs().format_mounts(text, 5), n);  // reports the full length
}

TEST_F(BsdNamei, StackedMountsAndDotDot) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/m", 0755).is_ok());
  ASSERT_TRUE(vfs().mount(nullptr, "/m", create_tmpfs(2, test_clock).release_value(), "one", "rw")
                  .is_ok());
  // Mounting on /m again covers the first mount's root.
  ASSERT_TRUE(vfs().mount(nullptr, "/m", create_tmpfs(3, test_clock).release_value(), "two", "rw")
                  .is_ok());
  EXPECT_EQ(vfs().stat(nullptr, "/m", Vfs::kFollow).value().st_dev, 3u);
  EXPECT_EQ(ino("/m/.."), ino("/"));
  char text[256];
  size_t n = vfs().format_mounts(text, sizeof text);
  EXPECT_EQ(std::string(text, n), "rootfs / tmpfs rw 0 0\none /m tmpfs rw 0 0\ntwo /m tmpfs rw 0 0\n");
}

}  // namespace
