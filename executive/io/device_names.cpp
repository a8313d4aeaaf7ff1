// Naming devices and drivers in the object namespace, and finding devices
// by those names (see io_manager.h).
#include "device_names.h"

#include "executive/object.h"
#include "executive/object_manager.h"
#include "rtl/format.h"

namespace executive::io {

const ob::TypedObjectType<DeviceObject> kDeviceType{{"Device", nullptr}};
const ob::TypedObjectType<const drivers::DriverKind> kDriverType{{"Driver", nullptr}};

rtl::Result<void> register_object_types() {
  TRY(ob::register_type(ob::object_namespace(), kDeviceType));
  TRY(ob::register_type(ob::object_namespace(), kDriverType));
  return {};
}

rtl::Result<void> name_device(DeviceObject& device) {
  ob::ObjectNamespace& names = ob::object_namespace();
  char path[ob::kMaxPath], target[ob::kMaxPath];
  size_t length = rtl::format_to_buffer(path, sizeof path, "\\Driver\\{}", device.kind().name);
  auto driver = names.insert({path, length}, kDriverType, const_cast<drivers::DriverKind*>(&device.kind()));
  if (driver.is_error() && driver.error().code() != rtl::Errc::already_exists) return driver.error();
  size_t target_length = rtl::format_to_buffer(target, sizeof target, "\\Device\\{}", device.name());
  TRY(names.insert({target, target_length}, kDeviceType, &device));
  length = rtl::format_to_buffer(path, sizeof path, "\\??\\{}", device.name());
  if (auto link = names.create_symbolic_link({path, length}, {target, target_length}); link.is_error()) {
    (void)names.remove({target, target_length});  // a device is named completely or not at all
    return link.error();
  }
  return {};
}

rtl::Result<DeviceObject*> find_device(std::string_view name) {
  char path[ob::kMaxPath];
  if (!name.starts_with('\\')) {
    TRY(ob::check_name(name));
    name = {path, rtl::format_to_buffer(path, sizeof path, "\\Device\\{}", name)};
  }
  auto object = ob::object_namespace().lookup(name);
  if (object.is_error()) {
    if (object.error().code() == rtl::Errc::not_found) return rtl::Error(rtl::Errc::not_found, "no such device");
    return object.error();
  }
  DeviceObject* device = kDeviceType.body_of(*object.value());
  if (!device) return rtl::Error(rtl::Errc::no_device, "not a device");
  // The namespace's reference is the one that matters: device objects and
  // their names are never removed, so the pointer outlives this lookup's.
  return device;
}

}  // namespace executive::io
