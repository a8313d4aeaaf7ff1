// namei: turning a path into a vnode, one component at a time.
//
// The path still to walk is a string_view into either the caller's path or
// a scratch buffer holding "<symlink target>/<rest>"; following a link
// builds the next scratch string from the current one, so two heap buffers
// (allocated on the first link only) alternate. The walk keeps a reference
// to the current directory only; a symlink's target is read relative to the
// directory holding the link.
#include <cstring>

#include "bsdlayer/vfs/vfs.h"

namespace bsdlayer {
namespace {

class ScratchPaths {
 public:
  ~ScratchPaths() {
    for (char* buffer : buffers_)
      if (buffer) rtl::deallocate(buffer, kLinuxPathMax);
  }
  // The buffer not holding the current path.
  SysResult<char*> next() {
    flip_ ^= 1;
    if (!buffers_[flip_]) buffers_[flip_] = static_cast<char*>(rtl::allocate(kLinuxPathMax));
    if (!buffers_[flip_]) return sys_error(LINUX_ENOMEM);
    return buffers_[flip_];
  }

 private:
  char* buffers_[2] = {nullptr, nullptr};
  int flip_ = 1;
};

bool at_mount_root(Vnode& vnode) {
  FileSystem& fs = vnode.fs();
  return &vnode == fs.root.get() && fs.mount && fs.mount->covered;
}

}  // namespace

SysResult<rtl::RefPtr<Vnode>> Vfs::lookup_child(Vnode& dir, std::string_view name) const {
  rtl::RefPtr<Vnode> child = SYS_TRY(dir.ops().lookup(dir, name));
  while (child->mounted_here) child = child->mounted_here->fs->root;
  return child;
}

SysResult<rtl::RefPtr<Vnode>> Vfs::walk(Vnode* base, std::string_view path, uint32_t flags,
                                        int& links, ParentLookup* parent) const {
  if (path.empty()) return sys_error(LINUX_ENOENT);
  if (path.size() >= kLinuxPathMax) return sys_error(LINUX_ENAMETOOLONG);
  rtl::RefPtr<Vnode> top = root();
  rtl::RefPtr<Vnode> current = path[0] == '/' || !base ? top : retain(*base);
  ScratchPaths scratch;
  std::string_view rest = path;
  bool trailing_slash = false;
  for (;;) {
    size_t skip = rest.find_first_not_of('/');
    if (skip == std::string_view::npos) {
      // Nothing but slashes left: the path named `current` itself ("/").
      if (parent) {
        parent->dir = current;
        parent->kind = LastComponent::root;
        parent->name_length = 0;
      }
      if (trailing_slash && !current->is_directory()) return sys_error(LINUX_ENOTDIR);
      return current;
    }
    rest.remove_prefix(skip);
    size_t end = rest.find('/');
    std::string_view name = rest.substr(0, end);
    std::string_view after = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    bool last = after.find_first_not_of('/') == std::string_view::npos;
    trailing_slash = last && !after.empty();
    if (name.size() > kLinuxNameMax) return sys_error(LINUX_ENAMETOOLONG);
    if (!current->is_directory()) return sys_error(LINUX_ENOTDIR);

    if (last && parent) {
      parent->dir = current;
      parent->kind = name == "."    ? LastComponent::dot
                     : name == ".." ? LastComponent::dotdot
                                    : LastComponent::normal;
      parent->trailing_slash = trailing_slash;
      parent->name_length = name.size();
      memcpy(parent->name_storage, name.data(), name.size());
      parent->name_storage[name.size()] = '\0';
      return current;
    }

    rest = after;
    if (name == ".") continue;
    if (name == "..") {
      // Linux's follow_dotdot: stay at the root; leave mounted roots for
      // the directory they cover; then step up within the filesystem.
      while (current != top && at_mount_root(*current)) current = current->fs().mount->covered;
      if (current == top) continue;
      current = SYS_TRY(lookup_child(*current, ".."));
      continue;
    }

    rtl::RefPtr<Vnode> next = SYS_TRY(lookup_child(*current, name));
    bool follow = !last || (flags & kFollow) || trailing_slash;
    if (next->is_symlink() && follow) {
      if (++links > kLinuxMaxSymlinks) return sys_error(LINUX_ELOOP);
      char* buffer = SYS_TRY(scratch.next());
      size_t length = SYS_TRY(next->ops().readlink(*next, buffer, kLinuxPathMax));
      if (length == 0) return sys_error(LINUX_ENOENT);
      if (length + after.size() >= kLinuxPathMax) return sys_error(LINUX_ENAMETOOLONG);
      // `after` may live in the other scratch buffer, never in this one.
      if (!after.empty()) memcpy(buffer + length, after.data(), after.size());
      rest = std::string_view(buffer, length + after.size());
      if (buffer[0] == '/') current = top;
      trailing_slash = false;
      continue;
    }
    current = std::move(next);
    if (last) {
      if (trailing_slash && !current->is_directory()) return sys_error(LINUX_ENOTDIR);
      return current;
    }
  }
}

SysResult<rtl::RefPtr<Vnode>> Vfs::resolve(Vnode* base, std::string_view path,
                                           uint32_t flags) const {
  int links = 0;
  return walk(base, path, flags, links, nullptr);
}

SysResult<ParentLookup> Vfs::resolve_parent(Vnode* base, std::string_view path) const {
  int links = 0;
  ParentLookup lookup;
  SYS_TRY(walk(base, path, 0, links, &lookup));
  return lookup;
}

}  // namespace bsdlayer
