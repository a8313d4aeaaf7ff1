// The kernel command line, parsed once at boot from the string the loader
// hands over (BootInfo), then queried by every subsystem ("init=", "quiet").
//
// Grammar (strict: a malformed line is reported, not guessed at):
//   line   := blank* (token (blank+ token)*)? blank*      blank := ' ' | '\t'
//   token  := key | key '=' value
//   key    := one or more bytes other than blank, '=', '"'
//   value  := '"' any bytes but '"' '"'    (quotes removed; may hold blanks)
//           | zero or more bytes other than blank and '"'
// Only printable ASCII and blanks are accepted.
//
// Limits: kMaxLength bytes and kMaxEntries tokens. The object keeps its own
// copy of the text and stores offsets into it, never pointers, so it stays
// valid when copied or moved (Result<CommandLine> moves it). It does not
// allocate; it is about 1.7 KiB, so keep it in static storage, not on a
// kernel stack for long.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "rtl/result.h"

namespace rtl {

class CommandLine {
 public:
  // The empty command line: no entries.
  CommandLine() = default;
  static constexpr size_t kMaxLength = 1023;
  static constexpr size_t kMaxEntries = 64;

  struct Entry {
    std::string_view key;
    std::string_view value;  // empty when !has_value
    bool has_value;          // `key=...` rather than a bare `key`
  };

  // Errors: Errc::too_big (length, token count) or Errc::invalid_argument
  // (syntax, bytes outside printable ASCII), each with a static explanation.
  static Result<CommandLine> parse(std::string_view text);

  // The value of the last `key=value` for `key`; bare `key` flags have no
  // value and do not override. nullopt when there is none.
  std::optional<std::string_view> get(std::string_view key) const;
  // True if `key` appears at all, as a flag or with a value.
  bool has(std::string_view key) const;

  size_t size() const { return count_; }
  Entry operator[](size_t index) const;
  // The whole line as given (after validation).
  std::string_view text() const { return {text_, length_}; }

  // Iteration in command-line order; yields Entry by value.
  class Iterator {
   public:
    Entry operator*() const { return (*line_)[index_]; }
    Iterator& operator++() {
      ++index_;
      return *this;
    }
    bool operator==(const Iterator&) const = default;

   private:
    friend class CommandLine;
    Iterator(const CommandLine* line, size_t index) : line_(line), index_(index) {}
    const CommandLine* line_;
    size_t index_;
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, count_); }

 private:

  // Offsets into text_; kMaxLength fits in 16 bits.
  struct Span {
    uint16_t key_offset;
    uint16_t key_length;
    uint16_t value_offset;
    uint16_t value_length;
    bool has_value;
  };

  char text_[kMaxLength + 1] = {};
  size_t length_ = 0;
  Span spans_[kMaxEntries] = {};
  size_t count_ = 0;
};

}  // namespace rtl
