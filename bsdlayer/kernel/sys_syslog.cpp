// syslog(2) (glibc's klogctl): the kernel log for dmesg, in Linux's record
// format "<level>[seconds.micros] text\n" from executive::klog's ring.
//
// Linux keeps two positions: where the destructive reader (action 2) is,
// and where the last clear left off (actions 4 and 5 move it; 3 reads from
// it). Both live here, under BsdLock; records are copied to user space
// with no lock held.
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "executive/klog.h"
#include "executive/log_buffer.h"

namespace bsdlayer {
namespace {

enum Action : int {
  kClose = 0,
  kOpen = 1,
  kRead = 2,
  kReadAll = 3,
  kReadClear = 4,
  kClear = 5,
  kConsoleOff = 6,
  kConsoleOn = 7,
  kConsoleLevel = 8,
  kSizeUnread = 9,
  kSizeBuffer = 10,
};

uint64_t g_read_sequence = 0;   // action 2's position; under BsdLock
uint64_t g_clear_sequence = 0;  // actions 3/4 start here; under BsdLock

constexpr size_t kLineCapacity = rtl::kMaxLogLine + 40;

// One record as syslog returns it, newline included; advances `sequence`.
size_t next_line(uint64_t& sequence, char* line) {
  char text[rtl::kMaxLogLine];
  executive::LogRecord record;
  if (!executive::klog::read_record(sequence, record, text, sizeof text)) return 0;
  size_t length = executive::format_syslog_line(record, line, kLineCapacity - 1);
  line[length++] = '\n';
  return length;
}

// Bytes the records from `from` on would take.
uint64_t bytes_from(uint64_t from) {
  char line[kLineCapacity];
  uint64_t total = 0;
  while (size_t length = next_line(from, line)) total += length;
  return total;
}

// Copies whole records from `from` on while they fit; returns bytes copied
// or -EFAULT, and leaves `from` after the last record copied.
int64_t copy_records(uint64_t& from, uint64_t user, uint64_t capacity) {
  char line[kLineCapacity];
  uint64_t done = 0;
  for (;;) {
    uint64_t at = from;
    size_t length = next_line(at, line);
    if (length == 0 || done + length > capacity) break;
    if (!microcore::copy_to_user(user + done, line, length)) return -LINUX_EFAULT;
    done += length;
    from = at;
  }
  return static_cast<int64_t>(done);
}

// READ_ALL: the newest records that fit in `capacity`, oldest first.
int64_t read_all(uint64_t user, uint64_t capacity, bool clear) {
  uint64_t from;
  {
    BsdLock lock;
    from = g_clear_sequence;
  }
  uint64_t oldest = executive::klog::extent().oldest_sequence;
  if (from < oldest) from = oldest;
  // Skip the oldest records until the rest fits, as Linux's syslog_print_all.
  uint64_t total = bytes_from(from);
  char line[kLineCapacity];
  while (total > capacity) {
    size_t length = next_line(from, line);
    if (length == 0) break;
    total -= length;
  }
  int64_t copied = copy_records(from, user, capacity);
  if (clear && copied >= 0) {
    BsdLock lock;
    g_clear_sequence = executive::klog::extent().next_sequence;
  }
  return copied;
}

int64_t sys_syslog(SyscallContext& c) {
  int action = static_cast<int>(c.arg[0]);
  uint64_t user = c.arg[1];
  int64_t length = static_cast<int32_t>(c.arg[2]);
  switch (action) {
    case kClose:
    case kOpen:
    case kConsoleOff:
    case kConsoleOn:
      return 0;
    case kRead: {
      if (!user || length < 0) return -LINUX_EINVAL;
      if (length == 0) return 0;
      uint64_t from;
      {
        BsdLock lock;
        from = g_read_sequence;
      }
      uint64_t oldest = executive::klog::extent().oldest_sequence;
      if (from < oldest) from = oldest;
      // Does not block when nothing is unread (Linux would): returns 0.
      int64_t copied = copy_records(from, user, static_cast<uint64_t>(length));
      if (copied > 0) {
        BsdLock lock;
        if (from > g_read_sequence) g_read_sequence = from;
      }
      return copied;
    }
    case kReadAll:
    case kReadClear:
      if (!user || length < 0) return -LINUX_EINVAL;
      if (length == 0) return 0;
      return read_all(user, static_cast<uint64_t>(length), action == kReadClear);
    case kClear: {
      BsdLock lock;
      g_clear_sequence = executive::klog::extent().next_sequence;
      return 0;
    }
    case kConsoleLevel:
      if (length < 1 || length > 8) return -LINUX_EINVAL;
      executive::klog::set_console_level(static_cast<uint8_t>(length));
      return 0;
    case kSizeUnread: {
      uint64_t from;
      {
        BsdLock lock;
        from = g_read_sequence;
      }
      return static_cast<int64_t>(bytes_from(from));
    }
    case kSizeBuffer:
      return static_cast<int64_t>(executive::klog::extent().capacity_bytes);
    default:
      return -LINUX_EINVAL;
  }
}

}  // namespace

void register_log_syscalls() {
  register_syscall(static_cast<uint32_t>(linux_abi::Syscall::syslog), sys_syslog);
}

}  // namespace bsdlayer
