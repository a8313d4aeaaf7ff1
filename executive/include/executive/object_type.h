// ObjectType: what kind of thing a named object is, as NT's object type
// objects are. Every object points at one type descriptor, and comparing
// that pointer is how code tells a device from a driver or a directory (no
// RTTI). A type also says who owns an object's body.
//
// Types are static constants, never freed; each one the system uses is
// registered as \ObjectTypes\<name> so /proc/objects can show them.
#pragma once

namespace executive::ob {

class Object;

struct ObjectType {
  const char* name;  // "Device", "Directory": shown in /proc/objects
  // Frees an object's body when its last reference goes. Null when the body
  // belongs to someone else and outlives the object (a DeviceObject lives
  // until power-off, whatever happens to its name).
  void (*delete_body)(void* body);
};

// A type whose body is a `Body`: the one safe way from an Object to what it
// names. body_of() is null when the object is of another type.
template <typename Body>
struct TypedObjectType : ObjectType {
  Body* body_of(const Object& object) const;
};

// The types the object manager itself uses.
extern const ObjectType kDirectoryType;     // body: the directory's entries
extern const ObjectType kSymbolicLinkType;  // body: the target path
extern const ObjectType kTypeType;          // \ObjectTypes\*: body is the ObjectType

}  // namespace executive::ob
