// User and system CPU time as Linux reports them (/proc/PID/stat utime and
// stime, times(2), getrusage(2)): the exact time a process spent on the CPU,
// split in the proportion of the timer ticks that found it in user mode and
// in the kernel (Linux's cputime_adjust). Ticks alone would miss a process
// that always runs between two ticks; the exact total alone cannot be split.
//
// Reports never go down: a process's previous report is kept and each new
// one is adjusted against it, because tools subtract successive readings
// (top) and a shift in the tick ratio must not make either figure shrink.
// Portable; the caller serialises access to `previous`.
#pragma once

#include <cstdint>

namespace bsdlayer {

struct CpuTimes {
  uint64_t user_ns = 0;
  uint64_t system_ns = 0;

  uint64_t total_ns() const { return user_ns + system_ns; }
  CpuTimes& operator+=(const CpuTimes& other) {
    user_ns += other.user_ns;
    system_ns += other.system_ns;
    return *this;
  }
};

// The split of `total_ns` by the tick counts, no smaller than `previous`
// in either part; `previous` becomes the result. A total that has not grown
// past the previous report returns the previous report.
CpuTimes adjust_cpu_times(CpuTimes& previous, uint64_t total_ns, uint64_t user_ticks, uint64_t system_ticks);

// value * numerator / denominator (numerator <= denominator), without
// overflowing 64 bits: precision is dropped from the ratio, not the value.
uint64_t scale_by_ratio(uint64_t value, uint64_t numerator, uint64_t denominator);

}  // namespace bsdlayer
