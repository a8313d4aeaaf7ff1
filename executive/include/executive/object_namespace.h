// ObjectNamespace: NT's object manager namespace, small. A tree of named
// objects under the root directory `\`: directories, symbolic links
// (\??\blk0 -> \Device\blk0) and typed objects whose bodies belong to other
// subsystems (devices and drivers, from the I/O manager).
//
//   ObjectNamespace names;
//   TRY(names.init());
//   TRY(names.create_directory("\\Device"));
//   TRY(names.insert("\\Device\\rd0", kDeviceType, &device));
//   TRY(names.create_symbolic_link("\\??\\rd0", "\\Device\\rd0"));
//   RefPtr<Object> rd0 = TRY(names.lookup("\\??\\RD0"));   // the device
//
// Paths: see object_path.h. Symbolic links met on the way are followed, the
// last name's too unless Follow::not_final says otherwise; a resolution
// that follows more than kMaxLinkHops links fails with too_many_links, so
// a loop is an error, not a hang.
//
// Errors: invalid_argument / too_big (bad path), not_found (a name, or a
// link's target, is missing), not_a_directory (a name inside something that
// is not a directory), already_exists, busy (removing the root or a
// directory that still has entries), too_many_links, no_memory.
//
// Locking: one spinlock, `tree_`, protects the whole tree reachable from
// the root: every directory's entry list and every object's parent link.
// It is held only for list walks and linking (no allocation, no sleeping,
// never another lock), so lookups may run with interrupts off. Objects are
// made before it is taken and freed after it is dropped, so an object's
// body is never deleted under it. Names, types, bodies and link targets are
// immutable and need no lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include "executive/object.h"
#include "executive/object_path.h"
#include "rtl/ref_ptr.h"
#include "rtl/result.h"
#include "rtl/spinlock.h"

namespace executive::ob {

inline constexpr unsigned kMaxLinkHops = 8;

enum class Follow : uint8_t {
  all,        // a link named by the last name is resolved too
  not_final,  // the last name's object is returned even if it is a link
};

// One object met by walk() or list().
struct ObjectEntry {
  std::string_view path;  // full path: "\Device\blk0"
  const Object& object;
  size_t depth;  // 0 for the root, 1 for \Device, ...
};

class ObjectNamespace {
 public:
  using Visitor = void (*)(const ObjectEntry& entry, void* context);

  ObjectNamespace() = default;
  ~ObjectNamespace();  // removes every name; objects still held live on
  ObjectNamespace(const ObjectNamespace&) = delete;
  ObjectNamespace& operator=(const ObjectNamespace&) = delete;

  // Makes the root directory. Every other call fails with not_found before.
  rtl::Result<void> init();

  rtl::Result<rtl::RefPtr<Object>> create_directory(std::string_view path);
  rtl::Result<rtl::RefPtr<Object>> create_symbolic_link(std::string_view path, std::string_view target);
  // Names a typed object (not a directory or link: those have their own
  // calls). On success the object owns `body` if the type deletes bodies;
  // on failure the caller still does.
  rtl::Result<rtl::RefPtr<Object>> insert(std::string_view path, const ObjectType& type, void* body);

  rtl::Result<rtl::RefPtr<Object>> lookup(std::string_view path, Follow follow = Follow::all) const;

  // Removes a name (a link itself, never its target). Holders of the
  // object keep it; the namespace forgets it at once.
  rtl::Result<void> remove(std::string_view path);

  // Every object, depth first, each directory's entries in name order,
  // starting with the root. The visitor runs under the namespace lock: it
  // must not sleep, allocate or call back into the namespace (formatting a
  // line into a buffer is what it is for).
  void walk(Visitor visit, void* context) const;
  // The entries of one directory (links to it followed), same rules.
  rtl::Result<void> list(std::string_view directory, Visitor visit, void* context) const;

  template <typename Function>
  void walk(Function&& function) const {
    walk(&call<std::remove_reference_t<Function>>, &function);
  }
  template <typename Function>
  rtl::Result<void> list(std::string_view directory, Function&& function) const {
    return list(directory, &call<std::remove_reference_t<Function>>, &function);
  }

 private:
  template <typename Function>
  static void call(const ObjectEntry& entry, void* function) {
    (*static_cast<Function*>(function))(entry);
  }
  rtl::Result<rtl::RefPtr<Object>> make(std::string_view path, const ObjectType& type, void* body);
  rtl::Result<rtl::RefPtr<Object>> link(std::string_view path, const rtl::RefPtr<Object>& object);

  rtl::SpinlockProtected<rtl::RefPtr<Object>> tree_;  // the root; guards all below it
};

}  // namespace executive::ob
