// Packing linux_dirent64 records; see dirent_writer.h.
#include "bsdlayer/vfs/dirent_writer.h"

#include <cstring>

#include "bsdlayer/linux/dirent.h"

namespace bsdlayer {

bool DirentWriter::add(uint64_t ino, uint64_t next_cookie, uint8_t type, std::string_view name) {
  size_t size = linux_dirent64_size(name.size());
  if (size > capacity_ - used_) return false;
  uint8_t* record = buffer_ + used_;
  memset(record, 0, size);
  int64_t offset = static_cast<int64_t>(next_cookie);
  auto reclen = static_cast<uint16_t>(size);
  memcpy(record + offsetof(linux_dirent64, d_ino), &ino, sizeof ino);
  memcpy(record + offsetof(linux_dirent64, d_off), &offset, sizeof offset);
  memcpy(record + offsetof(linux_dirent64, d_reclen), &reclen, sizeof reclen);
  record[offsetof(linux_dirent64, d_type)] = type;
  memcpy(record + kLinuxDirent64HeadSize, name.data(), name.size());
  used_ += size;
  ++count_;
  return true;
}

}  // namespace bsdlayer
