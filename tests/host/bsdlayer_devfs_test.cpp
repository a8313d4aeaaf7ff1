// devfs and character devices: /dev/null and /dev/zero through open/read/
// write, a driver registered by "kernel code", and ENXIO without one.
#include "bsdlayer/vfs/devfs.h"

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

struct Recorder {
  std::string written;
  uint32_t last_flags = 0;
};

SysResult<size_t> record_write(void* context, uint64_t, const void* buffer, size_t length,
                               uint32_t flags) {
  auto* r = static_cast<Recorder*>(context);
  r->written.append(static_cast<const char*>(buffer), length);
  r->last_flags = flags;
  return length;
}
SysResult<size_t> would_block(void*, uint64_t, void*, size_t, uint32_t) {
  return sys_error(LINUX_EAGAIN);
}

class BsdDevfs : public BsdVfsTest {
 protected:
  void SetUp() override {
    BsdVfsTest::SetUp();
    ASSERT_TRUE(register_memory_devices(vfs().devices()).is_ok());
    ASSERT_TRUE(vfs().mkdir(nullptr, "/dev", 0755).is_ok());
    auto devfs = create_devfs(5, test_clock, vfs().devices()).release_value();
    devfs_ = devfs.get();
    ASSERT_TRUE(vfs().mount(nullptr, "/dev", std::move(devfs), "devtmpfs", "rw").is_ok());
  }
  FileSystem* devfs_ = nullptr;
};

TEST_F(BsdDevfs, NodesCarryDeviceNumbers) {
  auto st = vfs().stat(nullptr, "/dev/null", Vfs::kFollow).value();
  EXPECT_EQ(st.st_mode, LINUX_S_IFCHR | 0666);
  EXPECT_EQ(st.st_rdev, linux_makedev(1, 3));
  EXPECT_EQ(linux_major(st.st_rdev), 1u);
  EXPECT_EQ(linux_minor(st.st_rdev), 3u);
  EXPECT_EQ(vfs().stat(nullptr, "/dev/zero", Vfs::kFollow).value().st_rdev, linux_makedev(1, 5));
  char text[128];
  size_t n = vfs().format_mounts(text, sizeof text);
  EXPECT_EQ(std::string(text, n), "rootfs / tmpfs rw 0 0\ndevtmpfs /dev devtmpfs rw 0 0\n");
}

TEST_F(BsdDevfs, NullAndZero) {
  auto null = vfs().open(nullptr, "/dev/null", LINUX_O_RDWR, 0).release_value();
  char buffer[64];
  memset(buffer, 0x7f, sizeof buffer);
  EXPECT_EQ(null->read(buffer, sizeof buffer).value(), 0u);
  EXPECT_EQ(null->write("gone", 4).value(), 4u);
  auto zero = vfs().open(nullptr, "/dev/zero", LINUX_O_RDONLY, 0).release_value();
  EXPECT_EQ(zero->read(buffer, sizeof buffer).value(), sizeof buffer);
  for (char c : buffer) EXPECT_EQ(c, 0);
  EXPECT_EQ(err(zero->write("x", 1)), -LINUX_EBADF);  // opened read-only
  // Truncating a device on open is ignored, as on Linux.
  EXPECT_TRUE(vfs().open(nullptr, "/dev/null", LINUX_O_WRONLY | LINUX_O_TRUNC, 0).is_ok());
}

TEST_F(BsdDevfs, LateRegisteredDriverAndUnboundNodes) {
  Recorder recorder;
  CharDevice console{"console", 5, 1, 0600, would_block, record_write, &recorder};
  ASSERT_TRUE(vfs().devices().add(console).is_ok());
  EXPECT_EQ(err(vfs().devices().add(console)), -LINUX_EEXIST);
  ASSERT_TRUE(add_device_node(*devfs_, console).is_ok());
  auto file =
      vfs().open(nullptr, "/dev/console", LINUX_O_RDWR | LINUX_O_NONBLOCK, 0).release_value();
  EXPECT_EQ(file->write("hi\n", 3).value(), 3u);
  EXPECT_EQ(recorder.written, "hi\n");
  EXPECT_TRUE(recorder.last_flags & LINUX_O_NONBLOCK);
  char c;
  EXPECT_EQ(err(file->read(&c, 1)), -LINUX_EAGAIN);
  // A device node for a pair nobody registered: ENXIO at open.
  ASSERT_TRUE(vfs().mknod(nullptr, "/dev/ghost", LINUX_S_IFCHR | 0600, linux_makedev(42, 0)).is_ok());
  EXPECT_EQ(err(vfs().open(nullptr, "/dev/ghost", LINUX_O_RDONLY, 0)), -LINUX_ENXIO);
  // Device nodes work on any filesystem, not only devfs.
  ASSERT_TRUE(vfs().mknod(nullptr, "/null2", LINUX_S_IFCHR | 0666, linux_makedev(1, 3)).is_ok());
  EXPECT_TRUE(vfs().open(nullptr, "/null2", LINUX_O_RDONLY, 0).is_ok());
  EXPECT_EQ(err(vfs().mknod(nullptr, "/null2", LINUX_S_IFCHR, 0)), -LINUX_EEXIST);
  EXPECT_EQ(err(vfs().mknod(nullptr, "/sock", 0140000 | 0600, 0)), -LINUX_EINVAL);
}

}  // namespace
