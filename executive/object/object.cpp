// Object headers and the object manager's own types (see object.h).
#include "executive/object.h"

#include <cstring>

#include "directory.h"
#include "rtl/own_ptr.h"
#include "symbolic_link.h"

namespace executive::ob {
namespace {

// Adopting the body into an OwnPtr of its real type frees it with the size
// it was made with (rtl/heap_object.h).
template <typename Body>
void delete_as(void* body) {
  (void)rtl::OwnPtr<Body>::adopt(static_cast<Body*>(body));
}

}  // namespace

const ObjectType kDirectoryType{"Directory", delete_as<Directory>};
const ObjectType kSymbolicLinkType{"SymbolicLink", delete_as<SymbolicLink>};
const ObjectType kTypeType{"Type", nullptr};

Object::Object(ObjectKey, std::string_view name, const ObjectType& type, void* body)
    : name_length_(static_cast<uint8_t>(name.size())), type_(&type), body_(body) {
  RTL_ASSERT(name.size() <= kMaxName);
  memcpy(name_, name.data(), name.size());
}

Object::~Object() {
  // A directory holds a reference on each entry, so a linked object (or a
  // directory with entries) cannot get here.
  RTL_ASSERT(!parent_ && !entry_.is_linked());
  RTL_ASSERT(!is_directory() || !body_ || Directory::of(*this)->entries.empty());
  if (body_ && type_->delete_body) type_->delete_body(body_);
}

std::string_view Object::link_target() const {
  return is_symbolic_link() ? static_cast<const SymbolicLink*>(body_)->view() : std::string_view();
}

}  // namespace executive::ob
