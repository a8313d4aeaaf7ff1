// Errors are values. Every fallible kernel function returns an Error (inside
// a Result<T>) rather than panicking; panics are for broken invariants only.
//
// Codes mirror the POSIX errno meanings they will be translated to by
// bsdlayer, so a code chosen here already says what user space will see.
#pragma once

#include <cstdint>

namespace rtl {

enum class Errc : int32_t {
  ok = 0,
  no_memory,          // ENOMEM: an allocation failed; the caller keeps running
  invalid_argument,   // EINVAL
  not_found,          // ENOENT
  already_exists,     // EEXIST
  busy,               // EBUSY
  timed_out,          // ETIMEDOUT
  out_of_range,       // ERANGE / EFAULT-like bounds violations
  not_supported,      // ENOTSUP
  io_error,           // EIO
  bad_format,         // ENOEXEC: malformed image, table or header
  permission_denied,  // EPERM / EACCES
  would_block,        // EAGAIN
  too_big,            // E2BIG / EFBIG: input exceeds a documented limit
  interrupted,        // EINTR: a wait was cut short (signal, kill)
  no_device,          // ENODEV: nothing serves that device (any more)
  not_a_directory,    // ENOTDIR: a path goes through something that is not one
  too_many_links,     // ELOOP: symbolic links nest deeper than the limit
};

const char* errc_name(Errc code);

// An error code plus an optional static explanation ("MADT length exceeds
// table"). The text must outlive the Error: only string literals or other
// static storage go here, so copying an Error never allocates.
class Error {
 public:
  constexpr Error(Errc code, const char* what = nullptr) : code_(code), what_(what) {}
  constexpr Errc code() const { return code_; }
  constexpr const char* what() const { return what_ ? what_ : errc_name(code_); }
  constexpr bool operator==(Errc other) const { return code_ == other; }

 private:
  Errc code_;
  const char* what_;
};

}  // namespace rtl
