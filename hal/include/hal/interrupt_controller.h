// The interrupt controllers: the local APIC of this CPU, the I/O APICs that
// route device lines to vectors, and the legacy 8259 pair, which is remapped
// out of the exception range and masked for good.
#pragma once

#include <cstdint>

#include "hal/acpi.h"
#include "rtl/result.h"

namespace hal::interrupt_controller {

struct Report {
  uint32_t boot_cpu_apic_id;
  uint64_t local_apic_physical;
  uint32_t io_apic_count;
  uint32_t io_apic_pins;  // redirection entries over all I/O APICs
  bool legacy_pic_masked;
};

// Masks the 8259s, enables this CPU's local APIC and masks every I/O APIC pin.
rtl::Result<Report> init(const acpi::MadtInfo& madt);

// Routes an ISA IRQ (after MADT source overrides) to `vector` on the boot CPU.
rtl::Result<void> route_isa_irq(uint8_t isa_irq, uint8_t vector);

// Masks or unmasks a routed ISA IRQ at its I/O APIC pin.
rtl::Result<void> set_isa_irq_masked(uint8_t isa_irq, bool masked);

void end_of_interrupt();
uint32_t local_apic_id();

// Local APIC timer registers, for hal/x86_64/timer.cpp.
void lapic_timer_one_shot(uint32_t count);        // masked, divide by 16
void lapic_timer_periodic(uint8_t vector, uint32_t count);
uint32_t lapic_timer_current();
void lapic_timer_stop();

}  // namespace hal::interrupt_controller
