// The kernel log ring (see executive/log_buffer.h for the invariants).
//
// Layout: records follow each other byte by byte from head_, wrapping at
// capacity_; each is a packed little-endian header (sequence, timestamp,
// level, text length) followed by the text. Nothing is aligned, every access
// is a byte copy, so a record may straddle the end of the storage.
#include "executive/log_buffer.h"

#include <cstring>

#include "rtl/panic.h"

namespace executive {

LogBuffer::LogBuffer(uint8_t* storage, size_t capacity)
    : storage_(storage), capacity_(capacity) {
  RTL_ASSERT(storage != nullptr && capacity > kHeaderSize);
}

void LogBuffer::copy_in(size_t offset, const void* source, size_t length) {
  size_t first = capacity_ - offset < length ? capacity_ - offset : length;
  memcpy(storage_ + offset, source, first);
  memcpy(storage_, static_cast<const uint8_t*>(source) + first, length - first);
}

void LogBuffer::copy_out(size_t offset, void* destination, size_t length) const {
  size_t first = capacity_ - offset < length ? capacity_ - offset : length;
  memcpy(destination, storage_ + offset, first);
  memcpy(static_cast<uint8_t*>(destination) + first, storage_, length - first);
}

void LogBuffer::write_header(size_t offset, const Header& header) {
  uint8_t bytes[kHeaderSize];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(header.sequence >> (8 * i));
    bytes[8 + i] = static_cast<uint8_t>(header.timestamp_ns >> (8 * i));
  }
  bytes[16] = header.level;
  bytes[17] = static_cast<uint8_t>(header.text_length);
  bytes[18] = static_cast<uint8_t>(header.text_length >> 8);
  copy_in(offset, bytes, kHeaderSize);
}

LogBuffer::Header LogBuffer::read_header(size_t offset) const {
  uint8_t bytes[kHeaderSize];
  copy_out(offset, bytes, kHeaderSize);
  Header header{};
  for (int i = 0; i < 8; ++i) {
    header.sequence |= uint64_t{bytes[i]} << (8 * i);
    header.timestamp_ns |= uint64_t{bytes[8 + i]} << (8 * i);
  }
  header.level = bytes[16];
  header.text_length = static_cast<uint16_t>(bytes[17] | (bytes[18] << 8));
  return header;
}

void LogBuffer::drop_oldest() {
  Header oldest = read_header(head_);
  size_t size = kHeaderSize + oldest.text_length;
  head_ = wrap(head_ + size);
  used_ -= size;
  ++oldest_sequence_;
}

void LogBuffer::append(uint8_t level, uint64_t timestamp_ns, std::string_view text) {
  size_t length = text.size();
  if (length > kMaxTextLength) length = kMaxTextLength;
  if (length > capacity_ - kHeaderSize) length = capacity_ - kHeaderSize;
  size_t size = kHeaderSize + length;
  while (capacity_ - used_ < size) drop_oldest();

  size_t tail = wrap(head_ + used_);
  write_header(tail, Header{next_sequence_, timestamp_ns,
                            static_cast<uint8_t>(level > 7 ? 7 : level),
                            static_cast<uint16_t>(length)});
  copy_in(wrap(tail + kHeaderSize), text.data(), length);
  used_ += size;
  ++next_sequence_;
}

// Offset of a stored record: from the read cursor when it is valid and not
// past the target, else by walking from the oldest.
size_t LogBuffer::offset_of(uint64_t sequence) {
  uint64_t at = oldest_sequence_;
  size_t offset = head_;
  if (cursor_sequence_ >= oldest_sequence_ && cursor_sequence_ <= sequence) {
    at = cursor_sequence_;
    offset = cursor_offset_;
  }
  for (; at < sequence; ++at)
    offset = wrap(offset + kHeaderSize + read_header(offset).text_length);
  return offset;
}

bool LogBuffer::read_record(uint64_t& sequence, LogRecord& out, char* text_buffer,
                            size_t text_capacity) {
  if (sequence < oldest_sequence_) sequence = oldest_sequence_;
  if (sequence >= next_sequence_) return false;

  size_t offset = offset_of(sequence);
  Header header = read_header(offset);
  RTL_ASSERT(header.sequence == sequence);
  size_t copied = header.text_length < text_capacity ? header.text_length : text_capacity;
  copy_out(wrap(offset + kHeaderSize), text_buffer, copied);

  out.sequence = header.sequence;
  out.timestamp_ns = header.timestamp_ns;
  out.level = header.level;
  out.text = std::string_view(text_buffer, copied);

  sequence = header.sequence + 1;
  cursor_sequence_ = sequence;
  cursor_offset_ = wrap(offset + kHeaderSize + header.text_length);
  return true;
}

void LogBuffer::clear() {
  head_ = 0;
  used_ = 0;
  oldest_sequence_ = next_sequence_;
  cursor_sequence_ = next_sequence_;
  cursor_offset_ = 0;
}

// --- line formatting --------------------------------------------------------

namespace {

// Appends to a NUL-terminated buffer, silently dropping what does not fit.
class LineWriter {
 public:
  LineWriter(char* out, size_t capacity) : out_(out), capacity_(capacity) {
    if (capacity_) out_[0] = '\0';
  }
  void put(char c) {
    if (length_ + 1 >= capacity_) return;
    out_[length_++] = c;
    out_[length_] = '\0';
  }
  void put(std::string_view text) {
    for (char c : text) put(c);
  }
  // Decimal, right-aligned in `width` columns with `fill`.
  void put_decimal(uint64_t value, int width, char fill) {
    char digits[20];
    int count = 0;
    do {
      digits[count++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value);
    for (int i = count; i < width; ++i) put(fill);
    while (count) put(digits[--count]);
  }
  size_t length() const { return length_; }

 private:
  char* out_;
  size_t capacity_;
  size_t length_ = 0;
};

void put_timestamp_and_text(LineWriter& line, const LogRecord& record) {
  line.put('[');
  line.put_decimal(record.timestamp_ns / 1000000000, 5, ' ');
  line.put('.');
  line.put_decimal(record.timestamp_ns % 1000000000 / 1000, 6, '0');
  line.put("] ");
  line.put(record.text);
}

}  // namespace

size_t format_syslog_line(const LogRecord& record, char* out, size_t capacity) {
  LineWriter line(out, capacity);
  line.put('<');
  line.put_decimal(record.level, 1, '0');
  line.put('>');
  put_timestamp_and_text(line, record);
  return line.length();
}

size_t format_console_line(const LogRecord& record, char* out, size_t capacity) {
  LineWriter line(out, capacity);
  put_timestamp_and_text(line, record);
  return line.length();
}

}  // namespace executive
