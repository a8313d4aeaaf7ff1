// The object namespace: resolution, naming, removal and walks (see
// object_namespace.h for the rules and the lock).
#include "executive/object_namespace.h"

#include <cstring>
#include <utility>

#include "directory.h"
#include "rtl/own_ptr.h"
#include "symbolic_link.h"

namespace executive::ob {
namespace {

using rtl::Errc;
using rtl::Error;
using rtl::RefPtr;
using rtl::Result;

// A link's target followed by what came after the link's name in the path
// (`rest`: empty, or starting with `\`), written to `out`.
Result<std::string_view> substitute(std::string_view target, std::string_view rest, char* out) {
  if (target == "\\" && !rest.empty()) target = {};  // rest brings its own `\`
  if (target.size() + rest.size() > kMaxPath)
    return Error(Errc::too_big, "object path longer than 255 after a link");
  memcpy(out, target.data(), target.size());
  memcpy(out + target.size(), rest.data(), rest.size());
  return std::string_view(out, target.size() + rest.size());
}

// Walks `path` from the root, name by name. A link restarts the walk from
// the root with its target in place of the names resolved so far. The
// result is only valid while the namespace lock is held.
Result<Object*> resolve(Object& root, std::string_view path, Follow follow) {
  char rewritten[2][kMaxPath];  // alternate: the next path is built from the current one
  size_t spare = 0;
  unsigned hops = 0;
  for (;;) {
    TRY(check_path(path));
    Object* current = &root;
    std::string_view rest = path.substr(1);
    bool restarted = false;
    while (!rest.empty() && !restarted) {
      size_t cut = rest.find('\\');
      std::string_view name = rest.substr(0, cut);
      std::string_view after = cut == std::string_view::npos ? std::string_view() : rest.substr(cut);
      Directory* directory = Directory::of(*current);
      if (!directory) return Error(Errc::not_a_directory, "a name on the path is not a directory");
      Object* entry = directory->find(name);
      if (!entry) return Error(Errc::not_found, "no such object");
      if (entry->is_symbolic_link() && (!after.empty() || follow == Follow::all)) {
        if (++hops > kMaxLinkHops) return Error(Errc::too_many_links, "more than 8 symbolic links");
        path = TRY(substitute(entry->link_target(), after, rewritten[spare]));
        spare ^= 1;
        restarted = true;
      } else {
        current = entry;
        rest = after.empty() ? after : after.substr(1);
      }
    }
    if (!restarted) return current;
  }
}

// The object's real path (links resolved), and how many names it has.
size_t path_of(const Object& object, char* out, size_t* depth) {
  const Object* chain[kMaxDepth];
  size_t names = 0;
  for (const Object* at = &object; Directory::parent_of(*at); at = Directory::parent_of(*at)) {
    RTL_ASSERT(names < kMaxDepth);  // link() keeps real paths within the limits
    chain[names++] = at;
  }
  size_t length = 0;
  for (size_t i = names; i > 0; --i) {
    out[length++] = '\\';
    memcpy(out + length, chain[i - 1]->name().data(), chain[i - 1]->name().size());
    length += chain[i - 1]->name().size();
  }
  if (length == 0) out[length++] = '\\';
  *depth = names;
  return length;
}

}  // namespace

ObjectNamespace::~ObjectNamespace() {
  // Leaves first, one per pass, each freed outside the lock like any removal.
  for (;;) {
    RefPtr<Object> removed = tree_.with([](RefPtr<Object>& root) -> RefPtr<Object> {
      if (!root) return nullptr;
      Object* object = root.get();
      for (Directory* directory = Directory::of(*object); directory && !directory->entries.empty();
           directory = Directory::of(*object))
        object = directory->entries.front();
      if (object == root.get()) return std::exchange(root, nullptr);
      Directory::of(*Directory::parent_of(*object))->unlink(*object);
      return rtl::adopt_ref(*object);
    });
    if (!removed) return;
  }
}

Result<void> ObjectNamespace::init() {
  rtl::OwnPtr<Directory> directory = TRY(rtl::try_make<Directory>());
  RefPtr<Object> root = TRY(rtl::try_make_ref_counted<Object>(ObjectKey(), "", kDirectoryType, directory.get()));
  (void)directory.leak();  // the root object owns it now
  bool made = tree_.with([&](RefPtr<Object>& tree) {
    if (tree) return false;
    tree = std::move(root);
    return true;
  });
  if (!made) return Error(Errc::already_exists, "the namespace has a root already");
  return {};
}

// The object is made before the lock is taken; on failure the caller's
// reference is the last one and frees it after the lock is dropped.
Result<RefPtr<Object>> ObjectNamespace::make(std::string_view path, const ObjectType& type, void* body) {
  TRY(check_path(path));
  std::string_view leaf = split_last(path).leaf;
  if (leaf.empty()) return Error(Errc::already_exists, "the root exists");
  return rtl::try_make_ref_counted<Object>(ObjectKey(), leaf, type, body);
}

Result<RefPtr<Object>> ObjectNamespace::link(std::string_view path, const RefPtr<Object>& object) {
  return tree_.with([&](RefPtr<Object>& root) -> Result<RefPtr<Object>> {
    if (!root) return Error(Errc::not_found, "the namespace has no root");
    Object* parent = TRY(resolve(*root, split_last(path).parent, Follow::all));
    Directory* directory = Directory::of(*parent);
    if (!directory) return Error(Errc::not_a_directory, "the parent is not a directory");
    if (directory->find(object->name())) return Error(Errc::already_exists, "an object of that name exists");
    // Through a link the real path may be longer than the one given.
    char real[kMaxPath];
    size_t depth;
    size_t length = path_of(*parent, real, &depth);
    if (depth + 1 > kMaxDepth || (length > 1 ? length : 0) + 1 + object->name().size() > kMaxPath)
      return Error(Errc::too_big, "the object's real path would exceed the limits");
    object->ref();  // the directory's reference
    directory->link(*parent, *object);
    return object;
  });
}

Result<RefPtr<Object>> ObjectNamespace::create_directory(std::string_view path) {
  rtl::OwnPtr<Directory> directory = TRY(rtl::try_make<Directory>());
  RefPtr<Object> object = TRY(make(path, kDirectoryType, directory.get()));
  (void)directory.leak();  // the object owns it now, linked or not
  return link(path, object);
}

Result<RefPtr<Object>> ObjectNamespace::create_symbolic_link(std::string_view path, std::string_view target) {
  TRY(check_path(target));
  rtl::OwnPtr<SymbolicLink> link_body = TRY(rtl::try_make<SymbolicLink>(target));
  RefPtr<Object> object = TRY(make(path, kSymbolicLinkType, link_body.get()));
  (void)link_body.leak();
  return link(path, object);
}

Result<RefPtr<Object>> ObjectNamespace::insert(std::string_view path, const ObjectType& type, void* body) {
  if (&type == &kDirectoryType || &type == &kSymbolicLinkType)
    return Error(Errc::invalid_argument, "directories and links have their own calls");
  RefPtr<Object> object = TRY(make(path, type, body));
  auto linked = link(path, object);
  if (linked.is_error()) object->body_ = nullptr;  // not ours to delete: the caller keeps it
  return linked;
}

Result<RefPtr<Object>> ObjectNamespace::lookup(std::string_view path, Follow follow) const {
  return tree_.with([&](const RefPtr<Object>& root) -> Result<RefPtr<Object>> {
    if (!root) return Error(Errc::not_found, "the namespace has no root");
    Object* found = TRY(resolve(*root, path, follow));
    found->ref();  // the caller's, taken while the directory's keeps it alive
    return rtl::adopt_ref(*found);
  });
}

Result<void> ObjectNamespace::remove(std::string_view path) {
  RefPtr<Object> removed;  // the directory's reference, dropped after the lock
  return tree_.with([&](RefPtr<Object>& root) -> Result<void> {
    if (!root) return Error(Errc::not_found, "the namespace has no root");
    Object* object = TRY(resolve(*root, path, Follow::not_final));
    if (object == root.get()) return Error(Errc::busy, "the root cannot be removed");
    if (Directory* directory = Directory::of(*object); directory && !directory->entries.empty())
      return Error(Errc::busy, "the directory is not empty");
    Directory::of(*Directory::parent_of(*object))->unlink(*object);
    removed = rtl::adopt_ref(*object);
    return {};
  });
}

namespace {

// Visits a directory's entries, and theirs below them; `path` holds the
// directory's real path in its first `length` characters. Recursion is
// bounded by kMaxDepth, which link() enforces on real paths.
void visit_entries(const Directory& directory, char* path, size_t length, size_t depth,
                   ObjectNamespace::Visitor visit, void* context, bool recurse) {
  if (length == 1) length = 0;  // the root's `\` is its entries' separator
  for (Object& entry : directory.entries) {
    size_t entry_length = length;
    path[entry_length++] = '\\';
    memcpy(path + entry_length, entry.name().data(), entry.name().size());
    entry_length += entry.name().size();
    visit(ObjectEntry{{path, entry_length}, entry, depth}, context);
    if (const Directory* inner = Directory::of(entry); inner && recurse)
      visit_entries(*inner, path, entry_length, depth + 1, visit, context, true);
  }
}

}  // namespace

void ObjectNamespace::walk(Visitor visit, void* context) const {
  tree_.with([&](const RefPtr<Object>& root) {
    if (!root) return;
    char path[kMaxPath] = {'\\'};
    visit(ObjectEntry{{path, 1}, *root, 0}, context);
    visit_entries(*Directory::of(*root), path, 1, 1, visit, context, true);
  });
}

Result<void> ObjectNamespace::list(std::string_view directory_path, Visitor visit, void* context) const {
  return tree_.with([&](const RefPtr<Object>& root) -> Result<void> {
    if (!root) return Error(Errc::not_found, "the namespace has no root");
    Object* object = TRY(resolve(*root, directory_path, Follow::all));
    const Directory* directory = Directory::of(*object);
    if (!directory) return Error(Errc::not_a_directory, "not a directory");
    char path[kMaxPath];
    size_t depth;
    size_t length = path_of(*object, path, &depth);
    visit_entries(*directory, path, length, depth + 1, visit, context, false);
    return {};
  });
}

}  // namespace executive::ob
