// Spinlock: the kernel's lowest-level mutual exclusion, usable from interrupt
// handlers and with the scheduler off.
//
// lock() disables local interrupts before spinning and keeps the previous
// interrupt state inside the lock; unlock() restores it. An interrupt handler
// on the same CPU therefore can never deadlock against the code it
// interrupted, and nested locks restore in the right order because each lock
// remembers its own saved state (Linux's spin_lock_irqsave, done always).
// Interrupts stay off while spinning: the wait is meant to be short.
//
// Prefer SpinlockProtected<T>: it makes "which lock guards this data" a
// property of the type instead of a comment.
#pragma once

#include <atomic>
#include <type_traits>
#include <utility>

#include "rtl/platform.h"
#include "rtl/thread_safety.h"

namespace rtl {

class RTL_CAPABILITY("spinlock") Spinlock {
 public:
  Spinlock() = default;
  Spinlock(const Spinlock&) = delete;
  Spinlock& operator=(const Spinlock&) = delete;

  void lock() RTL_ACQUIRE() {
    platform::IrqState state = platform::irq_save();
    // Test-and-test-and-set: the exchange writes the cache line, so waiters
    // spin on a plain load (shared line) and only retry the exchange once
    // the lock looks free.
    while (locked_.exchange(true, std::memory_order_acquire)) {
      while (locked_.load(std::memory_order_relaxed)) platform::cpu_relax();
    }
    saved_irq_state_ = state;
  }

  void unlock() RTL_RELEASE() {
    // Read before releasing: the next owner overwrites saved_irq_state_.
    platform::IrqState state = saved_irq_state_;
    locked_.store(false, std::memory_order_release);
    platform::irq_restore(state);
  }

  // A snapshot for assertions ("caller holds the lock"); by any CPU.
  bool is_locked() const { return locked_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> locked_{false};
  // The owner's interrupt state from before lock(); written and read only by
  // the CPU holding the lock.
  platform::IrqState saved_irq_state_ = 0;
};

class RTL_SCOPED_CAPABILITY SpinlockGuard {
 public:
  explicit SpinlockGuard(Spinlock& lock) RTL_ACQUIRE(lock) : lock_(lock) { lock_.lock(); }
  ~SpinlockGuard() RTL_RELEASE() { lock_.unlock(); }
  SpinlockGuard(const SpinlockGuard&) = delete;
  SpinlockGuard& operator=(const SpinlockGuard&) = delete;

 private:
  Spinlock& lock_;
};

// A T that can only be reached with its spinlock held. The lock protects the
// T inside, by construction: there is no accessor that skips it.
//
//   rtl::SpinlockProtected<RunQueue> run_queue;
//   run_queue.with([&](RunQueue& queue) { queue.push_back(thread); });
//   auto locked = run_queue.lock();  // held until `locked` goes out of scope
//   locked->push_back(thread);
template <typename T>
class SpinlockProtected {
 public:
  template <typename... Args>
  explicit SpinlockProtected(Args&&... args) : value_(std::forward<Args>(args)...) {}
  SpinlockProtected(const SpinlockProtected&) = delete;
  SpinlockProtected& operator=(const SpinlockProtected&) = delete;

  // Runs `function(value)` with the lock held and returns its result. It must
  // not return a reference into the value: that would outlive the lock.
  template <typename Function>
  decltype(auto) with(Function&& function) {
    using Returned = std::invoke_result_t<Function, T&>;
    static_assert(!std::is_reference_v<Returned>,
                  "returning a reference would escape the lock");
    SpinlockGuard guard(lock_);
    return function(value_);
  }
  template <typename Function>
  decltype(auto) with(Function&& function) const {
    using Returned = std::invoke_result_t<Function, const T&>;
    static_assert(!std::is_reference_v<Returned>,
                  "returning a reference would escape the lock");
    SpinlockGuard guard(lock_);
    return function(value_);
  }

  // Access for a whole scope. The object holds the lock; do not keep
  // pointers obtained through it after it is gone.
  template <typename Value>
  class Locked {
   public:
    Value* operator->() const { return &value_; }
    Value& operator*() const { return value_; }
    Locked(const Locked&) = delete;
    Locked& operator=(const Locked&) = delete;

   private:
    friend class SpinlockProtected;
    Locked(Spinlock& lock, Value& value) : guard_(lock), value_(value) {}
    SpinlockGuard guard_;
    Value& value_;
  };

  // Returned by value through guaranteed copy elision; Locked never moves.
  // The analysis cannot see that Locked takes the lock before any access
  // through the reference it is handed, hence the opt-out.
  [[nodiscard]] Locked<T> lock() RTL_NO_THREAD_SAFETY_ANALYSIS {
    return Locked<T>(lock_, value_);
  }
  [[nodiscard]] Locked<const T> lock() const RTL_NO_THREAD_SAFETY_ANALYSIS {
    return Locked<const T>(lock_, value_);
  }

  bool is_locked() const { return lock_.is_locked(); }

  // Bypasses the lock. Only for panic: the system is single-threaded from
  // then on and the holder may be the context that died (Linux's
  // bust_spinlocks). Anything else must go through with() or lock().
  T& unsafe_ignore_lock() RTL_NO_THREAD_SAFETY_ANALYSIS { return value_; }

 private:
  // Mutable so const readers can lock; the lock is not part of the value.
  mutable Spinlock lock_;
  T value_ RTL_GUARDED_BY(lock_);
};

}  // namespace rtl
