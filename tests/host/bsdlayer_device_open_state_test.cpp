// Per-open state of character devices (CharDevice::open/release): each open
// gets its own state, every call for that open file gets it as its context,
// release runs once when the last descriptor sharing it (dup, fork) closes,
// and an error from open (or from allocating the OpenFile after it) fails
// the open with nothing left behind.
#include "bsdlayer/vfs/devfs.h"
#include "bsdlayer/vfs/fd_table.h"
#include "bsdlayer_vfs_test_support.h"

namespace {

using namespace bsdtest;

// What a keyboard-like device keeps per opener; the test owns the storage.
struct Opener {
  int serial = 0;
  int released = 0;
};

struct Device {
  Opener openers[4];
  int opened = 0;
  int open_error = 0;  // a positive errno to refuse the next open with
  void* last_context = nullptr;
  uint32_t last_open_flags = 0;
};

SysResult<void*> open_opener(void* context, uint32_t flags) {
  auto* device = static_cast<Device*>(context);
  if (device->open_error) return sys_error(device->open_error);
  device->last_open_flags = flags;
  Opener& opener = device->openers[device->opened];
  opener.serial = ++device->opened;
  return static_cast<void*>(&opener);
}

void release_opener(void* state) {
  ++static_cast<Opener*>(state)->released;
}

// A read answers with the serial of the opener it was called for.
SysResult<size_t> read_serial(void* context, uint64_t, void* buffer, size_t length, uint32_t) {
  if (length == 0) return size_t{0};
  *static_cast<uint8_t*>(buffer) = static_cast<uint8_t>(static_cast<Opener*>(context)->serial);
  return size_t{1};
}

SysResult<size_t> write_serial(void* context, uint64_t, const void*, size_t length, uint32_t) {
  return static_cast<size_t>(static_cast<Opener*>(context)->serial) * 100 + length;
}

class BsdDeviceOpenState : public BsdVfsTest {
 protected:
  void SetUp() override {
    BsdVfsTest::SetUp();
    CharDevice node{"keys", 240, 7, 0666, read_serial, write_serial, &device};
    node.open = open_opener;
    node.release = release_opener;
    ASSERT_TRUE(vfs().devices().add(node).is_ok());
    ASSERT_TRUE(vfs().mkdir(nullptr, "/dev", 0755).is_ok());
    auto devfs = create_devfs(5, test_clock, vfs().devices()).release_value();
    ASSERT_TRUE(vfs().mount(nullptr, "/dev", std::move(devfs), "devtmpfs", "rw").is_ok());
  }

  rtl::RefPtr<OpenFile> open_keys(uint32_t flags = LINUX_O_RDONLY) {
    return vfs().open(nullptr, "/dev/keys", flags, 0).release_value();
  }
  static int read_one(OpenFile& file) {
    uint8_t byte = 0;
    auto n = file.read(&byte, 1);
    return n.is_ok() && n.value() == 1 ? byte : -1;
  }

  Device device;
};

TEST_F(BsdDeviceOpenState, CallsGetTheOpenFilesOwnState) {
  auto file = open_keys(LINUX_O_RDWR | LINUX_O_NONBLOCK);
  EXPECT_EQ(device.opened, 1);
  EXPECT_TRUE(device.last_open_flags & LINUX_O_NONBLOCK);  // the status flags, as reads get
  EXPECT_EQ(file->device_context(), &device.openers[0]);
  EXPECT_EQ(read_one(*file), 1);
  EXPECT_EQ(file->write("abc", 3).value(), 103u);
}

TEST_F(BsdDeviceOpenState, EachOpenGetsDistinctState) {
  auto first = open_keys();
  auto second = open_keys();
  EXPECT_EQ(device.opened, 2);
  EXPECT_NE(first->device_context(), second->device_context());
  EXPECT_EQ(read_one(*first), 1);
  EXPECT_EQ(read_one(*second), 2);
  first = nullptr;
  EXPECT_EQ(device.openers[0].released, 1);
  EXPECT_EQ(device.openers[1].released, 0);  // the other open is untouched
  EXPECT_EQ(read_one(*second), 2);
}

TEST_F(BsdDeviceOpenState, ReleasedOnceOnTheLastCloseOfDupsAndForkedTables) {
  auto table = FdTable::create().release_value();
  int fd = table->install(open_keys(), false).value();
  int copy = table->dup(fd).value();
  auto forked = table->clone().release_value();  // fork shares the description
  ASSERT_TRUE(table->close(fd).is_ok());
  ASSERT_TRUE(forked->close(fd).is_ok());
  EXPECT_EQ(device.openers[0].released, 0);
  EXPECT_EQ(read_one(*table->get(copy).value()), 1);  // still the same state
  ASSERT_TRUE(table->close(copy).is_ok());
  EXPECT_EQ(device.openers[0].released, 0);  // the forked copy of `copy` remains
  forked.reset();
  EXPECT_EQ(device.openers[0].released, 1);
  table.reset();
  EXPECT_EQ(device.openers[0].released, 1);
  EXPECT_EQ(device.opened, 1);
}

TEST_F(BsdDeviceOpenState, OpenErrorReachesTheCaller) {
  device.open_error = LINUX_EBUSY;
  EXPECT_EQ(err(vfs().open(nullptr, "/dev/keys", LINUX_O_RDONLY, 0)), -LINUX_EBUSY);
  EXPECT_EQ(device.opened, 0);
  device.open_error = 0;
  // The device said yes but the OpenFile cannot be allocated: the state
  // goes straight back to the device, and the caller sees ENOMEM.
  HeapCounter::allocations_left = 0;
  EXPECT_EQ(err(vfs().open(nullptr, "/dev/keys", LINUX_O_RDONLY, 0)), -LINUX_ENOMEM);
  HeapCounter::allocations_left = -1;
  EXPECT_EQ(device.opened, 1);
  EXPECT_EQ(device.openers[0].released, 1);
}

TEST_F(BsdDeviceOpenState, DevicesWithoutTheHookKeepTheirContext) {
  ASSERT_TRUE(register_memory_devices(vfs().devices()).is_ok());
  ASSERT_TRUE(vfs().mknod(nullptr, "/null", LINUX_S_IFCHR | 0666, linux_makedev(1, 3)).is_ok());
  auto null = vfs().open(nullptr, "/null", LINUX_O_RDWR, 0).release_value();
  EXPECT_EQ(null->device_context(), vfs().devices().find(1, 3)->context);
  EXPECT_EQ(null->write("x", 1).value(), 1u);
}

}  // namespace
