// The POSIX face of the I/O manager: every device object in the object
// namespace's \Device directory becomes a character node, so busybox's dd,
// cat, od and cmp reach any driver, whatever mode it runs in. Block devices are read and written at any byte
// offset and length, as Linux's buffered block devices allow: unaligned
// edges go through a bounce buffer (read, and for writes modify-write).
//
// The keyboard the console reads (\Device\kbd0) is the exception: its node
// gives every opener its own copy of the keys (keyboard_device.h).
//
// /dev/drvctl takes one command per write — "mode blk0 server",
// "inject \??\blk0 crash": any name the object manager resolves to a
// device — and a read returns the last command's report.
#include "driver_devices.h"

#include <cstring>

#include "bsdlayer/process.h"
#include "bsdlayer/vfs/char_device.h"
#include "bsdlayer/vfs/vfs.h"
#include "executive/io_manager.h"
#include "executive/keyboard_listeners.h"
#include "executive/object.h"
#include "executive/object_manager.h"
#include "keyboard_device.h"
#include "microcore/personality.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/spinlock.h"

namespace bsdlayer::driver_devices {
namespace {

namespace io = executive::io;
constexpr uint32_t kDriverMajor = 240;  // Linux's "local/experimental use" range
constexpr uint32_t kControlMinor = 255;
constexpr size_t kMaxDeviceNodes = 32;  // twice what the I/O manager's table holds
constexpr uint64_t kSector = 512;

SysError error_of(const rtl::Error& error) { return sys_error(errno_from_errc(error.code())); }

// A byte range on a block device, widened to whole sectors through a bounce
// buffer. `length` is at most 64 KiB here (the VFS hands out chunks).
SysResult<size_t> unaligned(io::DeviceObject& device, uint64_t offset, void* data, size_t length, bool writing) {
  uint64_t first = offset / kSector * kSector;
  uint64_t end = (offset + length + kSector - 1) / kSector * kSector;
  size_t span = end - first;
  auto* bounce = static_cast<uint8_t*>(rtl::allocate(span, 16));
  if (!bounce) return sys_error(LINUX_ENOMEM);
  rtl::Errc failure = rtl::Errc::ok;
  if (auto read = io::read(device, first, bounce, span); read.is_error()) {
    failure = read.error().code();
  } else if (writing) {
    memcpy(bounce + (offset - first), data, length);
    if (auto written = io::write(device, first, bounce, span); written.is_error()) failure = written.error().code();
  } else {
    memcpy(data, bounce + (offset - first), length);
  }
  rtl::deallocate(bounce, span, 16);
  if (failure != rtl::Errc::ok) return sys_error(errno_from_errc(failure));
  return length;
}

// A block device's end is end of file: the part of `length` left before it
// (0 at or past the end), ENOSPC for a write there.
SysResult<size_t> within_device(uint64_t capacity, uint64_t offset, size_t length, bool writing) {
  if (offset >= capacity) return writing && length ? sys_error(LINUX_ENOSPC) : SysResult<size_t>(size_t{0});
  return length < capacity - offset ? length : static_cast<size_t>(capacity - offset);
}

SysResult<size_t> transfer(void* context, uint64_t offset, void* data, size_t length, bool writing) {
  auto& device = *static_cast<io::DeviceObject*>(context);
  uint64_t capacity = io::device_capacity(device);
  if (capacity) {
    length = SYS_TRY(within_device(capacity, offset, length, writing));
    if (length > 65536) length = 65536;
    if (offset % kSector || length % kSector) return unaligned(device, offset, data, length, writing);
  }
  auto done = writing ? io::write(device, offset, data, length) : io::read(device, offset, data, length);
  if (done.is_error()) return error_of(done.error());
  return done.value();
}

SysResult<size_t> device_read(void* context, uint64_t offset, void* buffer, size_t length, uint32_t) {
  return transfer(context, offset, buffer, length, false);
}
SysResult<size_t> device_write(void* context, uint64_t offset, const void* buffer, size_t length, uint32_t) {
  return transfer(context, offset, const_cast<void*>(buffer), length, true);
}

// An unaligned block range from user memory: the kernel path above, a
// kernel buffer's worth at a time (the rare case: dd bs=1000).
SysResult<size_t> unaligned_user(void* context, uint64_t offset, uint64_t user, size_t length, bool writing) {
  constexpr size_t kPiece = 65536;
  auto* bounce = static_cast<uint8_t*>(rtl::allocate(kPiece, 16));
  if (!bounce) return sys_error(LINUX_ENOMEM);
  size_t done = 0;
  int failure = 0;  // a negative errno
  while (done < length) {
    size_t piece = length - done < kPiece ? length - done : kPiece;
    if (writing && !microcore::copy_from_user(bounce, user + done, piece)) {
      failure = -LINUX_EFAULT;
      break;
    }
    auto moved = transfer(context, offset + done, bounce, piece, writing);
    if (moved.is_error()) {
      failure = moved.error();
      break;
    }
    if (!writing && !microcore::copy_to_user(user + done, bounce, moved.value())) {
      failure = -LINUX_EFAULT;
      break;
    }
    done += moved.value();
    if (moved.value() < piece) break;
  }
  rtl::deallocate(bounce, kPiece, 16);
  if (done == 0 && failure) return SysError{failure};
  return done;
}

// The user-memory face (CharDevice::read_user): data moves straight between
// the caller's pages and the transfer slot, the whole request at once (the
// I/O manager splits it by slot).
SysResult<size_t> transfer_user(void* context, uint64_t offset, uint64_t user, size_t length, bool writing) {
  auto& device = *static_cast<io::DeviceObject*>(context);
  uint64_t capacity = io::device_capacity(device);
  if (capacity) {
    length = SYS_TRY(within_device(capacity, offset, length, writing));
    if (offset % kSector || length % kSector) return unaligned_user(context, offset, user, length, writing);
  }
  auto buffer = io::ClientBuffer::user(user);
  auto done = writing ? io::write(device, offset, buffer, length) : io::read(device, offset, buffer, length);
  if (done.is_error()) return error_of(done.error());
  return done.value();
}

SysResult<size_t> device_read_user(void* context, uint64_t offset, uint64_t user, size_t length, uint32_t) {
  return transfer_user(context, offset, user, length, false);
}
SysResult<size_t> device_write_user(void* context, uint64_t offset, uint64_t user, size_t length, uint32_t) {
  return transfer_user(context, offset, user, length, true);
}

SysResult<void> device_sync(void* context) {
  auto& device = *static_cast<io::DeviceObject*>(context);
  if (!io::device_capacity(device)) return {};  // a character device keeps nothing to write back
  if (auto flushed = io::flush(device); flushed.is_error()) return error_of(flushed.error());
  return {};
}

// The block-device ioctls Linux tools ask (busybox blockdev, fdisk's size
// probe). Character devices answer none of them.
constexpr uint32_t kBlkRoGet = 0x125e, kBlkGetSize = 0x1260, kBlkFlsBuf = 0x1261, kBlkSszGet = 0x1268,
                   kBlkPbszGet = 0x127b, kBlkBszGet = 0x80081270, kBlkGetSize64 = 0x80081272;

template <typename T>
SysResult<size_t> answer(uint64_t user, T value) {
  if (!microcore::copy_to_user(user, &value, sizeof value)) return sys_error(LINUX_EFAULT);
  return size_t{0};
}

SysResult<size_t> device_control(void* context, uint32_t request, uint64_t argument) {
  auto& device = *static_cast<io::DeviceObject*>(context);
  uint64_t capacity = io::device_capacity(device);
  if (!capacity) return sys_error(LINUX_ENOTTY);
  switch (request) {
    case kBlkGetSize64: return answer<uint64_t>(argument, capacity);
    case kBlkGetSize: return answer<unsigned long>(argument, capacity / kSector);
    case kBlkSszGet: return answer<int>(argument, int{kSector});
    case kBlkBszGet: return answer<int>(argument, int{kSector});
    case kBlkPbszGet: return answer<unsigned>(argument, unsigned{kSector});
    case kBlkRoGet: return answer<int>(argument, 0);
    case kBlkFlsBuf:
      if (SysResult<void> synced = device_sync(context); synced.is_error()) return SysError{synced.error()};
      return size_t{0};
    default: return sys_error(LINUX_ENOTTY);
  }
}

// --- /dev/drvctl ---
rtl::Spinlock g_report_lock;  // protects g_report
char g_report[160] = "no command yet\n";

// Formats the report under its lock (formatting never sleeps).
template <typename... Args>
void report(fmt::format_string<Args...> format, Args&&... args) {
  rtl::SpinlockGuard guard(g_report_lock);
  size_t n = rtl::format_to_buffer(g_report, sizeof g_report, format, std::forward<Args>(args)...);
  g_report[n < sizeof g_report ? n : sizeof g_report - 1] = 0;
}

// A refused command: the report says why, errno says what kind.
template <typename... Args>
SysError refuse(int positive_errno, fmt::format_string<Args...> format, Args&&... args) {
  report(format, std::forward<Args>(args)...);
  return sys_error(positive_errno);
}

std::string_view next_word(std::string_view& line) {
  while (!line.empty() && (line.front() == ' ' || line.front() == '\n')) line.remove_prefix(1);
  size_t end = 0;
  while (end < line.size() && line[end] != ' ' && line[end] != '\n') ++end;
  std::string_view word = line.substr(0, end);
  line.remove_prefix(end);
  return word;
}

bool parse_fault(std::string_view word, drivers::protocol::Fault* fault) {
  using drivers::protocol::Fault;
  constexpr struct { const char* name; Fault fault; } kFaults[] = {
      {"crash", Fault::crash}, {"hang", Fault::hang}, {"wild-write", Fault::wild_write},
      {"refuse-stop", Fault::refuse_stop}, {"fail-start", Fault::fail_start},
      {"bad-reply", Fault::bad_reply}, {"probe", Fault::none}};
  for (const auto& entry : kFaults)
    if (word == entry.name) return (*fault = entry.fault), true;
  return false;
}

SysResult<size_t> control_write(void*, uint64_t, const void* buffer, size_t length, uint32_t) {
  std::string_view line(static_cast<const char*>(buffer), length);
  std::string_view verb = next_word(line), name = next_word(line), argument = next_word(line);
  if (verb != "mode" && verb != "inject") return refuse(LINUX_EINVAL, "unknown command '{}' (mode, inject)\n", verb);
  auto found = io::find_device(name);
  if (found.is_error()) {
    rtl::Errc code = found.error().code();
    return refuse(code == rtl::Errc::not_found ? LINUX_ENODEV : errno_from_errc(code), "{}: {}\n", name,
                  found.error().what());
  }
  io::DeviceObject* device = found.value();
  name = io::device_name(*device);  // reports name the device, whichever path led to it
  if (verb == "mode") {
    if (argument != "kernel" && argument != "server")
      return refuse(LINUX_EINVAL, "{}: unknown mode '{}' (kernel, server)\n", name, argument);
    auto switched = io::switch_mode(*device, argument == "kernel" ? io::DriverMode::kernel : io::DriverMode::server);
    if (switched.is_error())
      return refuse(errno_from_errc(switched.error().code()), "{}: {}\n", name, switched.error().what());
    const io::SwitchReport& r = switched.value();
    report("{}: {} -> {} in {}.{} ms, {} requests failed\n", name, io::mode_name(r.from), io::mode_name(r.to),
           r.pause_ns / 1000000, r.pause_ns / 100000 % 10, r.requests_failed);
    return length;
  }
  drivers::protocol::Fault fault;
  if (!parse_fault(argument, &fault))
    return refuse(LINUX_EINVAL,
                  "{}: unknown fault '{}' (crash, hang, wild-write, bad-reply, refuse-stop, fail-start)\n", name,
                  argument);
  auto injected = io::inject_fault(*device, fault);
  if (injected.is_error())
    return refuse(errno_from_errc(injected.error().code()), "{}: {}\n", name, injected.error().what());
  report("{}: fault injected\n", name);
  return length;
}

SysResult<size_t> control_read(void*, uint64_t offset, void* buffer, size_t length, uint32_t) {
  rtl::SpinlockGuard guard(g_report_lock);
  size_t size = strlen(g_report);
  if (offset >= size) return size_t{0};
  size_t n = size - offset < length ? size - offset : length;
  memcpy(buffer, g_report + offset, n);
  return n;
}

}  // namespace

void sync_all() {
  for (size_t i = 0; i < io::device_count(); ++i) (void)device_sync(io::device_at(i));
}

rtl::Result<void> init() {
  // Collected under the namespace lock, added to the VFS after it: the
  // visitor may not allocate. Device objects live until power-off, so the
  // pointers stay good.
  io::DeviceObject* found[kMaxDeviceNodes];
  size_t count = 0;
  TRY(executive::ob::object_namespace().list("\\Device", [&](const executive::ob::ObjectEntry& entry) {
    io::DeviceObject* device = io::kDeviceType.body_of(entry.object);
    if (device && count < kMaxDeviceNodes) found[count++] = device;
  }));
  CharDeviceRegistry& devices = vfs().devices();
  for (size_t i = 0; i < count; ++i) {
    CharDevice node{io::device_name(*found[i]), kDriverMajor, static_cast<uint32_t>(i), 0666,
                    device_read, device_write, found[i], true, device_read_user, device_write_user,
                    device_sync, device_control};
    // The keyboard the console reads is shared through its listeners: a
    // plain read of the device here would take keys from the console.
    if (found[i] == executive::keyboard_listeners::source())
      node = keyboard_device::node(node.name, node.major, node.minor);
    if (devices.add(node).is_error()) return rtl::Error(rtl::Errc::already_exists, "driver device numbers taken");
  }
  CharDevice control{"drvctl", kDriverMajor, kControlMinor, 0600, control_read, control_write, nullptr, true};
  if (devices.add(control).is_error()) return rtl::Error(rtl::Errc::already_exists, "drvctl device number taken");
  return {};
}

}  // namespace bsdlayer::driver_devices
