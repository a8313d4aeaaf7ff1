// FdTable: lowest free descriptor, dup/dup2/dup3, fcntl, close-on-exec,
// EBADF/EMFILE, and fork's clone sharing open file descriptions.
#include "bsdlayer/vfs/fd_table.h"

#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

class BsdFdTable : public BsdVfsTest {
 protected:
  void SetUp() override {
    BsdVfsTest::SetUp();
    write_file("/f", "0123456789");
    table = FdTable::create().release_value();
  }
  void TearDown() override {
    table.reset();
    BsdVfsTest::TearDown();
  }
  rtl::RefPtr<OpenFile> open_f(uint32_t flags = LINUX_O_RDWR) {
    return vfs().open(nullptr, "/f", flags, 0).release_value();
  }
  rtl::OwnPtr<FdTable> table;
};

TEST_F(BsdFdTable, LowestFreeDescriptor) {
  EXPECT_EQ(table->install(open_f(), false).value(), 0);
  EXPECT_EQ(table->install(open_f(), false).value(), 1);
  EXPECT_EQ(table->install(open_f(), false).value(), 2);
  ASSERT_TRUE(table->close(1).is_ok());
  EXPECT_EQ(table->install(open_f(), false).value(), 1);
  EXPECT_EQ(table->install(open_f(), false, 10).value(), 10);
  EXPECT_EQ(table->install(open_f(), false).value(), 3);
  EXPECT_EQ(table->open_count(), 5);
}

TEST_F(BsdFdTable, BadDescriptors) {
  EXPECT_EQ(err(table->get(0)), -LINUX_EBADF);
  EXPECT_EQ(err(table->get(-1)), -LINUX_EBADF);
  EXPECT_EQ(err(table->get(FdTable::kMaxFds)), -LINUX_EBADF);
  EXPECT_EQ(err(table->close(3)), -LINUX_EBADF);
  EXPECT_EQ(err(table->dup(3)), -LINUX_EBADF);
  EXPECT_EQ(err(table->dup2(3, 4)), -LINUX_EBADF);
  EXPECT_EQ(err(table->dup2(3, 3)), -LINUX_EBADF);  // same fd, but not open
  EXPECT_EQ(err(table->fcntl(3, LINUX_F_GETFD, 0)), -LINUX_EBADF);
  int fd = table->install(open_f(), false).value();
  EXPECT_EQ(err(table->dup2(fd, -1)), -LINUX_EBADF);
  EXPECT_EQ(err(table->dup2(fd, FdTable::kMaxFds)), -LINUX_EBADF);
  EXPECT_EQ(err(table->fcntl(fd, 999, 0)), -LINUX_EINVAL);
  EXPECT_EQ(err(table->close(fd)), 0);
  EXPECT_EQ(err(table->close(fd)), -LINUX_EBADF);
}

TEST_F(BsdFdTable, DupSharesTheOffset) {
  int fd = table->install(open_f(), false).value();
  int copy = table->dup(fd).value();
  EXPECT_EQ(copy, 1);
  char buffer[4];
  ASSERT_EQ(table->get(fd).value()->read(buffer, 4).value(), 4u);
  EXPECT_EQ(table->get(copy).value()->offset(), 4u);
  EXPECT_EQ(table->get(fd).value().get(), table->get(copy).value().get());
}

TEST_F(BsdFdTable, Dup2AndDup3) {
  int a = table->install(open_f(LINUX_O_RDONLY), false).value();
  int b = table->install(open_f(LINUX_O_WRONLY), true).value();
  OpenFile* first = table->get(a).value().get();
  EXPECT_EQ(table->dup2(a, a).value(), a);  // no-op
  EXPECT_EQ(table->dup2(a, b).value(), b);  // closes b's old file
  EXPECT_EQ(table->get(b).value().get(), first);
  EXPECT_FALSE(table->is_close_on_exec(b));  // dup2 clears it
  EXPECT_EQ(table->dup2(a, 500).value(), 500);
  EXPECT_EQ(err(table->dup3(a, a, 0)), -LINUX_EINVAL);
  EXPECT_EQ(err(table->dup3(a, 7, LINUX_O_APPEND)), -LINUX_EINVAL);
  EXPECT_EQ(table->dup3(a, 7, LINUX_O_CLOEXEC).value(), 7);
  EXPECT_TRUE(table->is_close_on_exec(7));
}

TEST_F(BsdFdTable, FcntlCommands) {
  int fd = table->install(open_f(LINUX_O_WRONLY | LINUX_O_CLOEXEC), false).value();
  EXPECT_EQ(table->fcntl(fd, LINUX_F_GETFD, 0).value(), 0);
  EXPECT_EQ(table->fcntl(fd, LINUX_F_SETFD, LINUX_FD_CLOEXEC).value(), 0);
  EXPECT_EQ(table->fcntl(fd, LINUX_F_GETFD, 0).value(), LINUX_FD_CLOEXEC);
  // F_GETFL: access mode and status flags, never creation flags or CLOEXEC.
  EXPECT_EQ(table->fcntl(fd, LINUX_F_GETFL, 0).value(), LINUX_O_WRONLY | LINUX_O_LARGEFILE);
  // F_SETFL changes O_APPEND/O_NONBLOCK only, for every descriptor sharing the file.
  int copy = table->dup(fd).value();
  EXPECT_EQ(table->fcntl(fd, LINUX_F_SETFL, LINUX_O_APPEND | LINUX_O_NONBLOCK | LINUX_O_RDWR).value(), 0);
  EXPECT_EQ(table->fcntl(copy, LINUX_F_GETFL, 0).value(),
            LINUX_O_WRONLY | LINUX_O_LARGEFILE | LINUX_O_APPEND | LINUX_O_NONBLOCK);
  EXPECT_FALSE(table->is_close_on_exec(copy));  // the flag is per descriptor
  // F_DUPFD / F_DUPFD_CLOEXEC: lowest free at or above the argument.
  EXPECT_EQ(table->fcntl(fd, LINUX_F_DUPFD, 0).value(), 2);
  EXPECT_EQ(table->fcntl(fd, LINUX_F_DUPFD, 100).value(), 100);
  EXPECT_EQ(table->fcntl(fd, LINUX_F_DUPFD_CLOEXEC, 100).value(), 101);
  EXPECT_TRUE(table->is_close_on_exec(101));
  EXPECT_EQ(err(table->fcntl(fd, LINUX_F_DUPFD, FdTable::kMaxFds)), -LINUX_EINVAL);
  EXPECT_EQ(err(table->fcntl(fd, LINUX_F_DUPFD, static_cast<uint64_t>(-1))), -LINUX_EINVAL);
}

TEST_F(BsdFdTable, EmfileWhenFull) {
  rtl::RefPtr<OpenFile> file = open_f();
  for (int i = 0; i < FdTable::kMaxFds; ++i) ASSERT_EQ(table->install(file, false).value(), i);
  EXPECT_EQ(err(table->install(file, false)), -LINUX_EMFILE);
  EXPECT_EQ(err(table->dup(0)), -LINUX_EMFILE);
  EXPECT_EQ(err(table->fcntl(0, LINUX_F_DUPFD, 5)), -LINUX_EMFILE);
  EXPECT_EQ(table->dup2(0, 1023).value(), 1023);  // replacing needs no free slot
  EXPECT_EQ(file->ref_count(), 1u + FdTable::kMaxFds);
}

TEST_F(BsdFdTable, CloseOnExecAndForkClone) {
  int keep = table->install(open_f(), false).value();
  int drop = table->install(open_f(), true).value();
  auto child = table->clone().release_value();
  EXPECT_EQ(child->get(keep).value().get(), table->get(keep).value().get());  // shared
  EXPECT_TRUE(child->is_close_on_exec(drop));
  child->close_on_exec();
  EXPECT_EQ(err(child->get(drop)), -LINUX_EBADF);
  EXPECT_TRUE(child->get(keep).is_ok());
  EXPECT_TRUE(table->get(drop).is_ok());  // the parent is untouched
  // Closing in the child leaves the parent's description open.
  ASSERT_TRUE(child->close(keep).is_ok());
  char c;
  EXPECT_EQ(table->get(keep).value()->read(&c, 1).value(), 1u);
}

}  // namespace
