// The catalog (see drivers/catalog.h).
#include "drivers/catalog.h"

namespace drivers {

const DriverKind* find_driver_kind(std::string_view name) {
  static const DriverKind* const kAll[] = {&kNullDriver, &kRamDiskDriver, &kUartDriver, &kPs2KeyboardDriver,
                                            &kVirtioBlockDriver};
  for (const DriverKind* kind : kAll)
    if (name == kind->name) return kind;
  return nullptr;
}

}  // namespace drivers
