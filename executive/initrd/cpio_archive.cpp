// cpio "newc" reading (see executive/cpio_archive.h for the format).
//
// parse_entry() is the one place that reads a header; open() runs it over
// the whole archive with bounds checks, so the iterator can run it again
// knowing it succeeds. Offsets are size_t and every addition is checked
// against the remaining bytes before it is made.
#include "executive/cpio_archive.h"

#include "rtl/panic.h"

namespace executive {

namespace {

constexpr char kMagicNewc[] = "070701";
constexpr char kMagicCrc[] = "070702";
constexpr char kTrailerName[] = "TRAILER!!!";
constexpr size_t kFieldCount = 13;

rtl::Error bad(const char* what) { return rtl::Error(rtl::Errc::bad_format, what); }

size_t padding_to_4(size_t offset) { return (4 - (offset & 3)) & 3; }

bool parse_hex_field(const uint8_t* p, uint32_t& out) {
  uint32_t value = 0;
  for (int i = 0; i < 8; ++i) {
    uint8_t c = p[i];
    uint32_t digit;
    if (c >= '0' && c <= '9')
      digit = c - '0';
    else if (c >= 'a' && c <= 'f')
      digit = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      digit = c - 'A' + 10;
    else
      return false;
    value = (value << 4) | digit;
  }
  out = value;
  return true;
}

struct Parsed {
  CpioEntry entry;
  size_t next;  // offset of the following header
  bool trailer;
};

rtl::Result<Parsed> parse_entry(const uint8_t* data, size_t size, size_t offset) {
  if (offset > size || size - offset < CpioArchive::kHeaderSize) return bad("cpio: header past the end of the archive");
  const uint8_t* h = data + offset;
  for (int i = 0; i < 6; ++i) {
    if (h[i] != kMagicNewc[i] && !(i == 5 && h[i] == kMagicCrc[5])) return bad("cpio: bad magic (not newc 070701/070702)");
  }
  bool with_checksum = h[5] == kMagicCrc[5];

  uint32_t f[kFieldCount];
  for (size_t i = 0; i < kFieldCount; ++i)
    if (!parse_hex_field(h + 6 + 8 * i, f[i])) return bad("cpio: header field is not 8 hex digits");
  Parsed parsed;
  CpioEntry& e = parsed.entry;
  e.ino = f[0], e.mode = f[1], e.uid = f[2], e.gid = f[3], e.nlink = f[4], e.mtime = f[5];
  uint32_t file_size = f[6];
  e.dev_major = f[7], e.dev_minor = f[8], e.rdev_major = f[9], e.rdev_minor = f[10];
  uint32_t name_size = f[11];
  uint32_t check = f[12];

  if (name_size < 2) return bad("cpio: empty name");
  if (name_size > CpioArchive::kMaxNameSize) return bad("cpio: name longer than 4096 bytes");
  size_t name_offset = offset + CpioArchive::kHeaderSize;
  if (size - name_offset < name_size) return bad("cpio: name past the end of the archive");
  const char* name = reinterpret_cast<const char*>(data + name_offset);
  if (name[name_size - 1] != '\0') return bad("cpio: name not NUL-terminated");
  for (uint32_t i = 0; i + 1 < name_size; ++i)
    if (name[i] == '\0') return bad("cpio: NUL inside a name");
  e.name = name;
  e.name_length = name_size - 1;

  size_t data_offset = name_offset + name_size;
  size_t pad = padding_to_4(data_offset);
  if (size - data_offset < pad) return bad("cpio: name padding past the end of the archive");
  data_offset += pad;
  if (size - data_offset < file_size) return bad("cpio: file data past the end of the archive");
  e.data = data + data_offset;
  e.size = file_size;
  size_t next = data_offset + file_size;
  pad = padding_to_4(next);
  if (size - next < pad) return bad("cpio: data padding past the end of the archive");
  parsed.next = next + pad;

  if (with_checksum) {
    uint32_t sum = 0;
    for (size_t i = 0; i < e.size; ++i) sum += e.data[i];
    if (sum != check) return bad("cpio: checksum mismatch (070702)");
  }
  parsed.trailer = e.name_length == sizeof(kTrailerName) - 1 &&
                   __builtin_memcmp(name, kTrailerName, sizeof(kTrailerName) - 1) == 0;
  return parsed;
}

// Drops the leading "/" and "./" that name the archive's root.
const char* strip_root(const char* path, size_t& length) {
  for (;;) {
    if (length >= 1 && path[0] == '/') {
      ++path, --length;
    } else if (length >= 2 && path[0] == '.' && path[1] == '/') {
      path += 2, length -= 2;
    } else {
      return path;
    }
  }
}

size_t string_length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

}  // namespace

rtl::Result<CpioArchive> CpioArchive::open(const uint8_t* data, size_t size) {
  if (data == nullptr) return bad("cpio: no data");
  size_t offset = 0;
  size_t count = 0;
  for (;;) {
    if (offset == size) return bad("cpio: no TRAILER!!! entry");
    Parsed parsed = TRY(parse_entry(data, size, offset));
    if (parsed.trailer) return CpioArchive(data, offset, parsed.next, count);
    ++count;
    offset = parsed.next;
  }
}

CpioArchive::Iterator::Iterator(const CpioArchive* archive, size_t offset) : archive_(archive), offset_(offset) {
  if (offset_ == archive_->end_) return;
  auto parsed = parse_entry(archive_->data_, archive_->end_, offset_);
  RTL_ASSERT(parsed.is_ok());  // open() validated every entry
  entry_ = parsed.value().entry;
  next_ = parsed.value().next;
}

CpioArchive::Iterator& CpioArchive::Iterator::operator++() {
  *this = Iterator(archive_, next_);
  return *this;
}

rtl::Result<CpioEntry> CpioArchive::find(const char* path) const {
  size_t wanted_length = string_length(path);
  const char* wanted = strip_root(path, wanted_length);
  const CpioEntry* found = nullptr;
  CpioEntry last;
  for (const CpioEntry& entry : *this) {
    size_t length = entry.name_length;
    const char* name = strip_root(entry.name, length);
    if (length == wanted_length && __builtin_memcmp(name, wanted, length) == 0) {
      last = entry;
      found = &last;
    }
  }
  if (!found) return rtl::Error(rtl::Errc::not_found, "cpio: no such entry");
  return last;
}

}  // namespace executive
