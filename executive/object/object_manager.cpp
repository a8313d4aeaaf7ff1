// The system's object namespace and its /proc table (see object_manager.h).
#include "executive/object_manager.h"

#include <cstring>
#include <initializer_list>

#include "rtl/format.h"

namespace executive::ob {
namespace {

// Without a root until init_object_manager; every call fails cleanly
// (not_found) before that.
ObjectNamespace g_namespace;

}  // namespace

ObjectNamespace& object_namespace() { return g_namespace; }

rtl::Result<void> init_object_manager() {
  TRY(g_namespace.init());
  return create_standard_directories(g_namespace);
}

rtl::Result<void> create_standard_directories(ObjectNamespace& names) {
  for (const char* path : {"\\Device", "\\Driver", "\\??", "\\ObjectTypes"}) TRY(names.create_directory(path));
  for (const ObjectType* type : {&kDirectoryType, &kSymbolicLinkType, &kTypeType}) TRY(register_type(names, *type));
  return {};
}

rtl::Result<void> register_type(ObjectNamespace& names, const ObjectType& type) {
  char path[kMaxPath];
  size_t length = rtl::format_to_buffer(path, sizeof path, "\\ObjectTypes\\{}", type.name);
  // Types are static and never freed: the object only points at this one.
  TRY(names.insert({path, length}, kTypeType, const_cast<ObjectType*>(&type)));
  return {};
}

size_t format_object_table(const ObjectNamespace& names, char* out, size_t capacity) {
  struct Table {
    char* out;
    size_t capacity;
    size_t needed = 0;
    void add(std::string_view line) {
      if (needed + line.size() <= capacity) memcpy(out + needed, line.data(), line.size());
      needed += line.size();
    }
  } table{out, capacity};
  rtl::FixedString<kMaxPath * 2 + 64> line;
  line.append("{:<28} {:<12} {:>4}  {}\n", "path", "type", "refs", "target");
  table.add(line.view());
  names.walk([&](const ObjectEntry& entry) {
    line.clear();
    line.append("{:<28} {:<12} {:>4}", entry.path, entry.object.type().name, entry.object.ref_count());
    if (entry.object.is_symbolic_link()) line.append("  -> {}", entry.object.link_target());
    line.append("\n");
    table.add(line.view());
  });
  return table.needed;
}

}  // namespace executive::ob
