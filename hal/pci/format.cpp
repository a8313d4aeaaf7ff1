// One device as a boot-log line, lspci style: "00:1f.2 8086:2922 SATA
// controller". Truncates to the buffer, always NUL-terminated.
#include "hal/pci.h"
#include "rtl/format.h"

namespace hal::pci {

size_t format_device(const Device& d, char* out, size_t capacity) {
  return rtl::format_to_buffer(out, capacity, "{:02x}:{:02x}.{:x} {:04x}:{:04x} {}", d.bus,
                               d.device, d.function, d.vendor_id, d.device_id,
                               pci_class_name(d.class_code, d.subclass));
}

}  // namespace hal::pci
