// executive::LogBuffer: record order, whole-record drops on wraparound,
// readers skipping ahead, truncation, and Linux's exact line formats.
#include "executive/log_buffer.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using executive::LogBuffer;
using executive::LogRecord;

struct ReadBack {
  uint64_t sequence;
  uint8_t level;
  uint64_t timestamp_ns;
  std::string text;
};

std::vector<ReadBack> read_all(LogBuffer& log, uint64_t from = 0) {
  std::vector<ReadBack> records;
  char text[LogBuffer::kMaxTextLength];
  LogRecord record;
  while (log.read_record(from, record, text, sizeof text))
    records.push_back({record.sequence, record.level, record.timestamp_ns,
                       std::string(record.text)});
  return records;
}

TEST(ExecutiveLogBuffer, StartsEmpty) {
  uint8_t storage[256];
  LogBuffer log(storage, sizeof storage);
  EXPECT_EQ(log.oldest_sequence(), 0u);
  EXPECT_EQ(log.next_sequence(), 0u);
  EXPECT_TRUE(read_all(log).empty());
}

TEST(ExecutiveLogBuffer, RecordsComeBackInOrderWithTheirFields) {
  uint8_t storage[1024];
  LogBuffer log(storage, sizeof storage);
  log.append(6, 1000, "first");
  log.append(3, 2000, "second");
  log.append(7, 3000, "");
  auto records = read_all(log);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].sequence, 0u);
  EXPECT_EQ(records[0].level, 6);
  EXPECT_EQ(records[0].timestamp_ns, 1000u);
  EXPECT_EQ(records[0].text, "first");
  EXPECT_EQ(records[1].sequence, 1u);
  EXPECT_EQ(records[1].level, 3);
  EXPECT_EQ(records[1].text, "second");
  EXPECT_EQ(records[2].sequence, 2u);
  EXPECT_EQ(records[2].text, "");
  EXPECT_EQ(log.next_sequence(), 3u);
}

TEST(ExecutiveLogBuffer, LevelIsClampedToSeven) {
  uint8_t storage[256];
  LogBuffer log(storage, sizeof storage);
  log.append(200, 0, "x");
  EXPECT_EQ(read_all(log)[0].level, 7);
}

TEST(ExecutiveLogBuffer, WraparoundDropsWholeOldestRecords) {
  // Each record is kHeaderSize + 10 bytes; 100 bytes hold three of them.
  constexpr size_t kRecord = LogBuffer::kHeaderSize + 10;
  uint8_t storage[3 * kRecord + 10];
  LogBuffer log(storage, sizeof storage);
  for (int i = 0; i < 50; ++i) {
    char text[11];
    snprintf(text, sizeof text, "record%04d", i);
    log.append(6, static_cast<uint64_t>(i), text);
    auto records = read_all(log);
    ASSERT_LE(records.size(), 3u);
    ASSERT_EQ(records.back().sequence, static_cast<uint64_t>(i));
    for (size_t k = 0; k < records.size(); ++k) {
      // Every surviving record is intact and consecutive.
      uint64_t sequence = records[k].sequence;
      char expected[11];
      snprintf(expected, sizeof expected, "record%04d", static_cast<int>(sequence));
      EXPECT_EQ(records[k].text, expected);
      EXPECT_EQ(records[k].timestamp_ns, sequence);
      if (k) {
        EXPECT_EQ(sequence, records[k - 1].sequence + 1);
      }
    }
    EXPECT_LE(log.bytes_used(), log.capacity());
  }
  EXPECT_EQ(log.oldest_sequence(), 47u);
  EXPECT_EQ(log.next_sequence(), 50u);
  EXPECT_EQ(log.record_count(), 3u);
}

TEST(ExecutiveLogBuffer, MixedSizesWrapAndStayIntact) {
  uint8_t storage[200];
  LogBuffer log(storage, sizeof storage);
  std::vector<std::string> appended;
  for (int i = 0; i < 200; ++i) {
    std::string text(static_cast<size_t>((i * 37) % 90), static_cast<char>('a' + i % 26));
    appended.push_back(text);
    log.append(static_cast<uint8_t>(i % 8), static_cast<uint64_t>(i) * 7, text);
    auto records = read_all(log);
    ASSERT_FALSE(records.empty());
    EXPECT_EQ(records.back().sequence, static_cast<uint64_t>(i));
    for (const auto& record : records) {
      EXPECT_EQ(record.text, appended[record.sequence]);
      EXPECT_EQ(record.level, record.sequence % 8);
    }
  }
}

TEST(ExecutiveLogBuffer, ReaderThatFellBehindSkipsToOldest) {
  constexpr size_t kRecord = LogBuffer::kHeaderSize + 4;
  uint8_t storage[4 * kRecord];
  LogBuffer log(storage, sizeof storage);
  for (int i = 0; i < 10; ++i) log.append(6, 0, "abcd");
  ASSERT_EQ(log.oldest_sequence(), 6u);

  uint64_t sequence = 2;  // long gone
  char text[16];
  LogRecord record;
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.sequence, 6u);
  EXPECT_EQ(sequence, 7u);

  sequence = 8;  // still there: no skip
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.sequence, 8u);

  sequence = 10;  // nothing yet
  EXPECT_FALSE(log.read_record(sequence, record, text, sizeof text));
  log.append(6, 0, "new!");
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.sequence, 10u);
  EXPECT_EQ(record.text, "new!");
}

TEST(ExecutiveLogBuffer, ReadingBackwardsAfterForwardStillWorks) {
  uint8_t storage[512];
  LogBuffer log(storage, sizeof storage);
  for (int i = 0; i < 5; ++i) log.append(6, 0, std::string(static_cast<size_t>(i + 1), 'x'));
  char text[16];
  LogRecord record;
  uint64_t sequence = 4;
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.text, "xxxxx");
  sequence = 1;
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.sequence, 1u);
  EXPECT_EQ(record.text, "xx");
}

TEST(ExecutiveLogBuffer, LongTextIsTruncatedToTheMaximum) {
  static uint8_t storage[4096];
  LogBuffer log(storage, sizeof storage);
  std::string long_text(LogBuffer::kMaxTextLength + 100, 'L');
  log.append(4, 0, long_text);
  auto records = read_all(log);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].text.size(), LogBuffer::kMaxTextLength);
}

TEST(ExecutiveLogBuffer, TextLongerThanTheRingIsCutToFit) {
  uint8_t storage[LogBuffer::kHeaderSize + 8];
  LogBuffer log(storage, sizeof storage);
  log.append(6, 0, "0123456789abcdef");
  auto records = read_all(log);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].text, "01234567");
}

TEST(ExecutiveLogBuffer, ReaderBufferSmallerThanTextTruncatesCopy) {
  uint8_t storage[256];
  LogBuffer log(storage, sizeof storage);
  log.append(6, 0, "hello world");
  char text[5];
  LogRecord record;
  uint64_t sequence = 0;
  ASSERT_TRUE(log.read_record(sequence, record, text, sizeof text));
  EXPECT_EQ(record.text, "hello");
  EXPECT_EQ(sequence, 1u);
}

TEST(ExecutiveLogBuffer, ClearEmptiesButSequencesContinue) {
  uint8_t storage[256];
  LogBuffer log(storage, sizeof storage);
  log.append(6, 0, "a");
  log.append(6, 0, "b");
  log.clear();
  EXPECT_EQ(log.oldest_sequence(), 2u);
  EXPECT_EQ(log.next_sequence(), 2u);
  EXPECT_TRUE(read_all(log).empty());
  log.append(6, 0, "c");
  auto records = read_all(log);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].sequence, 2u);
  EXPECT_EQ(records[0].text, "c");
}

LogRecord make_record(uint8_t level, uint64_t timestamp_ns, std::string_view text) {
  LogRecord record;
  record.level = level;
  record.timestamp_ns = timestamp_ns;
  record.text = text;
  return record;
}

TEST(ExecutiveLogFormat, SyslogLineMatchesLinux) {
  char line[128];
  size_t length = executive::format_syslog_line(make_record(6, 12345678, "text"), line, sizeof line);
  EXPECT_STREQ(line, "<6>[    0.012345] text");
  EXPECT_EQ(length, strlen(line));
}

TEST(ExecutiveLogFormat, ConsoleLineMatchesLinux) {
  char line[128];
  executive::format_console_line(make_record(3, 3'141'592'653, "pi"), line, sizeof line);
  EXPECT_STREQ(line, "[    3.141592] pi");
  executive::format_console_line(make_record(3, 0, ""), line, sizeof line);
  EXPECT_STREQ(line, "[    0.000000] ");
}

TEST(ExecutiveLogFormat, LongUptimeWidensTheSecondsField) {
  char line[128];
  executive::format_syslog_line(make_record(0, 123456'000001000ull, "up"), line, sizeof line);
  EXPECT_STREQ(line, "<0>[123456.000001] up");
  executive::format_console_line(make_record(0, 99999'999999999ull, "x"), line, sizeof line);
  EXPECT_STREQ(line, "[99999.999999] x");
}

TEST(ExecutiveLogFormat, OutputIsTruncatedAndTerminated) {
  char line[10];
  size_t length = executive::format_syslog_line(make_record(6, 12345678, "text"), line, sizeof line);
  EXPECT_STREQ(line, "<6>[    0");
  EXPECT_EQ(length, 9u);
  char none[1] = {'x'};
  EXPECT_EQ(executive::format_console_line(make_record(6, 0, "t"), none, 0), 0u);
  EXPECT_EQ(none[0], 'x');
}

}  // namespace
