// Message-signalled interrupts (MSI/MSI-X): a PCI device raises an
// interrupt by writing `data` to `address`, which the local APIC decodes as
// "deliver vector V to CPU C". Modern devices (virtio-pci) prefer them to
// shared INTx lines, whose routing would need the ACPI namespace (_PRT).
//
// Vectors kFirstMsiVector.. are handed out one per user; a vector is only
// ever connected to one handler. Edge-triggered: the HAL's EOI is all the
// acknowledgement there is.
#pragma once

#include <cstdint>

#include "hal/trap.h"
#include "rtl/result.h"

namespace hal::msi {

inline constexpr uint8_t kFirstVector = 0x50;
inline constexpr uint8_t kVectorCount = 32;

struct Message {
  uint64_t address;
  uint32_t data;
};

// Takes a free vector, installs `handler` on it and returns the message
// that raises it on the boot CPU. Errc::no_memory when all are taken.
rtl::Result<uint8_t> allocate_vector(InterruptHandler handler, void* context);
void release_vector(uint8_t vector);
Message message_for(uint8_t vector);

// The encoding (Intel SDM vol. 3, 11.11): address 0xFEE00000 with the
// destination APIC id in bits 19:12, physical destination mode, no
// redirection hint; data = the vector with fixed delivery mode and edge
// trigger (all other bits zero). Pure, so the host tests check it.
inline constexpr uint64_t kMessageAddressBase = 0xfee00000;
constexpr Message encode_message(uint32_t apic_id, uint8_t vector) {
  return Message{kMessageAddressBase | (uint64_t(apic_id & 0xff) << 12), vector};
}

}  // namespace hal::msi
