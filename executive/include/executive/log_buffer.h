// The kernel log: a fixed byte ring of variable-length records, read by
// dmesg and syslog(2). printk lines land here first, consoles echo them.
//
// Why a byte ring of whole records: a 64 KiB buffer holds thousands of short
// boot messages yet a 512-byte line still fits; readers address records by
// sequence number, so a reader that falls behind learns how much it missed.
//
// Invariants:
//  - sequence numbers are dense and increase by one per append, from 0; they
//    are never reused, not even by clear();
//  - the ring holds exactly the records [oldest_sequence, next_sequence);
//    room is made by dropping the oldest records whole, never part of one;
//  - a record's bytes may straddle the end of the storage (copies wrap).
//
// Not thread-safe: the owner (executive klog) serializes every call, including
// reads, under its own spinlock. Storage is the owner's (a static array).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "rtl/log.h"

namespace executive {

// One record as a reader sees it. `text` points into the caller's buffer
// passed to read_record and is not NUL-terminated.
struct LogRecord {
  uint64_t sequence = 0;
  uint64_t timestamp_ns = 0;  // since boot
  uint8_t level = 0;          // 0..7, Linux's (rtl::LogLevel)
  std::string_view text;
};

class LogBuffer {
 public:
  // Longer texts are truncated to this on append.
  static constexpr size_t kMaxTextLength = rtl::kMaxLogLine;
  // Stored bytes per record besides its text: sequence, timestamp, level,
  // text length.
  static constexpr size_t kHeaderSize = 8 + 8 + 1 + 2;

  // `storage` must outlive the buffer; `capacity` must exceed kHeaderSize.
  LogBuffer(uint8_t* storage, size_t capacity);
  LogBuffer(const LogBuffer&) = delete;
  LogBuffer& operator=(const LogBuffer&) = delete;

  // Stores one record, dropping the oldest ones as needed. Levels above 7
  // are clamped to 7; text beyond kMaxTextLength (or the whole ring) is cut.
  void append(uint8_t level, uint64_t timestamp_ns, std::string_view text);

  // First sequence still stored; equals next_sequence() when empty.
  uint64_t oldest_sequence() const { return oldest_sequence_; }
  // Sequence the next append will get.
  uint64_t next_sequence() const { return next_sequence_; }
  size_t record_count() const { return next_sequence_ - oldest_sequence_; }
  size_t bytes_used() const { return used_; }
  size_t capacity() const { return capacity_; }

  // Reads the record `sequence`, or the oldest one if `sequence` was already
  // dropped (the caller sees the gap in out.sequence). On success fills `out`,
  // copies up to `text_capacity` bytes of text into `text_buffer` (out.text
  // views them), sets `sequence` to the following record and returns true.
  // Returns false when there is nothing at or after `sequence`.
  bool read_record(uint64_t& sequence, LogRecord& out, char* text_buffer,
                   size_t text_capacity);

  // Forgets every record (syslog action 5); sequences continue.
  void clear();

 private:
  struct Header {
    uint64_t sequence;
    uint64_t timestamp_ns;
    uint8_t level;
    uint16_t text_length;
  };

  size_t wrap(size_t offset) const { return offset % capacity_; }
  void copy_in(size_t offset, const void* source, size_t length);
  void copy_out(size_t offset, void* destination, size_t length) const;
  void write_header(size_t offset, const Header& header);
  Header read_header(size_t offset) const;
  void drop_oldest();
  size_t offset_of(uint64_t sequence);

  uint8_t* storage_;
  size_t capacity_;
  size_t head_ = 0;  // offset of the oldest record
  size_t used_ = 0;  // bytes from head_ to the write position
  uint64_t oldest_sequence_ = 0;
  uint64_t next_sequence_ = 0;
  // Where the last read ended, so a reader walking forward costs O(1) per
  // record instead of a walk from the oldest. Valid while cursor_sequence_
  // lies in [oldest_sequence_, next_sequence_].
  uint64_t cursor_sequence_ = 0;
  size_t cursor_offset_ = 0;
};

// Text forms of a record, as Linux prints them:
//   syslog(2) / dmesg -r:  <6>[    0.012345] text
//   consoles:              [    0.012345] text
// Seconds right-aligned in 5 columns (wider once uptime needs it),
// microseconds always 6 digits, truncated. No trailing newline. Both write at
// most `capacity - 1` characters plus a NUL (nothing if capacity is 0),
// cutting the text, and return the characters written.
//
// Hand-rolled rather than rtl::format_to_buffer: this runs for every printk
// on every console, possibly in interrupt context, and needs no FPU scope.
size_t format_syslog_line(const LogRecord& record, char* out, size_t capacity);
size_t format_console_line(const LogRecord& record, char* out, size_t capacity);

}  // namespace executive
