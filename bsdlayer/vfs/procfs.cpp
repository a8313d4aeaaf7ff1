// procfs mechanics; see procfs.h. Every vnode's fs_private is a ProcNode
// saying what it shows: the root, a pid directory, or one entry's file or
// link (for a pid, or at the root with pid 0).
#include "bsdlayer/vfs/procfs.h"

#include <cstring>

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer/vfs/dirent_writer.h"

namespace bsdlayer {
namespace {

struct ProcNode {
  const ProcfsTables* tables;
  const ProcEntry* entry;  // null for directories
  int pid;                 // 0: the root or a root entry
};

// Inode numbers: the root 1, root entries 2.., pid p's directory
// kPidInodeBase + p * 64 and its entries the 63 numbers after it.
constexpr uint64_t kPidInodeBase = 0x10000;
constexpr uint64_t kRootInode = 1;
// readdir cookies at the root: 0 ".", 1 "..", 2 + i for entry i, then
// kPidCookieBase + pid for pid directories (in ascending pid order).
constexpr uint64_t kPidCookieBase = 0x100000;

uint64_t pid_inode(int pid) { return kPidInodeBase + static_cast<uint64_t>(pid) * (kProcMaxPidEntries + 1); }

class Ops final : public VnodeOps {
 public:
  SysResult<rtl::RefPtr<Vnode>> lookup(Vnode& dir, std::string_view name) const override;
  SysResult<void> readdir(Vnode& dir, uint64_t& cookie, DirentWriter& out) const override;
  SysResult<size_t> read(Vnode& file, uint64_t offset, void* buffer, size_t length) const override;
  SysResult<size_t> readlink(Vnode& link, char* buffer, size_t length) const override;
  void release(Vnode& vnode) const override {
    rtl::detail::destroy_on_heap(static_cast<ProcNode*>(vnode.fs_private));
    vnode.fs_private = nullptr;
  }
};
const Ops g_ops;

ProcNode& node_of(Vnode& vnode) { return *static_cast<ProcNode*>(vnode.fs_private); }

SysResult<rtl::RefPtr<Vnode>> new_vnode(FileSystem& fs, const ProcfsTables& tables, const ProcEntry* entry,
                                        int pid, uint64_t ino) {
  ProcNode* node = rtl::detail::create_on_heap<ProcNode>(ProcNode{&tables, entry, pid});
  if (!node) return sys_error(LINUX_ENOMEM);
  VnodeType type = entry ? entry->type : VnodeType::directory;
  uint32_t permissions = type == VnodeType::directory ? 0555 : type == VnodeType::symlink ? 0777 : 0444;
  Vnode* vnode = rtl::detail::create_on_heap<Vnode>(fs, type, permissions, g_ops);
  if (!vnode) {
    rtl::detail::destroy_on_heap(node);
    return sys_error(LINUX_ENOMEM);
  }
  vnode->fs_private = node;
  vnode->ino = ino;
  if (type == VnodeType::directory) vnode->nlink = 2;
  return rtl::adopt_ref(*vnode);
}

// "123" -> 123; anything else (leading zeros, signs, overflow) -> 0.
int parse_pid(std::string_view name) {
  if (name.empty() || name.size() > 9 || name[0] == '0') return 0;
  int pid = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return 0;
    pid = pid * 10 + (c - '0');
  }
  return pid;
}

// The smallest pid >= `from`, or 0 when none.
int next_pid(const ProcfsTables& tables, int from) {
  struct Search {
    int from;
    int best;
  } search{from, 0};
  tables.for_each_pid(
      [](int pid, void* context) {
        auto& s = *static_cast<Search*>(context);
        if (pid >= s.from && (s.best == 0 || pid < s.best)) s.best = pid;
      },
      &search);
  return search.best;
}

// Runs the generator into a heap buffer, growing it until the text fits
// (up to kProcMaxText). The caller frees `buffer` (capacity `capacity`).
SysResult<size_t> generate(const ProcNode& node, char*& buffer, size_t& capacity) {
  capacity = 4096;
  for (;;) {
    buffer = static_cast<char*>(rtl::allocate(capacity));
    if (!buffer) return sys_error(LINUX_ENOMEM);
    ProcText text(buffer, capacity);
    if (!node.entry->generate(node.pid, text)) {
      rtl::deallocate(buffer, capacity);
      buffer = nullptr;
      return sys_error(LINUX_ENOENT);
    }
    if (!text.overflowed() || capacity >= kProcMaxText) return text.size();
    rtl::deallocate(buffer, capacity);
    capacity *= 4;
  }
}

SysResult<rtl::RefPtr<Vnode>> Ops::lookup(Vnode& dir, std::string_view name) const {
  ProcNode& node = node_of(dir);
  FileSystem& fs = dir.fs();
  if (name == "..") return fs.root;
  const ProcfsTables& tables = *node.tables;
  if (node.pid == 0) {
    for (size_t i = 0; i < tables.root_count; ++i)
      if (name == tables.root_entries[i].name) return new_vnode(fs, tables, &tables.root_entries[i], 0, 2 + i);
    int pid = parse_pid(name);
    if (pid == 0 || !tables.pid_exists(pid)) return sys_error(LINUX_ENOENT);
    return new_vnode(fs, tables, nullptr, pid, pid_inode(pid));
  }
  if (!tables.pid_exists(node.pid)) return sys_error(LINUX_ENOENT);
  for (size_t i = 0; i < tables.pid_count; ++i)
    if (name == tables.pid_entries[i].name)
      return new_vnode(fs, tables, &tables.pid_entries[i], node.pid, pid_inode(node.pid) + 1 + i);
  return sys_error(LINUX_ENOENT);
}

SysResult<void> Ops::readdir(Vnode& dir, uint64_t& cookie, DirentWriter& out) const {
  ProcNode& node = node_of(dir);
  const ProcfsTables& tables = *node.tables;
  uint64_t parent_ino = kRootInode;
  const ProcEntry* entries = node.pid ? tables.pid_entries : tables.root_entries;
  size_t count = node.pid ? tables.pid_count : tables.root_count;
  uint64_t first_entry_ino = node.pid ? pid_inode(node.pid) + 1 : 2;
  if (node.pid && !tables.pid_exists(node.pid)) return sys_error(LINUX_ENOENT);
  if (cookie == 0) {
    if (!out.add(dir.ino, 1, LINUX_DT_DIR, ".")) return {};
    cookie = 1;
  }
  if (cookie == 1) {
    if (!out.add(parent_ino, 2, LINUX_DT_DIR, "..")) return {};
    cookie = 2;
  }
  for (; cookie >= 2 && cookie < 2 + count; ++cookie) {
    const ProcEntry& entry = entries[cookie - 2];
    if (!out.add(first_entry_ino + (cookie - 2), cookie + 1, dirent_type(entry.type),
                 std::string_view(entry.name, strlen(entry.name))))
      return {};
  }
  if (node.pid) return {};
  if (cookie < kPidCookieBase) cookie = kPidCookieBase;
  while (int pid = next_pid(tables, static_cast<int>(cookie - kPidCookieBase))) {
    char name[16];
    size_t length = rtl::format_to_buffer(name, sizeof name, "{}", pid);
    if (!out.add(pid_inode(pid), kPidCookieBase + pid + 1, LINUX_DT_DIR, std::string_view(name, length))) return {};
    cookie = kPidCookieBase + pid + 1;
  }
  return {};
}

SysResult<size_t> Ops::read(Vnode& file, uint64_t offset, void* buffer, size_t length) const {
  ProcNode& node = node_of(file);
  if (file.type() != VnodeType::regular) return VnodeOps::read(file, offset, buffer, length);
  char* text = nullptr;
  size_t capacity = 0;
  size_t size = SYS_TRY(generate(node, text, capacity));
  size_t count = 0;
  if (offset < size) {
    count = size - offset < length ? size - offset : length;
    memcpy(buffer, text + offset, count);
  }
  rtl::deallocate(text, capacity);
  return count;
}

SysResult<size_t> Ops::readlink(Vnode& link, char* buffer, size_t length) const {
  if (!link.is_symlink()) return sys_error(LINUX_EINVAL);
  char* text = nullptr;
  size_t capacity = 0;
  size_t size = SYS_TRY(generate(node_of(link), text, capacity));
  size_t count = size < length ? size : length;
  memcpy(buffer, text, count);
  rtl::deallocate(text, capacity);
  return count;
}

}  // namespace

void ProcText::append(std::string_view text) {
  size_t room = capacity_ - size_;
  size_t count = text.size() < room ? text.size() : room;
  memcpy(data_ + size_, text.data(), count);
  size_ += count;
  if (count < text.size()) overflowed_ = true;
}

void ProcText::vappendf(fmt::string_view format, fmt::format_args args) {
  // vformat_to_buffer keeps a byte for the NUL: a result filling all the
  // room but that byte may have been cut.
  size_t room = capacity_ - size_;
  if (room < 2) {
    overflowed_ = true;
    return;
  }
  size_t written = rtl::vformat_to_buffer(data_ + size_, room, format, args);
  size_ += written;
  if (written + 1 >= room) overflowed_ = true;
}

SysResult<rtl::OwnPtr<FileSystem>> create_procfs(uint64_t device, Clock clock, const ProcfsTables& tables) {
  rtl::OwnPtr<FileSystem> fs = SYS_TRY(to_sys(rtl::try_make<FileSystem>("proc", device, clock)));
  fs->root = SYS_TRY(new_vnode(*fs, tables, nullptr, 0, kRootInode));
  return fs;
}

}  // namespace bsdlayer
