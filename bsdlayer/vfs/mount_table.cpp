// The mount table: mounting, teardown, /proc/mounts and getcwd's path_of.
//
// Invariants: a Mount owns its FileSystem and a reference to the directory
// it covers, whose mounted_here points back at it; the list keeps parents
// before children, so tearing it down from the back unmounts inner mounts
// before the filesystems holding their mount points.
#include <cstring>

#include "bsdlayer/linux/dirent.h"
#include "bsdlayer/vfs/dirent_writer.h"
#include "bsdlayer/vfs/vfs.h"

namespace bsdlayer {
namespace {

SysResult<rtl::OwnArray<char>> copy_string(std::string_view text) {
  rtl::OwnArray<char> chars = SYS_TRY(to_sys(rtl::try_allocate_array<char>(text.size())));
  if (!text.empty()) memcpy(chars.data(), text.data(), text.size());
  return chars;
}

std::string_view view(const rtl::OwnArray<char>& chars) { return {chars.data(), chars.size()}; }

// The name under which `child` appears in `dir` (found by inode number).
SysResult<size_t> name_in(Vnode& dir, const Vnode& child, char* name, size_t capacity) {
  uint64_t cookie = 0;
  alignas(8) uint8_t records[512];
  for (;;) {
    DirentWriter writer(records, sizeof records);
    SYS_TRY(dir.ops().readdir(dir, cookie, writer));
    if (writer.count() == 0) return sys_error(LINUX_ENOENT);
    for (size_t at = 0; at < writer.used();) {
      const auto* record = reinterpret_cast<const linux_dirent64*>(records + at);
      std::string_view entry(record->d_name);
      if (record->d_ino == child.ino && entry != "." && entry != "..") {
        if (entry.size() > capacity) return sys_error(LINUX_ERANGE);
        memcpy(name, entry.data(), entry.size());
        return entry.size();
      }
      at += record->d_reclen;
    }
  }
}

}  // namespace

Vfs::~Vfs() {
  while (Mount* mount = mounts_.back()) {
    mounts_.remove(*mount);
    if (mount->covered) mount->covered->mounted_here = nullptr;
    mount->covered.reset();
    mount->fs->mount = nullptr;
    rtl::detail::destroy_on_heap(mount);
  }
}

rtl::RefPtr<Vnode> Vfs::root() const {
  RTL_ASSERT(root_mount_);
  return root_mount_->fs->root;
}

SysResult<void> Vfs::attach(rtl::OwnPtr<FileSystem> fs, rtl::RefPtr<Vnode> covered,
                            std::string_view device_name, std::string_view options) {
  // Heap, not stack: kernel stacks are small.
  rtl::OwnArray<char> path = SYS_TRY(to_sys(rtl::try_allocate_array<char>(kLinuxPathMax)));
  size_t path_length = 2;  // "/" and its NUL
  if (covered)
    path_length = SYS_TRY(path_of(*covered, path.data(), path.size()));
  else
    memcpy(path.data(), "/", 2);
  Mount* mount = rtl::detail::create_on_heap<Mount>();
  if (!mount) return sys_error(LINUX_ENOMEM);
  auto device_copy = copy_string(device_name);
  auto options_copy = copy_string(options);
  auto path_copy = copy_string({path.data(), path_length - 1});
  if (device_copy.is_error() || options_copy.is_error() || path_copy.is_error()) {
    rtl::detail::destroy_on_heap(mount);
    return sys_error(LINUX_ENOMEM);
  }
  mount->device_name = device_copy.release_value();
  mount->options = options_copy.release_value();
  mount->path = path_copy.release_value();
  if (covered) {
    mount->parent = covered->fs().mount;
    covered->mounted_here = mount;
  } else {
    root_mount_ = mount;
  }
  mount->covered = std::move(covered);
  fs->mount = mount;
  mount->fs = std::move(fs);
  mounts_.push_back(*mount);
  return {};
}

SysResult<void> Vfs::mount_root(rtl::OwnPtr<FileSystem> fs, std::string_view device_name,
                                std::string_view options) {
  if (root_mount_) return sys_error(LINUX_EBUSY);
  return attach(std::move(fs), nullptr, device_name, options);
}

SysResult<void> Vfs::mount(Vnode* base, std::string_view path, rtl::OwnPtr<FileSystem> fs,
                           std::string_view device_name, std::string_view options) {
  rtl::RefPtr<Vnode> target = SYS_TRY(resolve(base, path, kFollow));
  if (!target->is_directory()) return sys_error(LINUX_ENOTDIR);
  if (target->mounted_here) return sys_error(LINUX_EBUSY);  // lookups cross, so: defensive
  return attach(std::move(fs), std::move(target), device_name, options);
}

void Vfs::for_each_mount(void (*visit)(const MountInfo&, void*), void* context) const {
  for (Mount& mount : mounts_) {
    MountInfo info{view(mount.device_name), view(mount.path),
                   std::string_view(mount.fs->type_name()), view(mount.options)};
    visit(info, context);
  }
}

size_t Vfs::format_mounts(char* buffer, size_t capacity) const {
  struct Out {
    char* buffer;
    size_t capacity;
    size_t length;
    void put(std::string_view text) {
      for (char c : text) {
        if (length < capacity) buffer[length] = c;
        ++length;
      }
    }
  } out{buffer, capacity, 0};
  for_each_mount(
      [](const MountInfo& info, void* context) {
        Out& o = *static_cast<Out*>(context);
        o.put(info.device_name);
        o.put(" ");
        o.put(info.mount_point);
        o.put(" ");
        o.put(info.fs_type);
        o.put(" ");
        o.put(info.options);
        o.put(" 0 0\n");
      },
      &out);
  return out.length;
}

SysResult<size_t> Vfs::path_of(Vnode& directory, char* buffer, size_t capacity) const {
  rtl::RefPtr<Vnode> top = root();
  rtl::RefPtr<Vnode> current = retain(directory);
  // Built backwards from the end of the buffer, then moved to the front.
  if (capacity < 2) return sys_error(LINUX_ERANGE);
  size_t start = capacity - 1;
  buffer[start] = '\0';
  char name[kLinuxNameMax];
  while (current != top) {
    FileSystem& fs = current->fs();
    if (current.get() == fs.root.get()) {
      if (!fs.mount || !fs.mount->covered) return sys_error(LINUX_ENOENT);  // not reachable
      current = fs.mount->covered;
      continue;
    }
    rtl::RefPtr<Vnode> parent = SYS_TRY(current->ops().lookup(*current, ".."));
    size_t length = SYS_TRY(name_in(*parent, *current, name, sizeof name));
    if (length + 1 > start) return sys_error(LINUX_ERANGE);
    start -= length;
    memcpy(buffer + start, name, length);
    buffer[--start] = '/';
    current = std::move(parent);
  }
  if (start == capacity - 1) buffer[--start] = '/';
  size_t total = capacity - start;
  memmove(buffer, buffer + start, total);
  return total;
}

}  // namespace bsdlayer
