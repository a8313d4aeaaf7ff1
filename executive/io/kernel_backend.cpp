// The kernel backend: a driver instance running inside the kernel. This is
// the monolithic fast path: the I/O manager's submit is a plain virtual
// call into the driver, the device's interrupt vector calls the driver's
// handler directly, and the driver touches registers through the kernel's
// own mappings. Nothing here sends a message.
//
// The instance lock serializes the driver's entry points (submit, interrupt,
// start, stop), the only guarantee DeviceHost promises drivers. It is taken
// with interrupts off, so an interrupt handler never spins on it against
// the thread it interrupted.
//
// A misbehaving driver here is a kernel bug: injected faults, and a
// completion for a request the driver never had, bring the kernel down.
#include <cstring>

#include "device_object.h"
#include "hal/clock.h"
#include "hal/interrupt_controller.h"
#include "hal/io.h"
#include "hal/memory_layout.h"
#include "hal/message_signal.h"
#include "hal/paging.h"
#include "hal/pci.h"
#include "hal/pci_ecam.h"
#include "microcore/physical_memory.h"
#include "rtl/alloc.h"
#include "rtl/log.h"
#include "rtl/panic.h"
#include "rtl/spinlock.h"

namespace executive::io {
namespace {

// BAR mappings are permanent in the HAL; reuse them across instances so a
// thousand switches do not use up the MMIO window.
struct BarMapping {
  uint64_t physical, size;
  uintptr_t address;
};
rtl::Spinlock g_bar_lock;  // protects g_bars
BarMapping g_bars[16];

uintptr_t map_bar_once(uint64_t physical, uint64_t size) {
  rtl::SpinlockGuard guard(g_bar_lock);
  for (const BarMapping& bar : g_bars)
    if (bar.address && physical >= bar.physical && physical + size <= bar.physical + bar.size)
      return bar.address + (physical - bar.physical);
  for (BarMapping& bar : g_bars) {
    if (bar.address) continue;
    auto mapped = hal::paging::map_device_memory(physical, size);
    if (mapped.is_error()) return 0;
    bar = {physical, size, mapped.value()};
    return bar.address;
  }
  return 0;
}

class KernelBackend final : public DriverBackend, public drivers::DeviceHost {
 public:
  explicit KernelBackend(DeviceObject& device) : device_(device) {}

  bool construct() {
    const drivers::DriverKind& kind = device_.kind();
    storage_ = rtl::allocate(kind.instance_size, kind.instance_align);
    if (!storage_) return false;
    driver_ = kind.construct(storage_);
    return true;
  }

  // --- DriverBackend ---
  drivers::StartStatus start(const drivers::SavedState* state, bool injected_failure,
                             drivers::Geometry* geometry) override {
    if (injected_failure) {
      // A probe that fails: survivable here as in any monolith.
      rtl::pr_warn("io: {}: injected fault: the kernel-mode driver fails its start", device_.name());
      return drivers::StartStatus::failed;
    }
    rtl::SpinlockGuard guard(lock_);
    drivers::StartStatus status = driver_->start(*this, device_.info(), state);
    if (status == drivers::StartStatus::ok) *geometry = driver_->geometry();
    return status;
  }
  void submit(drivers::IoRequest& request) override {
    rtl::SpinlockGuard guard(lock_);
    driver_->submit(request);
  }
  void cancel_parked() override {
    rtl::SpinlockGuard guard(lock_);
    driver_->cancel_parked();
  }
  bool stop(drivers::SavedState& state) override {
    rtl::SpinlockGuard guard(lock_);
    if (refuse_stop_) {
      refuse_stop_ = false;
      rtl::pr_warn("io: {}: injected fault: the kernel-mode driver refuses to stop", device_.name());
      return false;
    }
    driver_->stop(state);
    return true;
  }
  void inject(drivers::protocol::Fault fault) override;
  void destroy() override;
  DriverMode mode() const override { return DriverMode::kernel; }

  // --- DeviceHost ---
  uint32_t config_read(uint16_t offset, uint8_t width) override {
    if (!is_pci() || offset >= 4096) return ~0u;
    return hal::pci::read_config(hal::pci::ecam(), info().pci_bus, info().pci_device, info().pci_function, offset,
                                 width);
  }
  void config_write(uint16_t offset, uint8_t width, uint32_t value) override {
    if (!is_pci() || offset >= 4096) return;
    hal::pci::write_config(hal::pci::ecam(), info().pci_bus, info().pci_device, info().pci_function, offset, width,
                           value);
  }
  volatile uint8_t* map_bar(uint8_t bar, uint64_t offset, uint64_t size) override {
    if (!is_pci() || bar >= hal::pci::kMaxBars) return nullptr;
    uint32_t low = config_read(0x10 + bar * 4, 4);
    uint32_t high = size_t{bar} + 1 < hal::pci::kMaxBars ? config_read(0x14 + bar * 4, 4) : 0;
    hal::pci::Bar decoded = hal::pci::decode_bar(low, high);
    if (decoded.kind != hal::pci::BarKind::memory32 && decoded.kind != hal::pci::BarKind::memory64) return nullptr;
    uint64_t first = (decoded.address + offset) & ~uint64_t{4095};
    uint64_t end = (decoded.address + offset + size + 4095) & ~uint64_t{4095};
    uintptr_t mapped = map_bar_once(first, end - first);
    return mapped ? reinterpret_cast<volatile uint8_t*>(mapped + ((decoded.address + offset) & 4095)) : nullptr;
  }
  uint8_t port_read8(uint16_t port) override { return owns_port(port) ? hal::inb(port) : 0xff; }
  void port_write8(uint16_t port, uint8_t value) override {
    if (owns_port(port)) hal::outb(port, value);
  }
  drivers::Memory allocate_dma(size_t size) override {
    for (drivers::Memory& dma : dma_) {
      if (dma.size) continue;
      uint64_t pages = (size + 4095) / 4096;
      auto physical = microcore::allocate_frames(pages);
      if (physical.is_error()) return {};
      auto* cpu = reinterpret_cast<uint8_t*>(hal::phys_to_virt(physical.value()));
      memset(cpu, 0, pages * 4096);
      dma = {cpu, physical.value(), pages * 4096};
      return dma;
    }
    return {};
  }
  drivers::Memory transfer() override { return device_.transfer(); }
  drivers::Memory persistent() override { return device_.persistent(); }
  bool enable_interrupt(drivers::MessageSignal* signal) override {
    if (vector_) return false;
    if (!is_pci()) return enable_legacy_interrupt(signal);
    auto vector = hal::msi::allocate_vector(&KernelBackend::on_interrupt, this);
    if (vector.is_error()) return false;
    vector_ = vector.value();
    hal::msi::Message message = hal::msi::message_for(vector_);
    *signal = drivers::MessageSignal{message.address, message.data};
    return true;
  }
  void acknowledge_interrupt() override {}
  void complete(drivers::IoRequest& request) override { device_.complete(request); }
  uint64_t now_ns() override { return hal::clock::now_ns(); }
  void log(const char* message) override { rtl::pr_info("{}: {}", device_.name(), message); }

 private:
  // ISA lines use the vectors 0x30 + irq, like the microcore's interrupt
  // delivery for servers; only one of the two owns a line at a time.
  bool enable_legacy_interrupt(drivers::MessageSignal* signal) {
    uint8_t irq = info().legacy_irq;
    if (irq >= 16) return false;
    uint8_t vector = static_cast<uint8_t>(kIsaVectorBase + irq);
    if (!hal::set_interrupt_handler(vector, &KernelBackend::on_interrupt, this)) return false;
    if (hal::interrupt_controller::route_isa_irq(irq, vector).is_error() ||
        hal::interrupt_controller::set_isa_irq_masked(irq, false).is_error()) {
      hal::set_interrupt_handler(vector, nullptr, nullptr);
      return false;
    }
    vector_ = vector;
    *signal = {};
    return true;
  }
  void release_interrupt() {
    if (!vector_) return;
    if (is_pci()) {
      hal::msi::release_vector(vector_);
    } else {
      (void)hal::interrupt_controller::set_isa_irq_masked(info().legacy_irq, true);
      hal::set_interrupt_handler(vector_, nullptr, nullptr);
    }
    vector_ = 0;
  }

  static constexpr uint8_t kIsaVectorBase = 0x30;
  const drivers::DeviceInfo& info() const { return device_.info(); }
  bool is_pci() const { return info().bus == drivers::DeviceInfo::Bus::pci; }
  bool owns_port(uint16_t port) const {
    return (info().io_count && port >= info().io_base && port - info().io_base < info().io_count) ||
           (info().io2_count && port >= info().io2_base && port - info().io2_base < info().io2_count);
  }
  // Directly from the vector: the monolithic path.
  static void on_interrupt(hal::TrapFrame&, void* context) {
    auto* self = static_cast<KernelBackend*>(context);
    rtl::SpinlockGuard guard(self->lock_);
    do {
      self->driver_->interrupt();
    } while (self->driver_->arm_interrupt());
  }

  DeviceObject& device_;
  rtl::Spinlock lock_;  // serializes the driver's entry points; protects refuse_stop_
  bool refuse_stop_ = false;
  void* storage_ = nullptr;
  drivers::Driver* driver_ = nullptr;
  uint8_t vector_ = 0;
  drivers::Memory dma_[8];
};

void KernelBackend::destroy() {
  release_interrupt();
  if (driver_) device_.kind().destroy(driver_);
  if (storage_) rtl::deallocate(storage_, device_.kind().instance_size, device_.kind().instance_align);
  for (drivers::Memory& dma : dma_)
    if (dma.size) microcore::free_frames(dma.device, dma.size / 4096);
  this->~KernelBackend();
  rtl::deallocate(this, sizeof(KernelBackend), alignof(KernelBackend));
}

// What a monolithic kernel does when one of its drivers goes wrong: the
// whole system goes with it. These are the faults the server mode survives.
void KernelBackend::inject(drivers::protocol::Fault fault) {
  using drivers::protocol::Fault;
  if (fault == Fault::refuse_stop) {  // a lifecycle fault: nothing breaks until the next switch
    rtl::SpinlockGuard guard(lock_);
    refuse_stop_ = true;
    return;
  }
  rtl::pr_emerg("io: {}: injected fault in a kernel-mode driver: the kernel goes down with it", device_.name());
  volatile uintptr_t target = 0;
  switch (fault) {
    case Fault::none: return;
    case Fault::crash: *reinterpret_cast<volatile uint64_t*>(target) = 1; break;
    case Fault::wild_write:
      target = reinterpret_cast<uintptr_t>(&map_bar_once);  // kernel text: W^X refuses
      *reinterpret_cast<volatile uint64_t*>(target) = 0xdead;
      break;
    case Fault::hang: {
      // Spins with the instance lock held. No request can finish; the
      // kernel's lockup check gives up after two seconds.
      rtl::SpinlockGuard guard(lock_);
      uint64_t until = hal::clock::now_ns() + 2'000'000'000;
      while (hal::clock::now_ns() < until) asm volatile("pause");
      rtl::panic_message(__FILE__, __LINE__, "soft lockup: a kernel-mode driver hung for 2 s");
    }
    case Fault::bad_reply:
      rtl::panic_message(__FILE__, __LINE__, "a kernel-mode driver completed a request it never had");
    case Fault::refuse_stop:
    case Fault::fail_start: return;  // handled above and by the device object
  }
  rtl::panic_message(__FILE__, __LINE__, "an injected driver fault did not fault");
}

}  // namespace

rtl::Result<DriverBackend*> create_kernel_backend(DeviceObject& device) {
  void* memory = rtl::allocate(sizeof(KernelBackend), alignof(KernelBackend));
  if (!memory) return rtl::Error(rtl::Errc::no_memory, "kernel backend");
  auto* backend = new (memory) KernelBackend(device);
  if (!backend->construct()) {
    backend->destroy();
    return rtl::Error(rtl::Errc::no_memory, "driver instance");
  }
  return static_cast<DriverBackend*>(backend);
}

}  // namespace executive::io
