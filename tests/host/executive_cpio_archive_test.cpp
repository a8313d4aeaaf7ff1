// executive::CpioArchive: newc archives built here (valid ones, then one
// defect per check), and the initrd the build writes with scripts/mkcpio.py.
#include "executive/cpio_archive.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

using executive::CpioArchive;
using executive::CpioEntry;
using Bytes = std::vector<uint8_t>;

struct Entry {
  std::string name;
  uint32_t mode = 0100644;
  std::string data;
  uint32_t ino = 0;
};

void pad4(Bytes& b) {
  while (b.size() % 4) b.push_back(0);
}

void put_entry(Bytes& b, const Entry& e, const char* magic = "070701", int32_t name_size_delta = 0,
               uint32_t check = 0) {
  char header[111];
  uint32_t name_size = static_cast<uint32_t>(e.name.size() + 1 + name_size_delta);
  std::snprintf(header, sizeof(header), "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, e.ino,
                e.mode, 1000u, 1001u, 1u, 1700000000u, static_cast<uint32_t>(e.data.size()), 3u, 4u, 5u, 6u,
                name_size, check);
  b.insert(b.end(), header, header + 110);
  b.insert(b.end(), e.name.begin(), e.name.end());
  b.push_back(0);
  pad4(b);
  b.insert(b.end(), e.data.begin(), e.data.end());
  pad4(b);
}

Bytes archive(const std::vector<Entry>& entries, bool trailer = true) {
  Bytes b;
  for (const Entry& e : entries) put_entry(b, e);
  if (trailer) put_entry(b, {"TRAILER!!!", 0, ""});
  return b;
}

rtl::Result<CpioArchive> open(const Bytes& b) { return CpioArchive::open(b.data(), b.size()); }

void expect_bad(const Bytes& b, const char* what_contains) {
  auto result = open(b);
  ASSERT_TRUE(result.is_error()) << "expected: " << what_contains;
  EXPECT_EQ(result.error().code(), rtl::Errc::bad_format);
  EXPECT_NE(std::string(result.error().what()).find(what_contains), std::string::npos) << result.error().what();
}

std::string data_of(const CpioEntry& e) { return std::string(reinterpret_cast<const char*>(e.data), e.size); }

TEST(CpioArchive, IteratesEntriesInOrder) {
  Bytes b = archive({{"sbin", 040755, ""}, {"sbin/ping", 0100755, "ELF!x"}, {"etc/motd", 0100644, "hello\n"}});
  auto result = open(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const CpioArchive& a = result.value();
  EXPECT_EQ(a.entry_count(), 3u);
  EXPECT_EQ(a.used_size(), b.size());
  std::vector<std::string> names;
  for (const CpioEntry& e : a) names.push_back(e.name);
  EXPECT_EQ(names, (std::vector<std::string>{"sbin", "sbin/ping", "etc/motd"}));

  auto it = a.begin();
  EXPECT_TRUE(it->is_directory());
  ++it;
  EXPECT_TRUE(it->is_regular());
  EXPECT_EQ(it->permissions(), 0755u);
  EXPECT_EQ(it->name_length, 9u);
  EXPECT_EQ(it->uid, 1000u);
  EXPECT_EQ(it->gid, 1001u);
  EXPECT_EQ(it->nlink, 1u);
  EXPECT_EQ(it->mtime, 1700000000u);
  EXPECT_EQ(it->dev_major, 3u);
  EXPECT_EQ(it->dev_minor, 4u);
  EXPECT_EQ(it->rdev_major, 5u);
  EXPECT_EQ(it->rdev_minor, 6u);
  EXPECT_EQ(data_of(*it), "ELF!x");
  // Data starts 4-byte aligned relative to the archive.
  EXPECT_EQ((it->data - b.data()) % 4, 0);
}

TEST(CpioArchive, EmptyArchiveIsJustATrailer) {
  Bytes b = archive({});
  auto result = open(b);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(result.value().entry_count(), 0u);
  EXPECT_TRUE(result.value().begin() == result.value().end());
}

TEST(CpioArchive, IgnoresBytesAfterTheTrailer) {
  Bytes b = archive({{"a", 0100644, "x"}});
  size_t used = b.size();
  b.resize(512, 0xEE);  // block padding (and junk) after the trailer
  auto result = open(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(result.value().used_size(), used);
}

TEST(CpioArchive, FindNormalisesLeadingSlashAndDot) {
  Bytes b = archive({{"./sbin/ping", 0100755, "P"}, {"sbin/pong", 0100755, "Q"}, {"/etc/x", 0100644, "X"}});
  auto result = open(b);
  ASSERT_TRUE(result.is_ok());
  const CpioArchive& a = result.value();
  for (const char* path : {"/sbin/ping", "sbin/ping", "./sbin/ping"}) {
    auto found = a.find(path);
    ASSERT_TRUE(found.is_ok()) << path;
    EXPECT_EQ(data_of(found.value()), "P");
  }
  EXPECT_EQ(data_of(a.find("/sbin/pong").value()), "Q");
  EXPECT_EQ(data_of(a.find("etc/x").value()), "X");
  auto missing = a.find("/sbin/pin");
  ASSERT_TRUE(missing.is_error());
  EXPECT_EQ(missing.error().code(), rtl::Errc::not_found);
  EXPECT_TRUE(a.find("/sbin/ping/").is_error());
  EXPECT_TRUE(a.find("").is_error());
}

TEST(CpioArchive, LaterDuplicateWins) {
  Bytes b = archive({{"init", 0100755, "old"}, {"init", 0100755, "new"}});
  auto result = open(b);
  ASSERT_TRUE(result.is_ok());
  EXPECT_EQ(data_of(result.value().find("/init").value()), "new");
}

TEST(CpioArchive, AcceptsLowerCaseHexAndChecksummedFormat) {
  Bytes b;
  Entry e{"file", 0100644, "abc"};
  uint32_t sum = 'a' + 'b' + 'c';
  put_entry(b, e, "070702", 0, sum);
  put_entry(b, {"TRAILER!!!", 0, ""}, "070702");
  // Lower-case the mode field's hex digits.
  for (size_t i = 14; i < 22; ++i) b[i] = static_cast<uint8_t>(std::tolower(b[i]));
  auto result = open(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  EXPECT_EQ(data_of(result.value().find("file").value()), "abc");
}

TEST(CpioArchive, RejectsChecksumMismatch) {
  Bytes b;
  put_entry(b, {"file", 0100644, "abc"}, "070702", 0, 1);
  put_entry(b, {"TRAILER!!!", 0, ""}, "070702");
  expect_bad(b, "checksum");
}

TEST(CpioArchive, RejectsBadHeaders) {
  EXPECT_TRUE(CpioArchive::open(nullptr, 0).is_error());
  uint8_t nothing[1] = {0};
  auto empty = CpioArchive::open(nothing, 0);
  ASSERT_TRUE(empty.is_error());
  EXPECT_STREQ(empty.error().what(), "cpio: no TRAILER!!! entry");
  Bytes b = archive({{"a", 0100644, "x"}});
  b[5] = '7';  // 070707 is the old binary-ish "odc" format
  expect_bad(b, "magic");
  b = archive({{"a", 0100644, "x"}});
  b[6 + 8 + 3] = 'g';  // inside the mode field
  expect_bad(b, "hex");
  b = archive({{"a", 0100644, "x"}});
  b[6 + 8 * 6] = ' ';  // filesize field
  expect_bad(b, "hex");
  expect_bad(archive({{"a", 0100644, "x"}}, false), "no TRAILER");
}

TEST(CpioArchive, RejectsBadNames) {
  Bytes b;
  put_entry(b, {"abc", 0100644, ""}, "070701", -3);  // name size 1: empty name
  expect_bad(b, "empty name");
  b.clear();
  put_entry(b, {"abc", 0100644, ""}, "070701", -4);  // name size 0
  expect_bad(b, "empty name");
  b.clear();
  put_entry(b, {"abc", 0100644, ""}, "070701", -1);  // size excludes the NUL: "abc" not terminated
  expect_bad(b, "NUL-terminated");
  b.clear();
  put_entry(b, {std::string("a\0c", 3), 0100644, ""});
  put_entry(b, {"TRAILER!!!", 0, ""});
  expect_bad(b, "NUL inside");
  b.clear();
  put_entry(b, {"abc", 0100644, ""}, "070701", 5000);
  expect_bad(b, "longer than 4096");
  b.clear();
  put_entry(b, {"abc", 0100644, ""}, "070701", 1000);
  expect_bad(b, "name past the end");
}

TEST(CpioArchive, RejectsEveryTruncation) {
  Bytes b = archive({{"sbin/ping", 0100755, "some file data"}, {"x", 0100644, "y"}});
  for (size_t size = 0; size < b.size(); ++size)
    EXPECT_TRUE(CpioArchive::open(b.data(), size).is_error()) << size;
  EXPECT_TRUE(CpioArchive::open(b.data(), b.size()).is_ok());
}

TEST(CpioArchive, RejectsDataLargerThanTheArchive) {
  Bytes b = archive({{"a", 0100644, "xyz"}});
  // filesize field: claim 0x100 bytes.
  std::memcpy(b.data() + 6 + 8 * 6, "00000100", 8);
  expect_bad(b, "file data past the end");
  b = archive({{"a", 0100644, "xyz"}});
  std::memcpy(b.data() + 6 + 8 * 6, "FFFFFFFF", 8);
  expect_bad(b, "file data past the end");
}

Bytes read_file(const std::string& path) {
  Bytes bytes;
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return bytes;
  uint8_t chunk[65536];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), f)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  std::fclose(f);
  return bytes;
}

// build/initrd.cpio, written by scripts/mkcpio.py: every user program is in
// it byte for byte, with the fixed metadata that makes builds reproducible.
TEST(CpioArchive, ReadsTheBuiltInitrd) {
  std::string build = AMPHI_BUILD_DIR;
  Bytes b = read_file(build + "/initrd.cpio");
  if (b.empty()) GTEST_SKIP() << "no " << build << "/initrd.cpio";
  auto result = open(b);
  ASSERT_TRUE(result.is_ok()) << result.error().what();
  const CpioArchive& a = result.value();
  uint32_t expected_ino = 1;
  for (const CpioEntry& e : a) {
    EXPECT_EQ(e.ino, expected_ino++) << e.name;
    EXPECT_EQ(e.mtime, 0u) << e.name;
    EXPECT_EQ(e.uid, 0u) << e.name;
    EXPECT_EQ(e.gid, 0u) << e.name;
  }
  auto sbin = a.find("/sbin");
  ASSERT_TRUE(sbin.is_ok());
  EXPECT_TRUE(sbin.value().is_directory());
  for (const char* name : {"ping", "pong", "spin", "badptr", "ipcbench", "memhog"}) {
    auto entry = a.find((std::string("/sbin/") + name).c_str());
    ASSERT_TRUE(entry.is_ok()) << name;
    EXPECT_TRUE(entry.value().is_regular()) << name;
    EXPECT_EQ(entry.value().permissions(), 0755u) << name;
    Bytes host = read_file(build + "/user/" + name);
    ASSERT_EQ(entry.value().size, host.size()) << name;
    EXPECT_EQ(std::memcmp(entry.value().data, host.data(), host.size()), 0) << name;
  }
}

}  // namespace
