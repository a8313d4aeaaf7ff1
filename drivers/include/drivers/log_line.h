// LogLine: how drivers compose a log message (DeviceHost::log takes text).
//
// Not fmt: the same driver code runs in a Ring 3 server, where fmt's engine
// (kernel heap, the kernel's FPU bracket, libc's snprintf for floats) is
// not there. Drivers only need words and unsigned numbers, so this is all
// of it. Output past the capacity is cut off, never overrun.
#pragma once

#include <cstddef>
#include <cstdint>

namespace drivers {

class LogLine {
 public:
  LogLine& operator<<(const char* text) {
    while (text && *text) put(*text++);
    return *this;
  }
  LogLine& operator<<(uint64_t value) {
    char digits[20];
    int count = 0;
    do {
      digits[count++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value);
    while (count) put(digits[--count]);
    return *this;
  }
  const char* text() const { return text_; }

 private:
  void put(char c) {
    if (length_ + 1 < sizeof text_) text_[length_++] = c;
    text_[length_] = 0;
  }
  char text_[160] = {};
  size_t length_ = 0;
};

}  // namespace drivers
