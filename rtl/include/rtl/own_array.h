// OwnArray<T>: a heap array of a size fixed at creation, owned like OwnPtr.
// It remembers its length because the heap needs the byte size back on free.
//
//   rtl::OwnArray<PageInfo> pages = TRY(rtl::try_allocate_array<PageInfo>(count));
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <utility>

#include "rtl/alloc.h"
#include "rtl/panic.h"
#include "rtl/result.h"

namespace rtl {

template <typename T>
class OwnArray {
 public:
  OwnArray() = default;
  OwnArray(OwnArray&& other)
      : data_(std::exchange(other.data_, nullptr)), size_(std::exchange(other.size_, 0)) {}
  OwnArray& operator=(OwnArray&& other) {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  OwnArray(const OwnArray&) = delete;
  OwnArray& operator=(const OwnArray&) = delete;
  ~OwnArray() { release(); }

  T* data() const { return data_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  T& operator[](size_t index) const {
    RTL_ASSERT(index < size_);
    return data_[index];
  }
  T* begin() const { return data_; }
  T* end() const { return data_ + size_; }

 private:
  template <typename U>
  friend Result<OwnArray<U>> try_allocate_array(size_t count);

  OwnArray(T* data, size_t size) : data_(data), size_(size) {}

  void release() {
    if (!data_) return;
    for (size_t i = size_; i > 0; --i) data_[i - 1].~T();
    deallocate(data_, size_ * sizeof(T), alignof(T));
    data_ = nullptr;
    size_ = 0;
  }

  T* data_ = nullptr;
  size_t size_ = 0;
};

// `count` value-initialised elements (zero for scalars). An empty array
// allocates nothing. Errc::too_big when count * sizeof(T) overflows.
template <typename T>
Result<OwnArray<T>> try_allocate_array(size_t count) {
  if (count == 0) return OwnArray<T>();
  if (count > SIZE_MAX / sizeof(T)) return Error(Errc::too_big, "array byte size overflows");
  void* memory = allocate(count * sizeof(T), alignof(T));
  if (!memory) return Error(Errc::no_memory, "try_allocate_array: heap exhausted");
  T* data = static_cast<T*>(memory);
  for (size_t i = 0; i < count; ++i) new (&data[i]) T();
  return OwnArray<T>(data, count);
}

}  // namespace rtl
