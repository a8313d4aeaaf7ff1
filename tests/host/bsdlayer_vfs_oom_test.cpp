// Allocation failure: every VFS call that allocates is run with the heap
// failing at its first, second, ... allocation until it succeeds. Each
// failure must be ENOMEM, leave no bytes allocated, and leave the tree as it
// was; the fixture checks nothing leaked once everything is torn down.
#include <functional>

#include "bsdlayer/vfs/fd_table.h"
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

class BsdVfsOom : public BsdVfsTest {
 protected:
  // Runs `operation` with 0, 1, 2, ... allocations allowed; returns how
  // many it needed. `exact_bytes`: a failed call must not hold on to any
  // allocation (false where a grown buffer is legitimately kept).
  int fail_until_success(const std::function<int()>& operation, const std::function<bool()>& unchanged,
                         bool exact_bytes = true) {
    for (int allowed = 0; allowed < 64; ++allowed) {
      long before = HeapCounter::live_bytes;
      HeapCounter::allocations_left = allowed;
      int result = operation();
      HeapCounter::allocations_left = -1;
      if (result == 0) return allowed;
      EXPECT_EQ(result, -LINUX_ENOMEM) << "with " << allowed << " allocations";
      if (exact_bytes) {
        EXPECT_EQ(HeapCounter::live_bytes, before) << "leak after failing at allocation " << allowed;
      }
      EXPECT_TRUE(unchanged()) << "tree changed by a failed call, allocation " << allowed;
    }
    ADD_FAILURE() << "never succeeded";
    return -1;
  }
};

TEST_F(BsdVfsOom, CreateMkdirSymlinkRename) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/d", 0755).is_ok());
  auto absent = [&](const char* path) { return [this, path] { return stat_err(path, 0) == -LINUX_ENOENT; }; };
  EXPECT_GT(fail_until_success([&] { return err(vfs().mkdir(nullptr, "/d/sub", 0755)); }, absent("/d/sub")), 0);
  EXPECT_GT(fail_until_success(
                [&] { return err(vfs().open(nullptr, "/d/f", LINUX_O_CREAT | LINUX_O_WRONLY, 0644)); },
                absent("/d/f")),
            0);
  EXPECT_GT(fail_until_success([&] { return err(vfs().symlink("/d", nullptr, "/link")); }, absent("/link")), 0);
  EXPECT_GT(fail_until_success([&] { return err(vfs().rename(nullptr, "/d/f", nullptr, "/d/sub/g")); },
                               [&] { return stat_err("/d/f") == 0 && stat_err("/d/sub/g") == -LINUX_ENOENT; }),
            0);
  // Following a symlink needs a scratch buffer.
  EXPECT_GT(fail_until_success([&] { return stat_err("/link/sub/g"); }, [] { return true; }), 0);
}

TEST_F(BsdVfsOom, WritesAllocatePageTableAndPages) {
  write_file("/f", "");
  auto file = vfs().open(nullptr, "/f", LINUX_O_RDWR, 0).release_value();
  std::string data(3 * 4096, 'q');
  // One page: page table + page. The file keeps a page table it grew before
  // the page allocation failed (freed with the file; the fixture checks).
  EXPECT_EQ(fail_until_success([&] { return err(file->write_at(0, data.data(), 10)); },
                               [&] { return file->stat().st_size == 0 && file->stat().st_blocks == 0; },
                               /*exact_bytes=*/false),
            2);
  // A failure after some pages were written is a short write, not an error.
  HeapCounter::allocations_left = 1;
  auto partial = file->write_at(4096, data.data(), 2 * 4096);
  HeapCounter::allocations_left = -1;
  ASSERT_TRUE(partial.is_ok());
  EXPECT_EQ(partial.value(), 4096u);
}

TEST_F(BsdVfsOom, MountsFdTablesAndOpenFiles) {
  ASSERT_TRUE(vfs().mkdir(nullptr, "/mnt", 0755).is_ok());
  EXPECT_GT(fail_until_success(
                [&] {
                  auto fs = create_tmpfs(9, test_clock);
                  if (fs.is_error()) return fs.error();
                  return err(vfs().mount(nullptr, "/mnt", fs.release_value(), "t", "rw"));
                },
                [&] { return vfs().stat(nullptr, "/mnt", 0).value().st_dev == 1; }),
            0);
  EXPECT_EQ(vfs().stat(nullptr, "/mnt", 0).value().st_dev, 9u);
  rtl::OwnPtr<FdTable> table;
  EXPECT_EQ(fail_until_success(
                [&] {
                  auto t = FdTable::create();
                  if (t.is_error()) return t.error();
                  table = t.release_value();
                  return 0;
                },
                [] { return true; }),
            1);
  write_file("/f", "x");
  rtl::OwnPtr<FdTable> child;
  ASSERT_TRUE(table->install(vfs().open(nullptr, "/f", LINUX_O_RDONLY, 0).release_value(), false).is_ok());
  EXPECT_EQ(fail_until_success(
                [&] {
                  auto t = table->clone();
                  if (t.is_error()) return t.error();
                  child = t.release_value();
                  return 0;
                },
                [] { return true; }),
            1);
  EXPECT_EQ(child->get(0).value()->vnode_ref()->ino, ino("/f"));
}

}  // namespace
