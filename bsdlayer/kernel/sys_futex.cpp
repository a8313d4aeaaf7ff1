// futex(2): FUTEX_WAIT/WAKE and their _BITSET forms, enough for glibc's
// mutexes, condition variables and pthread_join.
//
// Design: a fixed hash table of buckets keyed by (task, user address); a
// futex word is named by the task (its address map) and the address, so
// private and "shared" futexes are the same thing here and a futex in
// memory shared between processes is not supported. Each waiter is a record
// on its own kernel stack, linked into its bucket; FUTEX_WAKE unlinks up to
// n matching records, marks them woken and wakes the bucket's microcore
// wait queue. Every sleeper of the bucket wakes and rechecks its own mark:
// one not chosen sleeps again (keeping its deadline). So a wake is exact
// (never more than n return 0) at the cost of spurious context switches
// under collisions.
//
// Atomicity: the word is compared and the waiter linked with interrupts off
// and g_futex_lock held, the same section FUTEX_WAKE takes; the sleep
// starts with interrupts still off (as wait4 does), so a wake between the
// check and the sleep cannot be lost on this single CPU.
//
// Bitsets: any non-zero bitset is treated as all-ones (what glibc uses).
#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "rtl/intrusive_list.h"
#include "rtl/platform.h"
#include "rtl/spinlock.h"

namespace bsdlayer {


namespace {

constexpr int kFutexWait = 0, kFutexWake = 1, kFutexWaitBitset = 9, kFutexWakeBitset = 10;
constexpr int kFutexPrivate = 128, kFutexClockRealtime = 256;
constexpr uint64_t kBillion = 1000000000ull;
constexpr size_t kBuckets = 64;

struct Waiter {
  microcore::Task* task;
  uint64_t address;
  bool woken;
  rtl::IntrusiveListNode node;
};

struct Bucket {
  rtl::IntrusiveList<Waiter, &Waiter::node> waiters;
  microcore::WaitQueue* queue = nullptr;
};

Bucket g_buckets[kBuckets];
rtl::Spinlock g_futex_lock;

Bucket& bucket_for(const microcore::Task* task, uint64_t address) {
  uint64_t key = reinterpret_cast<uint64_t>(task) ^ (address >> 2) * 0x9e3779b97f4a7c15ull;
  return g_buckets[(key ^ (key >> 29)) % kBuckets];
}

int64_t futex_wait(uint64_t address, uint32_t expected, uint64_t deadline_ns) {
  microcore::Task& task = microcore::current_task();
  uint32_t value;
  // Read once with interrupts on, so the page is present for the check.
  if (!microcore::copy_from_user(&value, address, sizeof value)) return -LINUX_EFAULT;
  Bucket& bucket = bucket_for(&task, address);
  if (!bucket.queue) return -LINUX_ENOMEM;
  Waiter self{&task, address, false, {}};
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  g_futex_lock.lock();
  int64_t result = 0;
  if (!microcore::copy_from_user(&value, address, sizeof value)) {
    result = -LINUX_EFAULT;
  } else if (value != expected) {
    result = -LINUX_EAGAIN;
  } else if (deadline_ns && deadline_ns <= microcore::now_ns()) {
    result = -LINUX_ETIMEDOUT;
  } else {
    bucket.waiters.push_back(self);
    for (;;) {
      g_futex_lock.unlock();
      microcore::WaitOutcome outcome = microcore::wait_on(*bucket.queue, deadline_ns);
      g_futex_lock.lock();
      if (self.woken) break;  // result 0, even if a signal or the deadline came too
      if (outcome == microcore::WaitOutcome::timed_out ||
          (deadline_ns && deadline_ns <= microcore::now_ns())) {
        bucket.waiters.remove(self);
        result = -LINUX_ETIMEDOUT;
        break;
      }
      if (outcome == microcore::WaitOutcome::interrupted) {
        bucket.waiters.remove(self);
        result = -LINUX_EINTR;
        break;
      }
      // Another waiter of the bucket was chosen: sleep again.
    }
  }
  g_futex_lock.unlock();
  rtl::platform::irq_restore(interrupts);
  return result;
}

// A struct timespec from user memory, in ns; false if unreadable/invalid.
bool read_timespec(uint64_t user, uint64_t& ns) {
  int64_t ts[2];
  if (!microcore::copy_from_user(ts, user, sizeof ts)) return false;
  if (ts[0] < 0 || ts[1] < 0 || ts[1] >= int64_t(kBillion)) return false;
  ns = uint64_t(ts[0]) * kBillion + uint64_t(ts[1]);
  return true;
}

int64_t sys_futex(SyscallContext& c) {
  uint64_t address = c.arg[0];
  int op = static_cast<int>(c.arg[1]);
  uint32_t value = static_cast<uint32_t>(c.arg[2]);
  uint64_t timeout = c.arg[3];
  uint32_t bitset = static_cast<uint32_t>(c.arg[5]);
  int command = op & ~(kFutexPrivate | kFutexClockRealtime);
  if (address & 3) return -LINUX_EINVAL;
  switch (command) {
    case kFutexWait:
    case kFutexWaitBitset: {
      if (command == kFutexWaitBitset && bitset == 0) return -LINUX_EINVAL;
      if ((op & kFutexClockRealtime) && command == kFutexWait) return -LINUX_ENOSYS;  // as Linux
      uint64_t deadline = 0;
      if (timeout) {
        uint64_t ns;
        if (!read_timespec(timeout, ns)) return -LINUX_EINVAL;
        if (command == kFutexWait) {
          deadline = microcore::now_ns() + ns;  // relative, CLOCK_MONOTONIC
        } else if (op & kFutexClockRealtime) {
          uint64_t boot = boot_wall_clock_ns();
          deadline = ns > boot ? ns - boot : 1;  // absolute wall-clock time
        } else {
          deadline = ns ? ns : 1;  // absolute CLOCK_MONOTONIC (ns since boot)
        }
      }
      return futex_wait(address, value, deadline);
    }
    case kFutexWake:
    case kFutexWakeBitset:
      if (command == kFutexWakeBitset && bitset == 0) return -LINUX_EINVAL;
      return futex_wake(address, static_cast<int>(value));
    default: return -LINUX_ENOSYS;  // requeue, wake_op, PI: glibc's new condvars need none
  }
}

int64_t sys_enosys(SyscallContext&) { return -LINUX_ENOSYS; }

}  // namespace

int futex_wake(uint64_t address, int count) {
  microcore::Task& task = microcore::current_task();
  Bucket& bucket = bucket_for(&task, address);
  if (count <= 0 || !bucket.queue) return 0;
  rtl::platform::IrqState interrupts = rtl::platform::irq_save();
  g_futex_lock.lock();
  int woken = 0;
  for (auto it = bucket.waiters.begin(); it != bucket.waiters.end() && woken < count;) {
    Waiter& waiter = *it;
    ++it;  // before unlinking
    if (waiter.task != &task || waiter.address != address) continue;
    bucket.waiters.remove(waiter);
    waiter.woken = true;
    ++woken;
  }
  if (woken) microcore::wake_waiters(*bucket.queue);
  g_futex_lock.unlock();
  rtl::platform::irq_restore(interrupts);
  return woken;
}

void register_futex_syscalls() {
  for (Bucket& bucket : g_buckets) {
    auto queue = microcore::create_wait_queue();
    if (queue.is_ok()) bucket.queue = queue.value();
  }
  register_syscall(static_cast<uint32_t>(linux_abi::Syscall::futex), sys_futex);
  // glibc tries these first and falls back quietly on ENOSYS (clone3 to
  // clone, rseq to nothing): answer without the unimplemented-call warning.
  register_syscall(static_cast<uint32_t>(linux_abi::Syscall::clone3), sys_enosys);
  register_syscall(static_cast<uint32_t>(linux_abi::Syscall::rseq), sys_enosys);
}

}  // namespace bsdlayer
