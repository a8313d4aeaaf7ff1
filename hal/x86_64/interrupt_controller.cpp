// Local APIC, I/O APIC and 8259 programming (see hal/interrupt_controller.h).
// All of it is configured once by the boot CPU before interrupts are enabled;
// afterwards only EOI and redirection writes happen, each a single register.
#include "hal/interrupt_controller.h"

#include "hal/io.h"
#include "hal/paging.h"
#include "hal/trap.h"

namespace hal::interrupt_controller {
namespace {

enum LapicRegister : uint32_t {
  kLapicId = 0x20,
  kLapicTaskPriority = 0x80,
  kLapicEoi = 0xb0,
  kLapicSpurious = 0xf0,
  kLapicLvtTimer = 0x320,
  kLapicLvtLint0 = 0x350,
  kLapicLvtLint1 = 0x360,
  kLapicLvtError = 0x370,
  kLapicTimerInitial = 0x380,
  kLapicTimerCurrent = 0x390,
  kLapicTimerDivide = 0x3e0,
};
constexpr uint32_t kLvtMasked = 1u << 16;
constexpr uint32_t kLvtPeriodic = 1u << 17;
constexpr uint32_t kLvtNmi = 4u << 8;
constexpr uint32_t kApicSoftwareEnable = 1u << 8;
constexpr uint32_t kTimerDivideBy16 = 0x3;

struct IoApic {
  uintptr_t base;  // MMIO window address
  uint32_t gsi_base;
  uint32_t pins;
};

uintptr_t g_lapic = 0;
IoApic g_io_apics[acpi::MadtInfo::kMaxIoApics];
uint32_t g_io_apic_count = 0;
acpi::MadtOverride g_overrides[acpi::MadtInfo::kMaxOverrides];
uint32_t g_override_count = 0;

uint32_t lapic_read(uint32_t reg) { return mmio_read<uint32_t>(g_lapic + reg); }
void lapic_write(uint32_t reg, uint32_t value) { mmio_write<uint32_t>(g_lapic + reg, value); }

uint32_t io_apic_read(const IoApic& apic, uint32_t reg) {
  mmio_write<uint32_t>(apic.base, reg);
  return mmio_read<uint32_t>(apic.base + 0x10);
}
void io_apic_write(const IoApic& apic, uint32_t reg, uint32_t value) {
  mmio_write<uint32_t>(apic.base, reg);
  mmio_write<uint32_t>(apic.base + 0x10, value);
}

// Remap the 8259s to vectors 0x20-0x2f (so a stray legacy interrupt cannot
// look like a CPU exception), then mask every line.
void mask_legacy_pic() {
  outb(0x20, 0x11);
  outb(0xa0, 0x11);
  outb(0x21, 0x20);
  outb(0xa1, 0x28);
  outb(0x21, 0x04);
  outb(0xa1, 0x02);
  outb(0x21, 0x01);
  outb(0xa1, 0x01);
  outb(0x21, 0xff);
  outb(0xa1, 0xff);
}

}  // namespace

rtl::Result<Report> init(const acpi::MadtInfo& madt) {
  Report report{};
  if (madt.pcat_compat) {
    mask_legacy_pic();
    report.legacy_pic_masked = true;
  }
  g_lapic = TRY(paging::map_device_memory(madt.local_apic_address, 0x1000));
  report.local_apic_physical = madt.local_apic_address;

  lapic_write(kLapicTaskPriority, 0);
  lapic_write(kLapicLvtTimer, kLvtMasked);
  lapic_write(kLapicLvtError, kLvtMasked);
  lapic_write(kLapicLvtLint0, kLvtMasked);
  // LINT1 carries NMI on PC-compatible boards (the MADT's NMI entries say so).
  lapic_write(kLapicLvtLint1, kLvtNmi);
  lapic_write(kLapicSpurious, kApicSoftwareEnable | kSpuriousVector);
  report.boot_cpu_apic_id = local_apic_id();

  for (size_t i = 0; i < madt.io_apic_count; ++i) {
    IoApic apic{};
    apic.base = TRY(paging::map_device_memory(madt.io_apics[i].address, 0x20));
    apic.gsi_base = madt.io_apics[i].gsi_base;
    apic.pins = ((io_apic_read(apic, 0x01) >> 16) & 0xff) + 1;
    for (uint32_t pin = 0; pin < apic.pins; ++pin) {
      io_apic_write(apic, 0x10 + 2 * pin, kLvtMasked);
      io_apic_write(apic, 0x11 + 2 * pin, 0);
    }
    g_io_apics[g_io_apic_count++] = apic;
    report.io_apic_pins += apic.pins;
  }
  report.io_apic_count = g_io_apic_count;
  for (size_t i = 0; i < madt.override_count; ++i) g_overrides[g_override_count++] = madt.overrides[i];
  return report;
}

namespace {

struct IsaRoute {
  uint32_t gsi;
  bool active_low;
  bool level;
};

IsaRoute isa_route(uint8_t isa_irq) {
  IsaRoute route{isa_irq, false, false};  // ISA default: edge, active high
  for (uint32_t i = 0; i < g_override_count; ++i) {
    const auto& o = g_overrides[i];
    if (o.bus != 0 || o.source_irq != isa_irq) continue;
    route = {o.gsi, o.polarity == acpi::Polarity::active_low, o.trigger == acpi::Trigger::level};
  }
  return route;
}

const IoApic* apic_for(uint32_t gsi) {
  for (uint32_t i = 0; i < g_io_apic_count; ++i)
    if (gsi >= g_io_apics[i].gsi_base && gsi < g_io_apics[i].gsi_base + g_io_apics[i].pins) return &g_io_apics[i];
  return nullptr;
}

}  // namespace

rtl::Result<void> set_isa_irq_masked(uint8_t isa_irq, bool masked) {
  IsaRoute route = isa_route(isa_irq);
  const IoApic* apic = apic_for(route.gsi);
  if (!apic) return rtl::Error(rtl::Errc::not_found, "no I/O APIC serves this interrupt line");
  uint32_t reg = 0x10 + 2 * (route.gsi - apic->gsi_base);
  uint32_t low = io_apic_read(*apic, reg);
  io_apic_write(*apic, reg, masked ? (low | kLvtMasked) : (low & ~kLvtMasked));
  return {};
}

rtl::Result<void> route_isa_irq(uint8_t isa_irq, uint8_t vector) {
  IsaRoute route = isa_route(isa_irq);
  uint32_t gsi = route.gsi;
  bool active_low = route.active_low, level = route.level;
  for (uint32_t i = 0; i < g_io_apic_count; ++i) {
    const IoApic& apic = g_io_apics[i];
    if (gsi < apic.gsi_base || gsi >= apic.gsi_base + apic.pins) continue;
    uint32_t pin = gsi - apic.gsi_base;
    uint32_t low = vector | (active_low ? 1u << 13 : 0) | (level ? 1u << 15 : 0);
    io_apic_write(apic, 0x11 + 2 * pin, local_apic_id() << 24);
    io_apic_write(apic, 0x10 + 2 * pin, low);
    return {};
  }
  return rtl::Error(rtl::Errc::not_found, "no I/O APIC serves this interrupt line");
}

void end_of_interrupt() {
  if (g_lapic) lapic_write(kLapicEoi, 0);
}

uint32_t local_apic_id() { return lapic_read(kLapicId) >> 24; }

void lapic_timer_one_shot(uint32_t count) {
  lapic_write(kLapicTimerDivide, kTimerDivideBy16);
  lapic_write(kLapicLvtTimer, kLvtMasked);
  lapic_write(kLapicTimerInitial, count);
}

void lapic_timer_periodic(uint8_t vector, uint32_t count) {
  lapic_write(kLapicTimerDivide, kTimerDivideBy16);
  lapic_write(kLapicLvtTimer, vector | kLvtPeriodic);
  lapic_write(kLapicTimerInitial, count);
}

uint32_t lapic_timer_current() { return lapic_read(kLapicTimerCurrent); }

void lapic_timer_stop() {
  lapic_write(kLapicLvtTimer, kLvtMasked);
  lapic_write(kLapicTimerInitial, 0);
}

}  // namespace hal::interrupt_controller
