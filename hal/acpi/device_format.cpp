// One namespace device as a boot-log line (see hal/acpi_devices.h).
#include "hal/acpi_devices.h"
#include "rtl/format.h"

namespace hal::acpi {

size_t format_namespace_device(const NamespaceDevice& device, char* out, size_t capacity) {
  size_t length = rtl::format_to_buffer(out, capacity, "{} {}", device.path, device.hid);
  const ResourceList& resources = device.resources;
  for (size_t i = 0; i < resources.io_count; ++i)
    length += rtl::format_to_buffer(out + length, capacity - length, "{}{:#x}",
                                    i == 0 ? " io " : ",", resources.io[i].base);
  for (int irq = 0; irq < 16; ++irq)
    if (resources.irq_mask & (1u << irq))
      length += rtl::format_to_buffer(out + length, capacity - length, "{}{}",
                                      irq == resources.first_irq() ? " irq " : ",", irq);
  return length;
}

}  // namespace hal::acpi
