// Object: the header every named thing in the object manager's namespace
// has (NT's OBJECT_HEADER): a name, a type, a reference count and a body.
//
// The body is what the name stands for. Directories and symbolic links have
// bodies the object manager makes and owns; a device or driver object's
// body is the I/O manager's own structure, which the object only points at
// (its type has no delete_body). Reach a body through its type:
// kDeviceType.body_of(object) is null unless the object is a device.
//
// Lifetime: objects are counted (rtl::RefCounted). A directory holds one
// reference on each of its entries; lookups hand out more. Removing a name
// drops the directory's reference only, so an object removed while someone
// holds it stays valid, nameless, until the last RefPtr goes; then its
// body is deleted (if its type owns bodies) and the object freed.
//
// Name, type, body and link target never change after creation and are
// read without a lock. The parent link and the directory entries belong to
// the namespace and are guarded by its lock (object_namespace.h).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "executive/object_type.h"
#include "rtl/intrusive_list.h"
#include "rtl/ref_counted.h"

namespace executive::ob {

class ObjectNamespace;
struct Directory;

// Only the namespace makes objects; the key keeps the public constructor
// (which rtl's heap helpers need) out of everyone else's reach.
class ObjectKey {
  friend class ObjectNamespace;
  ObjectKey() = default;
};

class Object : public rtl::RefCounted<Object> {
 public:
  static constexpr size_t kMaxName = 31;

  // `name` must already be valid (object_path.h); its case is kept for
  // display, while lookups ignore it.
  Object(ObjectKey, std::string_view name, const ObjectType& type, void* body);
  ~Object();

  std::string_view name() const { return {name_, name_length_}; }
  const ObjectType& type() const { return *type_; }
  void* body() const { return body_; }
  bool is_directory() const { return type_ == &kDirectoryType; }
  bool is_symbolic_link() const { return type_ == &kSymbolicLinkType; }
  // The path a symbolic link points at; empty for any other object.
  std::string_view link_target() const;

 private:
  friend class ObjectNamespace;
  friend struct Directory;

  char name_[kMaxName + 1] = {};
  uint8_t name_length_ = 0;
  const ObjectType* type_;
  void* body_;
  // Namespace lock: the directory holding this object, null once removed
  // (or for the root), and the link on that directory's entry list.
  Object* parent_ = nullptr;
  rtl::IntrusiveListNode entry_;
};

template <typename Body>
Body* TypedObjectType<Body>::body_of(const Object& object) const {
  return &object.type() == this ? static_cast<Body*>(object.body()) : nullptr;
}

}  // namespace executive::ob
