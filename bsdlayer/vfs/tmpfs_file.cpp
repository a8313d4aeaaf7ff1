// tmpfs regular files: data in 4 KiB pages allocated on first write, behind
// a page table (array of page pointers) that grows by doubling. Holes (null
// pages) read as zeros. Pages count against the filesystem's page_limit.
//
// Invariant: bytes of an allocated page at or beyond `size` are zero, so
// growing a file (truncate up, a write past the end) never exposes old data.
#include <cstring>

#include "tmpfs_node.h"

namespace bsdlayer::tmpfs {
namespace {

constexpr uint64_t kPage = kTmpfsPageSize;

// Makes the page table hold at least `count` slots.
SysResult<void> reserve_pages(File& file, uint64_t count) {
  if (count <= file.pages.size()) return {};
  uint64_t capacity = file.pages.size() ? file.pages.size() : 4;
  while (capacity < count) capacity *= 2;
  rtl::OwnArray<uint8_t*> grown = SYS_TRY(to_sys(rtl::try_allocate_array<uint8_t*>(capacity)));
  for (size_t i = 0; i < file.pages.size(); ++i) grown[i] = file.pages[i];
  file.pages = std::move(grown);
  return {};
}

SysResult<uint8_t*> page_for_write(Vnode& vnode, uint64_t index) {
  File& file = file_of(vnode);
  if (uint8_t* page = file.pages[index]) return page;
  FileSystem& fs = vnode.fs();
  if (fs.page_limit && fs.pages_used >= fs.page_limit) return sys_error(LINUX_ENOSPC);
  auto* page = static_cast<uint8_t*>(rtl::allocate(kPage, kPage));
  if (!page) return sys_error(LINUX_ENOMEM);
  memset(page, 0, kPage);
  file.pages[index] = page;
  ++fs.pages_used;
  vnode.blocks += kPage / 512;
  return page;
}

}  // namespace

// Frees every page from `first` on.
void discard_pages(Vnode& vnode, uint64_t first) {
  File& file = file_of(vnode);
  for (uint64_t i = first; i < file.pages.size(); ++i) {
    if (!file.pages[i]) continue;
    rtl::deallocate(file.pages[i], kPage, kPage);
    file.pages[i] = nullptr;
    --vnode.fs().pages_used;
    vnode.blocks -= kPage / 512;
  }
}

File::~File() {
  for (uint8_t* page : pages) RTL_ASSERT(!page);  // release() discards them first
}

SysResult<size_t> Ops::read(Vnode& vnode, uint64_t offset, void* buffer, size_t length) const {
  if (vnode.type() != VnodeType::regular) return VnodeOps::read(vnode, offset, buffer, length);
  if (offset >= vnode.size) return size_t{0};
  if (length > vnode.size - offset) length = vnode.size - offset;
  File& file = file_of(vnode);
  auto* out = static_cast<uint8_t*>(buffer);
  size_t done = 0;
  while (done < length) {
    uint64_t position = offset + done;
    uint64_t index = position / kPage;
    uint64_t within = position % kPage;
    size_t chunk = kPage - within < length - done ? kPage - within : length - done;
    uint8_t* page = index < file.pages.size() ? file.pages[index] : nullptr;
    if (page)
      memcpy(out + done, page + within, chunk);
    else
      memset(out + done, 0, chunk);
    done += chunk;
  }
  vnode.atime_ns = vnode.fs().now();
  return done;
}

SysResult<size_t> Ops::write(Vnode& vnode, uint64_t offset, const void* buffer,
                             size_t length) const {
  if (vnode.type() != VnodeType::regular) return VnodeOps::write(vnode, offset, buffer, length);
  if (length == 0) return size_t{0};
  if (offset >= kTmpfsMaxFileSize || length > kTmpfsMaxFileSize - offset)
    return sys_error(LINUX_EFBIG);
  SYS_TRY(reserve_pages(file_of(vnode), (offset + length + kPage - 1) / kPage));
  const auto* in = static_cast<const uint8_t*>(buffer);
  size_t done = 0;
  int failure = 0;
  while (done < length) {
    uint64_t position = offset + done;
    uint64_t within = position % kPage;
    size_t chunk = kPage - within < length - done ? kPage - within : length - done;
    auto page = page_for_write(vnode, position / kPage);
    if (page.is_error()) {
      failure = page.error();
      break;
    }
    memcpy(page.value() + within, in + done, chunk);
    done += chunk;
  }
  if (done == 0) return SysError{failure};
  if (offset + done > vnode.size) vnode.size = offset + done;
  vnode.touch_modified();
  return done;
}

SysResult<void> Ops::truncate(Vnode& vnode, uint64_t size) const {
  if (vnode.type() != VnodeType::regular) return VnodeOps::truncate(vnode, size);
  if (size > kTmpfsMaxFileSize) return sys_error(LINUX_EFBIG);
  if (size < vnode.size) {
    File& file = file_of(vnode);
    discard_pages(vnode, (size + kPage - 1) / kPage);
    uint64_t last = size / kPage;
    if (size % kPage && last < file.pages.size() && file.pages[last])
      memset(file.pages[last] + size % kPage, 0, kPage - size % kPage);
  }
  vnode.size = size;
  vnode.touch_modified();
  return {};
}

}  // namespace bsdlayer::tmpfs
