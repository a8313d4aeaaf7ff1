// The initrd: a cpio archive in the "newc" format (magic 070701; 070702 is
// the same with a checksum, which is verified), as Linux's initramfs uses
// and scripts/mkcpio.py writes.
//
// Each entry is a 110-byte ASCII header (magic, then 13 fields of 8 hex
// digits: ino mode uid gid nlink mtime filesize devmajor devminor rdevmajor
// rdevminor namesize check), the NUL-terminated name (namesize counts the
// NUL), zero padding to a multiple of 4 from the archive's start, the data,
// and padding to 4 again. The entry named "TRAILER!!!" ends the archive;
// bytes after it (block padding) are ignored.
//
// open() validates the whole archive once, so iteration and find() cannot
// fail afterwards. The archive views the caller's bytes (no copy, no
// allocation): they must outlive it and every entry taken from it.
// Hard links (several entries sharing an inode, data in the last) are not
// merged: each entry is reported as it is stored.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace executive {

struct CpioEntry {
  static constexpr uint32_t kTypeMask = 0170000;
  static constexpr uint32_t kTypeDirectory = 0040000;
  static constexpr uint32_t kTypeRegular = 0100000;
  static constexpr uint32_t kTypeSymlink = 0120000;

  const char* name;    // NUL-terminated, inside the archive; as stored ("sbin/ping")
  size_t name_length;  // without the NUL; at least 1
  uint32_t ino;
  uint32_t mode;  // type and permission bits (st_mode)
  uint32_t uid;
  uint32_t gid;
  uint32_t nlink;
  uint32_t mtime;
  uint32_t dev_major;
  uint32_t dev_minor;
  uint32_t rdev_major;
  uint32_t rdev_minor;
  const uint8_t* data;  // file contents or symlink target; inside the archive
  size_t size;

  bool is_directory() const { return (mode & kTypeMask) == kTypeDirectory; }
  bool is_regular() const { return (mode & kTypeMask) == kTypeRegular; }
  bool is_symlink() const { return (mode & kTypeMask) == kTypeSymlink; }
  uint32_t permissions() const { return mode & 07777; }
};

class CpioArchive {
 public:
  static constexpr size_t kHeaderSize = 110;
  // Longer names are refused (PATH_MAX including the NUL).
  static constexpr uint32_t kMaxNameSize = 4096;

  // Validates every entry up to the trailer. bad_format with a message saying
  // what is wrong: bad magic, non-hex field, name size 0 or too long, name
  // not NUL-terminated or containing a NUL, header/name/data/padding past the
  // end, checksum mismatch (070702), no trailer.
  static rtl::Result<CpioArchive> open(const uint8_t* data, size_t size);

  // Entries in archive order, trailer excluded:
  //   for (const CpioEntry& entry : archive) ...
  class Iterator {
   public:
    const CpioEntry& operator*() const { return entry_; }
    const CpioEntry* operator->() const { return &entry_; }
    Iterator& operator++();
    bool operator==(const Iterator& other) const { return offset_ == other.offset_; }

   private:
    friend class CpioArchive;
    Iterator(const CpioArchive* archive, size_t offset);
    const CpioArchive* archive_;
    size_t offset_;  // of the current header; the archive's end_ at the end
    size_t next_ = 0;
    CpioEntry entry_ = {};
  };
  Iterator begin() const { return Iterator(this, 0); }
  Iterator end() const { return Iterator(this, end_); }

  // The entry stored under `path`. Leading "/" and "./" are ignored on both
  // sides, so "/sbin/ping", "sbin/ping" and "./sbin/ping" name the same
  // entry. If a name appears more than once the last one wins, as when Linux
  // unpacks an initramfs. not_found if absent.
  rtl::Result<CpioEntry> find(const char* path) const;

  size_t entry_count() const { return entry_count_; }
  // Bytes up to and including the trailer entry (and its padding).
  size_t used_size() const { return used_size_; }

 private:
  CpioArchive(const uint8_t* data, size_t end, size_t used_size, size_t entry_count)
      : data_(data), end_(end), used_size_(used_size), entry_count_(entry_count) {}

  const uint8_t* data_;
  size_t end_;  // offset of the trailer's header
  size_t used_size_;
  size_t entry_count_;
};

}  // namespace executive
