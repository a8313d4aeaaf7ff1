// SysResult<T>: a T or a Linux errno, the error currency of bsdlayer.
//
// rtl::Result carries rtl::Errc, the errors the lower layers produce (no
// EISDIR, EBADF or ESPIPE); the POSIX personality needs Linux's exact errno,
// so it has its own result type shaped like rtl::Result. SysError holds the
// *negative* errno, the value the system-call layer returns to user space
// unchanged:
//
//   SysResult<RefPtr<Vnode>> r = vfs.resolve(...);
//   if (r.is_error()) return r.error();          // e.g. -LINUX_ENOENT
//   RefPtr<Vnode> v = SYS_TRY(vfs.resolve(...)); // in a SysResult function
//
// to_sys() turns an rtl::Result (try_make & co.) into a SysResult.
#pragma once

#include <new>
#include <utility>

#include "bsdlayer/linux/errno.h"
#include "rtl/panic.h"
#include "rtl/result.h"

namespace bsdlayer {

struct SysError {
  int negative_errno;  // always < 0
};

// sys_error(LINUX_ENOENT) -> the error carrying -ENOENT.
constexpr SysError sys_error(int positive_errno) { return SysError{-positive_errno}; }

int errno_from_errc(rtl::Errc code);  // positive errno

template <typename T>
class [[nodiscard]] SysResult {
 public:
  SysResult(const T& value) : ok_(true) { new (&storage_.value) T(value); }
  SysResult(T&& value) : ok_(true) { new (&storage_.value) T(std::move(value)); }
  SysResult(SysError error) : ok_(false) {
    RTL_ASSERT(error.negative_errno < 0);
    storage_.error = error.negative_errno;
  }
  SysResult(SysResult&& other) : ok_(other.ok_) {
    if (ok_)
      new (&storage_.value) T(std::move(other.storage_.value));
    else
      storage_.error = other.storage_.error;
  }
  SysResult(const SysResult&) = delete;
  SysResult& operator=(const SysResult&) = delete;
  ~SysResult() {
    if (ok_) storage_.value.~T();
  }

  bool is_ok() const { return ok_; }
  bool is_error() const { return !ok_; }
  // The negative errno.
  int error() const {
    RTL_ASSERT(!ok_);
    return storage_.error;
  }
  T& value() {
    RTL_ASSERT(ok_);
    return storage_.value;
  }
  T release_value() {
    RTL_ASSERT(ok_);
    return std::move(storage_.value);
  }

 private:
  union Storage {
    Storage() {}
    ~Storage() {}
    T value;
    int error;
  } storage_;
  bool ok_;
};

template <>
class [[nodiscard]] SysResult<void> {
 public:
  SysResult() = default;
  SysResult(SysError error) : error_(error.negative_errno) { RTL_ASSERT(error_ < 0); }
  bool is_ok() const { return error_ == 0; }
  bool is_error() const { return error_ != 0; }
  int error() const {
    RTL_ASSERT(error_ < 0);
    return error_;
  }
  void release_value() const {}

 private:
  int error_ = 0;
};

template <typename T>
SysResult<T> to_sys(rtl::Result<T>&& result) {
  if (result.is_error()) return sys_error(errno_from_errc(result.error().code()));
  return result.release_value();
}

}  // namespace bsdlayer

// Like TRY, for functions returning SysResult.
#define SYS_TRY(expression)                                        \
  ({                                                               \
    auto _sys_try_result = (expression);                           \
    if (_sys_try_result.is_error()) [[unlikely]]                   \
      return ::bsdlayer::SysError{_sys_try_result.error()};        \
    _sys_try_result.release_value();                               \
  })
