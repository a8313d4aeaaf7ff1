// Where the legacy devices the I/O manager starts drivers for are: the
// 16550 UARTs besides the console's COM1 and the PS/2 keyboard, as the
// firmware's DSDT declares them (PNP0501, PNP0303/PNP030B), else at the PC's
// fixed addresses. Portable: a plan from the HAL's namespace walk, tested
// on the host; io_manager.cpp starts it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/driver.h"
#include "hal/acpi_devices.h"

namespace executive::io {

struct LegacyDevice {
  enum class Kind : uint8_t { uart, keyboard };
  Kind kind;
  drivers::DeviceInfo info;
  const char*
      acpi_path;  // the namespace device (lives as long as the list), or null: fixed address
};

struct LegacyDevices {
  static constexpr size_t kMaxUarts = 3;  // COM2-COM4
  LegacyDevice devices[kMaxUarts + 1];
  size_t count;
  // Why a kind fell back to its fixed address (null when ACPI was used).
  const char* uart_fallback;
  const char* keyboard_fallback;
};

// The console's port (hal/serial's COM1): never handed to a driver.
inline constexpr uint16_t kConsoleUartBase = 0x3f8;

// `acpi` is the DSDT's device list, or null when there is no DSDT. UARTs
// come first, in COM order (0x2f8, 0x3e8, 0x2e8, then others as declared),
// so COM2 is uart0; then the keyboard. A kind the DSDT does not declare at
// all gets its fixed address (COM2 0x2f8 IRQ 3; keyboard 0x60/0x64 IRQ 1);
// declared devices without usable resources are left out.
void plan_legacy_devices(const hal::acpi::NamespaceDeviceList* acpi, LegacyDevices& out);

}  // namespace executive::io
