// tmpfs through the Vfs calls: files, sparse data, directories, rename and
// every error the issue lists, plus readdir cookies and stat attributes.
#include <map>
#include <vector>

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

class BsdTmpfs : public BsdVfsTest {
 protected:
  std::vector<std::string> list(const char* path) {
    auto file = vfs().open(nullptr, path, LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    EXPECT_TRUE(file.is_ok());
    std::vector<std::string> names;
    if (file.is_error()) return names;
    alignas(8) uint8_t buffer[64];  // small: forces several calls
    for (;;) {
      auto n = file.value()->read_directory(buffer, sizeof buffer);
      EXPECT_TRUE(n.is_ok());
      if (n.is_error() || n.value() == 0) break;
      for (size_t at = 0; at < n.value();) {
        auto* d = reinterpret_cast<linux_dirent64*>(buffer + at);
        names.push_back(d->d_name);
        at += d->d_reclen;
      }
    }
    return names;
  }
};

TEST_F(BsdTmpfs, WriteReadAndStat) {
  g_now_ns = 5'000'000'123;
  write_file("/hello", "hello, world\n");
  EXPECT_EQ(read_file("/hello"), "hello, world\n");
  auto st = vfs().stat(nullptr, "/hello", Vfs::kFollow).value();
  EXPECT_EQ(st.st_mode, LINUX_S_IFREG | 0644);
  EXPECT_EQ(st.st_size, 13);
  EXPECT_EQ(st.st_nlink, 1u);
  EXPECT_EQ(st.st_dev, 1u);
  EXPECT_EQ(st.st_blocks, 8);
  EXPECT_EQ(st.st_blksize, 4096);
  EXPECT_EQ(st.st_mtim.tv_sec, 5);
  EXPECT_EQ(st.st_mtim.tv_nsec, 123);
  auto root = vfs().stat(nullptr, "/", Vfs::kFollow).value();
  EXPECT_EQ(root.st_mode, LINUX_S_IFDIR | 0755);
  EXPECT_EQ(root.st_nlink, 2u);
}

TEST_F(BsdTmpfs, SparseFilesReadZerosAndAllocateOnlyWrittenPages) {
  auto file = vfs().open(nullptr, "/sparse", LINUX_O_RDWR | LINUX_O_CREAT, 0600).release_value();
  ASSERT_EQ(file->write_at(3 * 4096 + 10, "xy", 2).value(), 2u);
  auto st = file->stat();
  EXPECT_EQ(st.st_size, 3 * 4096 + 12);
  EXPECT_EQ(st.st_blocks, 8);  // one page
  char buffer[4 * 4096];
  memset(buffer, 0x55, sizeof buffer);
  ASSERT_EQ(file->read_at(0, buffer, sizeof buffer).value(), 3u * 4096 + 12);
  for (size_t i = 0; i < 3 * 4096 + 10; ++i) ASSERT_EQ(buffer[i], 0) << i;
  EXPECT_EQ(buffer[3 * 4096 + 10], 'x');
  // A write spanning a page boundary, then truncation zeroes the tail.
  std::string big(5000, 'a');
  ASSERT_EQ(file->write_at(4000, big.data(), big.size()).value(), big.size());
  ASSERT_TRUE(file->truncate(4001).is_ok());
  ASSERT_TRUE(file->truncate(9000).is_ok());
  ASSERT_EQ(file->read_at(3990, buffer, 30).value(), 30u);
  EXPECT_EQ(buffer[10], 'a');
  EXPECT_EQ(buffer[11], 0);  // cut off by truncate, not resurrected by growing
  EXPECT_EQ(file->stat().st_blocks, 8);  // page 0 only
}

TEST_F(BsdTmpfs, AppendAndOffsets) {
  write_file("/log", "one");
  auto file = vfs().open(nullptr, "/log", LINUX_O_WRONLY | LINUX_O_APPEND, 0).release_value();
  ASSERT_TRUE(file->seek(0, LINUX_SEEK_SET).is_ok());
  ASSERT_EQ(file->write("two", 3).value(), 3u);
  EXPECT_EQ(read_file("/log"), "onetwo");
  EXPECT_EQ(file->seek(-2, LINUX_SEEK_END).value(), 4u);
  EXPECT_EQ(err(file->seek(-10, LINUX_SEEK_CUR)), -LINUX_EINVAL);
  EXPECT_EQ(err(file->seek(0, 7)), -LINUX_EINVAL);
  char c;
  EXPECT_EQ(err(file->read(&c, 1)), -LINUX_EBADF);
  auto ro = vfs().open(nullptr, "/log", LINUX_O_RDONLY, 0).release_value();
  EXPECT_EQ(err(ro->write("x", 1)), -LINUX_EBADF);
  EXPECT_EQ(err(ro->truncate(0)), -LINUX_EINVAL);
  ASSERT_TRUE(vfs().open(nullptr, "/log", LINUX_O_WRONLY | LINUX_O_TRUNC, 0).is_ok());
  EXPECT_EQ(read_file("/log"), "");
}

TEST_F(BsdTmpfs, DirectoriesCountLinksAndList) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/a", 0755).is_ok());
  ASSERT_TRUE(vfs().mkdir(nullptr, "/a/b", 0700).is_ok());
  write_file("/a/f1", "1");
  write_file("/a/f2", "2");
  EXPECT_EQ(vfs().stat(nullptr, "/a", Vfs::kFollow).value().st_nlink, 3u);
  EXPECT_EQ(vfs().stat(nullptr, "/", Vfs::kFollow).value().st_nlink, 3u);
  EXPECT_EQ(list("/a"), (std::vector<std::string>{".", "..", "b", "f1", "f2"}));
  EXPECT_EQ(vfs().stat(nullptr, "/a/b", Vfs::kFollow).value().st_mode, LINUX_S_IFDIR | 0700);
}

TEST_F(BsdTmpfs, ReaddirSurvivesRemovalDuringIteration) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/d", 0755).is_ok());
  for (int i = 0; i < 20; ++i) write_file(("/d/file" + std::to_string(i)).c_str(), "x");
  auto dirfile = vfs().open(nullptr, "/d", LINUX_O_RDONLY, 0).release_value();
  alignas(8) uint8_t buffer[4096];
  int seen = 0;
  for (;;) {
    size_t n = dirfile->read_directory(buffer, 100).value();  // ~3 records per call
    if (n == 0) break;
    for (size_t at = 0; at < n;) {
      auto* d = reinterpret_cast<linux_dirent64*>(buffer + at);
      std::string name = d->d_name;
      if (name != "." && name != "..") {
        ++seen;
        ASSERT_TRUE(vfs().unlink(nullptr, ("/d/" + name).c_str()).is_ok());  // rm -r style
      }
      at += d->d_reclen;
    }
  }
  EXPECT_EQ(seen, 20);
  EXPECT_TRUE(vfs().rmdir(nullptr, "/d").is_ok());
}

TEST_F(BsdTmpfs, ReaddirBufferTooSmallIsEinval) {
  auto dirfile = vfs().open(nullptr, "/", LINUX_O_RDONLY, 0).release_value();
  alignas(8) uint8_t buffer[16];
  EXPECT_EQ(err(dirfile->read_directory(buffer, sizeof buffer)), -LINUX_EINVAL);
  write_file("/f", "");
  auto file = vfs().open(nullptr, "/f", LINUX_O_RDONLY, 0).release_value();
  EXPECT_EQ(err(file->read_directory(buffer, sizeof buffer)), -LINUX_ENOTDIR);
}

TEST_F(BsdTmpfs, Errors) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/dir", 0755).is_ok());
  write_file("/dir/file", "data");
  EXPECT_EQ(err(vfs().mkdir(nullptr, "/dir", 0755)), -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().mkdir(nullptr, "/dir/file", 0755)), -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().mkdir(nullptr, "/missing/x", 0755)), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().mkdir(nullptr, "/dir/file/x", 0755)), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/dir/file", LINUX_O_CREAT | LINUX_O_EXCL | LINUX_O_WRONLY, 0)),
            -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().open(nullptr, "/dir", LINUX_O_WRONLY, 0)), -LINUX_EISDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/dir", LINUX_O_CREAT | LINUX_O_RDONLY, 0)), -LINUX_EISDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/dir/file", LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0)),
            -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().open(nullptr, "/nope", LINUX_O_RDONLY, 0)), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().unlink(nullptr, "/dir")), -LINUX_EISDIR);
  EXPECT_EQ(err(vfs().unlink(nullptr, "/nope")), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().unlink(nullptr, "/dir/file/")), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/dir/file")), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/dir")), -LINUX_ENOTEMPTY);
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/dir/.")), -LINUX_EINVAL);
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/dir/..")), -LINUX_ENOTEMPTY);
  EXPECT_EQ(err(vfs().rmdir(nullptr, "/")), -LINUX_EBUSY);
  EXPECT_EQ(err(vfs().mkdir(nullptr, "/", 0755)), -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().truncate(nullptr, "/dir", 0)), -LINUX_EISDIR);
  std::string long_name(256, 'n');
  EXPECT_EQ(err(vfs().mkdir(nullptr, ("/" + long_name).c_str(), 0755)), -LINUX_ENAMETOOLONG);
  EXPECT_TRUE(vfs().mkdir(nullptr, ("/" + long_name.substr(1)).c_str(), 0755).is_ok());
  auto file = vfs().open(nullptr, "/dir/file", LINUX_O_RDWR, 0).release_value();
  EXPECT_EQ(err(file->write_at(kTmpfsMaxFileSize, "x", 1)), -LINUX_EFBIG);
  auto dirfile = vfs().open(nullptr, "/dir", LINUX_O_RDONLY, 0).release_value();
  char c;
  EXPECT_EQ(err(dirfile->read(&c, 1)), -LINUX_EISDIR);
}

TEST_F(BsdTmpfs, RemovedDirectoryIsDeadButUsable) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/gone", 0755).is_ok());
  rtl::RefPtr<Vnode> cwd = dir("/gone");
  ASSERT_TRUE(vfs().rmdir(nullptr, "/gone").is_ok());
  EXPECT_EQ(cwd->nlink, 0u);
  EXPECT_EQ(err(vfs().open(cwd.get(), "new", LINUX_O_CREAT | LINUX_O_WRONLY, 0644)), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().stat(cwd.get(), "..", Vfs::kFollow)), -LINUX_ENOENT);
  char path[64];
  EXPECT_EQ(err(vfs().path_of(*cwd, path, sizeof path)), -LINUX_ENOENT);
  EXPECT_EQ(vfs().stat(nullptr, "/", Vfs::kFollow).value().st_nlink, 2u);
}

TEST_F(BsdTmpfs, UnlinkedOpenFileKeepsItsData) {
  write_file("/tmpfile", "still here");
  auto file = vfs().open(nullptr, "/tmpfile", LINUX_O_RDONLY, 0).release_value();
  ASSERT_TRUE(vfs().unlink(nullptr, "/tmpfile").is_ok());
  EXPECT_EQ(file->stat().st_nlink, 0u);
  char buffer[32] = {};
  EXPECT_EQ(file->read(buffer, sizeof buffer).value(), 10u);
  EXPECT_STREQ(buffer, "still here");
}

TEST_F(BsdTmpfs, Rename) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/a", 0755).is_ok());
  ASSERT_TRUE(vfs().mkdir(nullptr, "/a/sub", 0755).is_ok());
  ASSERT_TRUE(vfs().mkdir(nullptr, "/b", 0755).is_ok());
  write_file("/a/f", "F");
  write_file("/b/g", "G");
  uint64_t f = ino("/a/f");
  // File over file replaces it.
  ASSERT_TRUE(vfs().rename(nullptr, "/a/f", nullptr, "/b/g").is_ok());
  EXPECT_EQ(ino("/b/g"), f);
  EXPECT_EQ(read_file("/b/g"), "F");
  EXPECT_EQ(stat_err("/a/f"), -LINUX_ENOENT);
  EXPECT_EQ(vfs().stat(nullptr, "/b/g", Vfs::kFollow).value().st_nlink, 1u);
  // Same file: nothing happens.
  EXPECT_TRUE(vfs().rename(nullptr, "/b/g", nullptr, "/b/g").is_ok());
  // Directory moves fix nlink of both parents and "..".
  ASSERT_TRUE(vfs().rename(nullptr, "/a/sub", nullptr, "/b/sub2").is_ok());
  EXPECT_EQ(vfs().stat(nullptr, "/a", Vfs::kFollow).value().st_nlink, 2u);
  EXPECT_EQ(vfs().stat(nullptr, "/b", Vfs::kFollow).value().st_nlink, 3u);
  EXPECT_EQ(ino("/b/sub2/.."), ino("/b"));
  char path[64];
  EXPECT_EQ(vfs().path_of(*dir("/b/sub2"), path, sizeof path).value(), 8u);
  EXPECT_STREQ(path, "/b/sub2");
  // Errors.
  EXPECT_EQ(err(vfs().rename(nullptr, "/b", nullptr, "/b/sub2/inside")), -LINUX_EINVAL);
  EXPECT_EQ(err(vfs().rename(nullptr, "/b", nullptr, "/b")), 0);
  EXPECT_EQ(err(vfs().rename(nullptr, "/nope", nullptr, "/x")), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().rename(nullptr, "/b/g", nullptr, "/a")), -LINUX_EISDIR);
  EXPECT_EQ(err(vfs().rename(nullptr, "/a", nullptr, "/b/g")), -LINUX_ENOTDIR);
  EXPECT_EQ(err(vfs().rename(nullptr, "/a", nullptr, "/b")), -LINUX_ENOTEMPTY);
  EXPECT_EQ(err(vfs().rename(nullptr, "/b/sub2", nullptr, "/")), -LINUX_EBUSY);
  EXPECT_EQ(err(vfs().rename(nullptr, "/b/.", nullptr, "/c")), -LINUX_EBUSY);
  EXPECT_EQ(err(vfs().rename(nullptr, "/b/g/", nullptr, "/c")), -LINUX_ENOTDIR);
  // An empty directory may be replaced by a directory.
  ASSERT_TRUE(vfs().rename(nullptr, "/b/sub2", nullptr, "/a").is_ok());
  EXPECT_EQ(vfs().stat(nullptr, "/", Vfs::kFollow).value().st_nlink, 4u);  // a, b
  EXPECT_EQ(vfs().stat(nullptr, "/b", Vfs::kFollow).value().st_nlink, 2u);
  EXPECT_EQ(vfs().stat(nullptr, "/a", Vfs::kFollow).value().st_nlink, 2u);
}

TEST_F(BsdTmpfs, SymlinksAndReadlink) {
  ASSERT_TRUE(vfs().symlink("target/path", nullptr, "/link").is_ok());
  char buffer[64];
  EXPECT_EQ(vfs().readlink(nullptr, "/link", buffer, sizeof buffer).value(), 11u);
  EXPECT_EQ(std::string(buffer, 11), "target/path");
  EXPECT_EQ(vfs().readlink(nullptr, "/link", buffer, 3).value(), 3u);  // truncated, no NUL
  auto st = vfs().stat(nullptr, "/link", 0).value();
  EXPECT_EQ(st.st_mode, LINUX_S_IFLNK | 0777);
  EXPECT_EQ(st.st_size, 11);
  EXPECT_EQ(err(vfs().readlink(nullptr, "/", buffer, sizeof buffer)), -LINUX_EINVAL);
  EXPECT_EQ(err(vfs().symlink("", nullptr, "/empty")), -LINUX_ENOENT);
  EXPECT_EQ(err(vfs().symlink("x", nullptr, "/link")), -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().symlink("x", nullptr, "/new/")), -LINUX_ENOENT);
}

TEST_F(BsdTmpfs, PageLimitGivesEnospcAndShortWrites) {
  auto fs = create_tmpfs(7, test_clock, 0755, /*page_limit=*/2).release_value();
  ASSERT_TRUE(vfs().mkdir(nullptr, "/small", 0755).is_ok());
  ASSERT_TRUE(vfs().mount(nullptr, "/small", std::move(fs), "tmpfs", "rw,size=8k").is_ok());
  auto file = vfs().open(nullptr, "/small/f", LINUX_O_RDWR | LINUX_O_CREAT, 0644).release_value();
  std::string data(3 * 4096, 'z');
  EXPECT_EQ(file->write(data.data(), data.size()).value(), 2u * 4096);  // short
  EXPECT_EQ(err(file->write(data.data(), 1)), -LINUX_ENOSPC);
  ASSERT_TRUE(file->truncate(0).is_ok());
  EXPECT_EQ(file->write(data.data(), 4096).value(), 4096u);  // pages came back
}

}  // namespace
