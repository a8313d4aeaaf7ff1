// procfs mechanics: generated directories (root entries, pid directories in
// ascending order, readdir resuming across calls), files generated per read
// (and served in pieces), symlinks, stable inode numbers, vanished pids.
#include "bsdlayer/vfs/procfs.h"

#include <algorithm>
#include <set>
#include <vector>

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

std::set<int> g_pids;
int g_reads = 0;

bool gen_version(int, ProcText& out) {
  ++g_reads;
  out.appendf("Linux version {} #{}\n", "6.1.0-test", g_reads);
  return true;
}
bool gen_self(int, ProcText& out) {
  out.appendf("{}", *g_pids.begin());
  return true;
}
bool gen_big(int, ProcText& out) {
  for (int i = 0; i < 3000; ++i) out.appendf("line {:05}\n", i);  // 33000 bytes: forces regrowth
  return true;
}
bool gen_stat(int pid, ProcText& out) {
  if (!g_pids.count(pid)) return false;
  out.appendf("{} (proc{}) S", pid, pid);
  return true;
}
bool gen_exe(int pid, ProcText& out) {
  out.appendf("/bin/prog{}", pid);
  return true;
}

const ProcEntry kRoot[] = {
    {"version", VnodeType::regular, gen_version},
    {"self", VnodeType::symlink, gen_self},
    {"big", VnodeType::regular, gen_big},
};
const ProcEntry kPid[] = {
    {"stat", VnodeType::regular, gen_stat},
    {"exe", VnodeType::symlink, gen_exe},
};
const ProcfsTables kTables{
    kRoot, 3, kPid, 2,
    [](void (*visit)(int, void*), void* context) {
      // Deliberately unordered: procfs must sort.
      std::vector<int> pids(g_pids.rbegin(), g_pids.rend());
      for (int pid : pids) visit(pid, context);
    },
    [](int pid) { return g_pids.count(pid) != 0; },
};

class BsdProcfs : public BsdVfsTest {
 protected:
  void SetUp() override {
    BsdVfsTest::SetUp();
    g_pids = {1, 7, 42};
    g_reads = 0;
    ASSERT_TRUE(vfs().mkdir(nullptr, "/proc", 0555).is_ok());
    auto fs = create_procfs(9, test_clock, kTables);
    ASSERT_TRUE(fs.is_ok());
    ASSERT_TRUE(vfs().mount(nullptr, "/proc", fs.release_value(), "proc", "rw").is_ok());
  }

  // Names from getdents64 with a buffer of `capacity` bytes per call.
  std::vector<std::string> list(const char* path, size_t capacity = 4096) {
    auto file = vfs().open(nullptr, path, LINUX_O_RDONLY | LINUX_O_DIRECTORY, 0);
    EXPECT_TRUE(file.is_ok());
    std::vector<std::string> names;
    if (file.is_error()) return names;
    std::vector<char> buffer(capacity);
    for (;;) {
      auto n = file.value()->read_directory(buffer.data(), buffer.size());
      EXPECT_TRUE(n.is_ok());
      if (n.is_error() || n.value() == 0) break;
      for (size_t at = 0; at < n.value();) {
        auto* d = reinterpret_cast<linux_dirent64*>(buffer.data() + at);
        names.emplace_back(d->d_name);
        at += d->d_reclen;
      }
    }
    return names;
  }
};

TEST_F(BsdProcfs, RootListsEntriesThenPidsInOrder) {
  std::vector<std::string> expected = {".", "..", "version", "self", "big", "1", "7", "42"};
  EXPECT_EQ(list("/proc"), expected);
  // A buffer holding one record at a time resumes at the right place.
  EXPECT_EQ(list("/proc", 32), expected);
}

TEST_F(BsdProcfs, PidDirectoryListsItsEntries) {
  std::vector<std::string> expected = {".", "..", "stat", "exe"};
  EXPECT_EQ(list("/proc/7"), expected);
  EXPECT_EQ(read_file("/proc/7/stat"), "7 (proc7) S");
  EXPECT_EQ(read_file("/proc/42/../1/stat"), "1 (proc1) S");
}

TEST_F(BsdProcfs, FilesAreGeneratedOnEachRead) {
  EXPECT_EQ(read_file("/proc/version"), "Linux version 6.1.0-test #1\n");
  EXPECT_EQ(read_file("/proc/version"), "Linux version 6.1.0-test #3\n");  // one read + the EOF read each
  auto st = vfs().stat(nullptr, "/proc/version", Vfs::kFollow).value();
  EXPECT_EQ(st.st_mode, LINUX_S_IFREG | 0444);
  EXPECT_EQ(st.st_size, 0);
}

TEST_F(BsdProcfs, LongTextsGrowTheBufferAndReadInPieces) {
  std::string text = read_file("/proc/big");  // read_file reads 1000 bytes at a time
  ASSERT_EQ(text.size(), 3000u * 11);
  EXPECT_EQ(text.substr(0, 11), "line 00000\n");
  EXPECT_EQ(text.substr(text.size() - 11), "line 02999\n");
}

TEST_F(BsdProcfs, SymlinksResolve) {
  char target[64];
  auto n = vfs().readlink(nullptr, "/proc/self", target, sizeof target);
  ASSERT_TRUE(n.is_ok());
  EXPECT_EQ(std::string(target, n.value()), "1");
  // /proc/self/stat follows the relative link inside /proc.
  EXPECT_EQ(read_file("/proc/self/stat"), "1 (proc1) S");
  auto exe = vfs().readlink(nullptr, "/proc/42/exe", target, sizeof target);
  ASSERT_TRUE(exe.is_ok());
  EXPECT_EQ(std::string(target, exe.value()), "/bin/prog42");
  EXPECT_EQ(vfs().stat(nullptr, "/proc/self", 0).value().st_mode, LINUX_S_IFLNK | 0777);
}

TEST_F(BsdProcfs, InodesAreStableAndDistinct) {
  uint64_t a = ino("/proc/7/stat");
  EXPECT_NE(a, 0u);
  EXPECT_EQ(ino("/proc/7/stat"), a);
  EXPECT_NE(ino("/proc/42/stat"), a);
  EXPECT_NE(ino("/proc/7"), ino("/proc/42"));
  EXPECT_EQ(vfs().stat(nullptr, "/proc/7", Vfs::kFollow).value().st_mode, LINUX_S_IFDIR | 0555);
}

TEST_F(BsdProcfs, MissingAndVanishedPids) {
  EXPECT_EQ(stat_err("/proc/8"), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/proc/007"), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/proc/7/nothing"), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/proc/version/x"), -LINUX_ENOTDIR);
  auto file = vfs().open(nullptr, "/proc/7/stat", LINUX_O_RDONLY, 0);
  ASSERT_TRUE(file.is_ok());
  g_pids.erase(7);  // the process is reaped while the file is open
  char buffer[64];
  EXPECT_EQ(err(file.value()->read(buffer, sizeof buffer)), -LINUX_ENOENT);
  EXPECT_EQ(stat_err("/proc/7"), -LINUX_ENOENT);
}

TEST_F(BsdProcfs, CannotCreateOrWrite) {
  EXPECT_NE(err(vfs().mkdir(nullptr, "/proc/new", 0755)), 0);
  auto file = vfs().open(nullptr, "/proc/version", LINUX_O_RDONLY, 0);
  ASSERT_TRUE(file.is_ok());
  EXPECT_NE(err(file.value()->write("x", 1)), 0);
}

TEST_F(BsdProcfs, AppearsInMounts) {
  char text[256];
  size_t n = vfs().format_mounts(text, sizeof text);
  EXPECT_NE(std::string(text, n).find("proc /proc proc rw 0 0\n"), std::string::npos);
}

}  // namespace
