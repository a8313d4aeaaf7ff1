// Directory: the body of a directory object, its entries kept in name
// order (case-insensitive) so listings come out sorted, as WinObj shows
// them. Each entry holds one reference on its object (taken with leak_ref
// when linked, given back with adopt_ref when removed).
//
// Guarded by the namespace lock, like every entry list (object_namespace.h).
#pragma once

#include <string_view>

#include "executive/object.h"
#include "executive/object_path.h"
#include "rtl/intrusive_list.h"

namespace executive::ob {

struct Directory {
  using Entries = rtl::IntrusiveList<Object, &Object::entry_>;
  Entries entries;

  // The directory of a directory object; null for any other object.
  static Directory* of(const Object& object) {
    return object.is_directory() ? static_cast<Directory*>(object.body()) : nullptr;
  }

  // The directory object `object` is an entry of; null for the root and
  // for removed objects.
  static Object* parent_of(const Object& object) { return object.parent_; }

  Object* find(std::string_view name) const {
    for (Object& entry : entries)
      if (names_equal(entry.name(), name)) return &entry;
    return nullptr;
  }

  // Links `child` (whose reference the directory now holds) in name order.
  void link(Object& parent, Object& child) {
    child.parent_ = &parent;
    for (Object& entry : entries) {
      if (compare_names(child.name(), entry.name()) < 0) {
        entries.insert_before(entry, child);
        return;
      }
    }
    entries.push_back(child);
  }

  void unlink(Object& child) {
    entries.remove(child);
    child.parent_ = nullptr;
  }
};

}  // namespace executive::ob
