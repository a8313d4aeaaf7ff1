// RateLimit: lets a burst of log lines through per interval and counts the
// rest, as Linux's printk_ratelimit does. A failing disk may fail thousands
// of requests a second; the log must say so without drowning everything
// else in it (and without filling the ring buffer dmesg reads).
//
// The caller supplies the time and does the locking: the limiter is plain
// data, so it can live under whatever lock already guards the events it
// counts (a device's spinlock, taken in interrupt handlers).
#pragma once

#include <cstdint>

namespace rtl {

class RateLimit {
 public:
  struct Decision {
    bool report = false;
    // Events dropped since the last reported one; a reported line should
    // mention them so a reader knows the log is not complete.
    uint64_t suppressed = 0;
  };

  constexpr RateLimit(uint64_t interval_ns, uint32_t burst)
      : interval_ns_(interval_ns), burst_(burst) {}

  Decision decide(uint64_t now_ns) {
    if (!started_ || now_ns - window_start_ns_ >= interval_ns_) {
      started_ = true;
      window_start_ns_ = now_ns;
      reported_in_window_ = 0;
    }
    if (reported_in_window_ >= burst_) {
      ++suppressed_;
      return {};
    }
    ++reported_in_window_;
    Decision decision{true, suppressed_};
    suppressed_ = 0;
    return decision;
  }

 private:
  uint64_t interval_ns_;
  uint32_t burst_;
  bool started_ = false;
  uint64_t window_start_ns_ = 0;
  uint32_t reported_in_window_ = 0;
  uint64_t suppressed_ = 0;
};

}  // namespace rtl
