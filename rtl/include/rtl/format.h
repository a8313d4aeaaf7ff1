// Formatting into fixed buffers, kernel-safe: never allocates for the usual
// types, always NUL-terminates, truncates instead of overflowing.
//
//   char line[80];
//   rtl::format_to_buffer(line, sizeof line, "{:04x}:{:02x}", bus, dev);
//
// The work happens in rtl/src/format_fpu.cpp, the only kernel unit compiled
// with SSE (fmt's floating-point code needs it); it runs between
// platform::fpu_begin/fpu_end. Kernel units must therefore not pass float or
// double arguments: they cannot even build them without SSE.
#pragma once

#include <cstddef>
#include <string_view>

#include "rtl/fmt.h"

namespace rtl {

// Returns the number of characters stored, excluding the terminating NUL.
size_t vformat_to_buffer(char* out, size_t capacity, fmt::string_view format,
                         fmt::format_args args);

template <typename... Args>
size_t format_to_buffer(char* out, size_t capacity, fmt::format_string<Args...> format,
                        Args&&... args) {
  return vformat_to_buffer(out, capacity, format, fmt::make_format_args(args...));
}

// A string with inline storage for building lines piece by piece.
template <size_t Capacity>
class FixedString {
 public:
  template <typename... Args>
  void append(fmt::format_string<Args...> format, Args&&... args) {
    length_ += vformat_to_buffer(data_ + length_, Capacity - length_, format,
                                 fmt::make_format_args(args...));
  }
  void clear() {
    length_ = 0;
    data_[0] = '\0';
  }
  std::string_view view() const { return {data_, length_}; }
  const char* c_str() const { return data_; }
  size_t size() const { return length_; }
  bool full() const { return length_ + 1 >= Capacity; }

 private:
  char data_[Capacity] = {};
  size_t length_ = 0;
};

}  // namespace rtl
