// DirentWriter: packs linux_dirent64 records into a kernel buffer for
// getdents64. add() refuses (returns false) a record that does not fit, and
// the filesystem stops there and keeps its cookie at that entry, so the next
// call starts with it. Records are 8-byte aligned relative to the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace bsdlayer {

class DirentWriter {
 public:
  DirentWriter(void* buffer, size_t capacity)
      : buffer_(static_cast<uint8_t*>(buffer)), capacity_(capacity) {}

  // `next_cookie` becomes d_off: where reading resumes after this record.
  bool add(uint64_t ino, uint64_t next_cookie, uint8_t type, std::string_view name);

  size_t used() const { return used_; }
  size_t count() const { return count_; }

 private:
  uint8_t* buffer_;
  size_t capacity_;
  size_t used_ = 0;
  size_t count_ = 0;
};

}  // namespace bsdlayer
