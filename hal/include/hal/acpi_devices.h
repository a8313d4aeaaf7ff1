// Devices the firmware declares in the ACPI namespace (DSDT), found without
// an AML interpreter: the legacy devices a PC has at fixed addresses (PS/2
// keyboard PNP0303, 16550 UARTs PNP0501, mouse PNP0F13, ...) are nearly
// always declared statically,
//   Device (KBD) {
//     Name (_HID, EisaId ("PNP0303"))
//     Name (_STA, 0x0F)
//     Name (_CRS, ResourceTemplate () { IO (...) IO (...) IRQNoFlags () {1} })
//   }
// and that shape is decoded strictly. Anything computed by a method (_HID,
// _CRS) cannot be known without running AML: such a device is skipped and
// counted, never guessed. Same invariants as hal/acpi.h: no allocation,
// every read bounded by the AML and by each enclosing PkgLength, malformed
// input skipped or reported, never an out-of-bounds read or endless loop.
#pragma once

#include <cstddef>
#include <cstdint>

#include "hal/acpi.h"
#include "rtl/result.h"

namespace hal::acpi {

// A decoded _CRS: the resource descriptors the kernel's legacy devices use.
struct ResourceList {
  static constexpr size_t kMaxIo = 4;
  struct IoRange {
    uint16_t base;   // IO (Decode16, min, ...): the minimum base; FixedIO: the base
    uint8_t length;  // in ports
  };
  IoRange io[kMaxIo];
  size_t io_count;
  size_t io_overflow;  // IO descriptors that did not fit
  uint16_t irq_mask;   // bit n = ISA IRQ n, from every IRQ descriptor

  // The lowest IRQ in the mask, or -1 if none.
  int first_irq() const;
};

// Decodes a ResourceTemplate's bytes (the initializer of its BufferOp) up
// to the End Tag. Small IO (0x47), FixedIO (0x4B) and IRQ (0x22/0x23) are
// decoded; other small and large items are skipped by their length.
// bad_format if an item overruns the buffer, has the wrong length for its
// type, or no End Tag is found.
rtl::Result<ResourceList> decode_resource_template(const uint8_t* bytes, size_t length);

// "PNP0303" from the 32-bit compressed EISA id AML stores (EisaId()).
// `out` holds 8 bytes.
void format_eisa_id(uint32_t eisa_id, char out[8]);

struct NamespaceDevice {
  static constexpr size_t kMaxPath = 56;  // "\" + 10 segments of "NAME." (aml::NamePath)
  char path[kMaxPath];                    // absolute, padding "_" trimmed: "\_SB.PCI0.SF8.KBD"
  char hid[10];                           // "PNP0303", or a string _HID (up to 9 chars)
  uint32_t eisa_id;                       // the compressed id when _HID was EisaId(), else 0
  ResourceList resources;
};

struct NamespaceDeviceList {
  static constexpr size_t kCapacity = 32;
  NamespaceDevice devices[kCapacity];
  size_t count;
  size_t overflow;  // qualifying devices that did not fit
  size_t absent;    // static _STA without the present bit
  size_t skipped;   // _HID or _CRS computed by a method, or malformed

  // The `instance`-th device with this _HID, in AML order, or null.
  const NamespaceDevice* find(const char* hid, size_t instance = 0) const;
};

// "\_SB.PCI0.SF8.KBD PNP0303 io 0x60,0x64 irq 1" for the boot log (io and
// irq only when present). Truncates, always NUL-terminated; returns chars.
size_t format_namespace_device(const NamespaceDevice& device, char* out, size_t capacity);

// Walks the AML's term lists (Scope, Device, and the objects between them)
// and lists every Device with a static _HID and a static _CRS, in the order
// they are declared. A term the walk does not understand ends that one
// scope's walk (its PkgLength still bounds it, so outer scopes continue).
// Fails only when `aml` is null.
rtl::Result<void> find_namespace_devices(const uint8_t* aml, size_t length,
                                         NamespaceDeviceList& out);
rtl::Result<void> find_namespace_devices(const Table& dsdt_or_ssdt, NamespaceDeviceList& out);

}  // namespace hal::acpi
