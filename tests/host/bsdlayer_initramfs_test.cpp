// Unpacking an initramfs built here in the newc format (as in
// executive_cpio_archive_test.cpp): types, modes, owners, missing parents,
// last entry wins, symlinked parents, and ".." rejection.
#include "bsdlayer/vfs/initramfs.h"

#include <cstdio>
#include <vector>

#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;
using Bytes = std::vector<uint8_t>;

struct Entry {
  std::string name;
  uint32_t mode;
  std::string data;
  uint32_t rdev_major = 0;
  uint32_t rdev_minor = 0;
};

void pad4(Bytes& b) {
  while (b.size() % 4) b.push_back(0);
}

void put_entry(Bytes& b, const Entry& e) {
  char header[111];
  std::snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 0u,
                e.mode, 1000u, 1001u, 1u, 1700000000u, static_cast<uint32_t>(e.data.size()), 0u, 0u,
                e.rdev_major, e.rdev_minor, static_cast<uint32_t>(e.name.size() + 1), 0u);
  b.insert(b.end(), header, header + 110);
  b.insert(b.end(), e.name.begin(), e.name.end());
  b.push_back(0);
  pad4(b);
  b.insert(b.end(), e.data.begin(), e.data.end());
  pad4(b);
}

Bytes archive(const std::vector<Entry>& entries) {
  Bytes b;
  for (const Entry& e : entries) put_entry(b, e);
  put_entry(b, {"TRAILER!!!", 0, ""});
  return b;
}

class BsdInitramfs : public BsdVfsTest {
 protected:
  SysResult<size_t> unpack(const Bytes& bytes) {
    auto a = executive::CpioArchive::open(bytes.data(), bytes.size());
    EXPECT_TRUE(a.is_ok());
    return unpack_initramfs(vfs(), *vfs().root(), a.value());
  }
};

TEST_F(BsdInitramfs, UnpacksEveryTypeWithModesAndOwners) {
  std::string big(10000, 'b');
  Bytes b = archive({
      {".", 040755, ""},
      {"bin", 040755, ""},
      {"bin/busybox", 0100755, "\177ELF..."},
      {"bin/sh", 0120777, "busybox"},
      {"./etc/passwd", 0100644, "root:x:0:0::/root:/bin/sh\n"},  // parent "etc" missing
      {"/deep/er/file", 0100600, big},                            // two missing parents
      {"dev", 040755, ""},
      {"dev/console", 020600, "", 5, 1},
      {"tmp", 041777, ""},
  });
  ASSERT_EQ(unpack(b).value(), 9u);
  EXPECT_EQ(read_file("/bin/busybox"), "\177ELF...");
  EXPECT_EQ(read_file("/bin/sh"), "\177ELF...");  // through the symlink
  auto sh = vfs().stat(nullptr, "/bin/sh", 0).value();
  EXPECT_EQ(sh.st_mode, LINUX_S_IFLNK | 0777);
  auto busybox = vfs().stat(nullptr, "/bin/busybox", 0).value();
  EXPECT_EQ(busybox.st_mode, LINUX_S_IFREG | 0755);
  EXPECT_EQ(busybox.st_uid, 1000u);
  EXPECT_EQ(busybox.st_gid, 1001u);
  EXPECT_EQ(busybox.st_mtim.tv_sec, 1700000000);
  EXPECT_EQ(read_file("/etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
  EXPECT_EQ(vfs().stat(nullptr, "/etc", 0).value().st_mode, LINUX_S_IFDIR | 0755);
  EXPECT_EQ(read_file("/deep/er/file"), big);
  EXPECT_EQ(vfs().stat(nullptr, "/deep/er/file", 0).value().st_mode, LINUX_S_IFREG | 0600);
  auto console = vfs().stat(nullptr, "/dev/console", 0).value();
  EXPECT_EQ(console.st_mode, LINUX_S_IFCHR | 0600);
  EXPECT_EQ(console.st_rdev, linux_makedev(5, 1));
  EXPECT_EQ(vfs().stat(nullptr, "/tmp", 0).value().st_mode, LINUX_S_IFDIR | 01777);
}

TEST_F(BsdInitramfs, LastEntryWinsAndDirectoriesKeepTheirContents) {
  Bytes b = archive({
      {"etc/motd", 0100644, "first"},
      {"etc/motd", 0100600, "second"},
      {"etc", 040700, ""},               // updates the directory, keeps motd
      {"etc/link", 0100644, "file"},
      {"etc/link", 0120777, "motd"},     // a file replaced by a symlink
  });
  ASSERT_TRUE(unpack(b).is_ok());
  EXPECT_EQ(read_file("/etc/motd"), "second");
  EXPECT_EQ(vfs().stat(nullptr, "/etc/motd", 0).value().st_mode, LINUX_S_IFREG | 0600);
  EXPECT_EQ(vfs().stat(nullptr, "/etc", 0).value().st_mode, LINUX_S_IFDIR | 0700);
  EXPECT_EQ(read_file("/etc/link"), "second");
}

TEST_F(BsdInitramfs, ParentsThroughSymlinks) {
  Bytes b = archive({
      {"usr/lib", 040755, ""},
      {"lib", 0120777, "usr/lib"},
      {"lib/libc.so", 0100644, "libc"},
  });
  ASSERT_TRUE(unpack(b).is_ok());
  EXPECT_EQ(read_file("/usr/lib/libc.so"), "libc");
  EXPECT_EQ(vfs().stat(nullptr, "/lib", 0).value().st_mode & LINUX_S_IFMT, LINUX_S_IFLNK);
}

TEST_F(BsdInitramfs, DotDotIsRejectedBeforeAnythingIsCreated) {
  for (const char* evil : {"../escape", "a/../../b", "a/..", ".."}) {
    Bytes b = archive({{"first", 0100644, "x"}, {evil, 0100644, "x"}});
    EXPECT_EQ(err(unpack(b)), -LINUX_EINVAL) << evil;
    EXPECT_EQ(stat_err("/first"), -LINUX_ENOENT) << evil;
  }
  // Names merely containing dots are fine.
  ASSERT_TRUE(unpack(archive({{"a/..b/...", 0100644, "ok"}})).is_ok());
  EXPECT_EQ(read_file("/a/..b/..."), "ok");
}

TEST_F(BsdInitramfs, ConflictsAreReported) {
  // A file where a parent directory must go.
  EXPECT_EQ(err(unpack(archive({{"f", 0100644, ""}, {"f/x", 0100644, ""}}))), -LINUX_ENOTDIR);
  // A non-empty directory cannot be replaced by a file.
  EXPECT_EQ(err(unpack(archive({{"d/x", 0100644, ""}, {"d", 0100644, ""}}))), -LINUX_ENOTEMPTY);
}

TEST_F(BsdInitramfs, OutOfMemoryIsEnomemWithoutLeaks) {
  Bytes b = archive({{"a/b/c", 0100644, std::string(5000, 'c')}, {"a/l", 0120777, "b/c"}});
  for (int allowed = 0;; ++allowed) {
    ASSERT_LT(allowed, 100);
    HeapCounter::allocations_left = allowed;
    auto a = executive::CpioArchive::open(b.data(), b.size());
    ASSERT_TRUE(a.is_ok());
    auto r = unpack_initramfs(vfs(), *vfs().root(), a.value());
    HeapCounter::allocations_left = -1;
    if (r.is_ok()) break;
    EXPECT_EQ(r.error(), -LINUX_ENOMEM) << allowed;
    // A partial tree may remain (the boot stops there); never a half file.
    auto st = vfs().stat(nullptr, "/a/b/c", 0);
    if (st.is_ok()) {
      EXPECT_EQ(st.value().st_size, 5000) << allowed;
    }
  }
  EXPECT_EQ(read_file("/a/l").size(), 5000u);
}

}  // namespace
