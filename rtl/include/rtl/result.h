// Result<T>: either a T or an Error, in the spirit of SerenityOS's ErrorOr.
//
//   rtl::Result<Table*> find_table(...);
//   Table* t = TRY(find_table(...));   // returns the error to our caller
//
// TRY uses a GNU statement expression, as Serenity and Linux do; the kernel is
// built with GNU extensions on. Results are [[nodiscard]]: dropping an error
// silently is a bug the compiler catches.
#pragma once

#include <new>
#include <type_traits>
#include <utility>

#include "rtl/error.h"
#include "rtl/panic.h"

namespace rtl {

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(const T& value) : has_value_(true) { new (&storage_.value) T(value); }
  Result(T&& value) : has_value_(true) { new (&storage_.value) T(std::move(value)); }
  Result(Error error) : has_value_(false) { new (&storage_.error) Error(error); }
  Result(Errc code) : Result(Error(code)) {}

  Result(Result&& other) : has_value_(other.has_value_) {
    if (has_value_)
      new (&storage_.value) T(std::move(other.storage_.value));
    else
      new (&storage_.error) Error(other.storage_.error);
  }
  Result(const Result&) = delete;
  Result& operator=(const Result&) = delete;
  Result& operator=(Result&&) = delete;
  ~Result() {
    if (has_value_) storage_.value.~T();
  }

  bool is_ok() const { return has_value_; }
  bool is_error() const { return !has_value_; }

  T& value() {
    RTL_ASSERT(has_value_);
    return storage_.value;
  }
  const T& value() const {
    RTL_ASSERT(has_value_);
    return storage_.value;
  }
  T release_value() {
    RTL_ASSERT(has_value_);
    return std::move(storage_.value);
  }
  Error error() const {
    RTL_ASSERT(!has_value_);
    return storage_.error;
  }
  T value_or(T fallback) const { return has_value_ ? storage_.value : fallback; }

 private:
  union Storage {
    Storage() {}
    ~Storage() {}
    T value;
    Error error;
  } storage_;
  bool has_value_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() : error_(Errc::ok) {}
  Result(Error error) : error_(error) {}
  Result(Errc code) : error_(code) {}

  bool is_ok() const { return error_.code() == Errc::ok; }
  bool is_error() const { return !is_ok(); }
  Error error() const {
    RTL_ASSERT(is_error());
    return error_;
  }
  void release_value() const {}

 private:
  Error error_;
};

}  // namespace rtl

// Evaluate a Result; on error return it from the enclosing function, else
// yield the value.
#define TRY(expression)                                    \
  ({                                                       \
    auto _rtl_try_result = (expression);                   \
    if (_rtl_try_result.is_error()) [[unlikely]]           \
      return _rtl_try_result.error();                      \
    _rtl_try_result.release_value();                       \
  })

// Evaluate a Result that cannot fail unless an invariant is broken.
#define MUST(expression)                                                      \
  ({                                                                          \
    auto _rtl_must_result = (expression);                                     \
    if (_rtl_must_result.is_error()) [[unlikely]]                             \
      ::rtl::panic_message(__FILE__, __LINE__, _rtl_must_result.error().what()); \
    _rtl_must_result.release_value();                                         \
  })
