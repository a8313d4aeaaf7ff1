// Device resources for user-mode drivers (see microcore/device_services.h).
//
// Interrupts: the handler raises a port signal (ipc/signals.h) on the port
// the driver bound, which allocates nothing and wakes the driver's thread
// straight from interrupt context. An ISA line stays masked until the
// driver acknowledges, so a level-triggered device cannot storm while its
// server runs (MINIX 3 and seL4 do the same). MSI vectors need no masking:
// they are edge-triggered, and a burst while the server is busy collapses
// into one signal.
//
// Locking: per-task device state is changed only by the task's own traps or
// by the kernel before the task runs; the binding tables are shared with the
// interrupt handlers and guarded by g_bindings and g_msi_bindings
// (interrupts off; never both at once). The handlers raise signals with a
// table's lock held, so a binding's port cannot be released under them:
// order binding table -> IPC lock; nothing takes a table under the IPC lock.
#include "microcore/device_services.h"

#include "task_devices.h"

#include "hal/interrupt_controller.h"
#include "hal/memory_layout.h"
#include "hal/message_signal.h"
#include "hal/segments.h"
#include "hal/trap.h"
#include "microcore/abi/message.h"
#include "microcore/abi/traps.h"
#include "microcore/address_map_glue.h"
#include "microcore/ipc/ipc.h"
#include "microcore/ipc_glue.h"
#include "microcore/physical_memory.h"
#include "microcore/scheduler.h"
#include "rtl/alloc.h"
#include "rtl/log.h"
#include "rtl/own_ptr.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

constexpr uint8_t kIsaIrqs = 16;
constexpr uint8_t kFirstIrqVector = 0x30;
constexpr uint8_t kMsiVectors = hal::msi::kVectorCount;

// Where an interrupt puts the driver server it wakes (never preempting the
// running thread; in kernel mode the handler does the work on the spot).
//
// A legacy line belongs to a device with a byte or two of buffer (the
// keyboard, a UART): it is served next, ahead of every ready thread, or
// the next byte may be lost and a typed key waits behind other work.
//
// A message-signalled device has a completion queue (virtio): whatever it
// finished waits there, and the server reaps all of it in one pass. Such
// a server goes to the back of its level, behind the clients its last
// answers woke, which then find it runnable and queue their next requests
// in its ring without waking it: one run of the server reaps the
// completions and passes the new requests on, where front placement took
// two (reap first, then a doorbell for what the clients submitted). When
// no one else is ready the two placements are the same, so a lone request
// waits no longer. The executive's doorbell does the converse: it wakes a
// disk server first only when its device is idle.
constexpr WakePlacement kLineInterruptWake = WakePlacement::front;
constexpr WakePlacement kMessageInterruptWake = WakePlacement::back;

struct Binding {
  Task* owner;
  ipc::Port* port;  // a send right the kernel holds
};

// Bindings per ISA IRQ; shared with the interrupt handler.
rtl::SpinlockProtected<Binding[kIsaIrqs]> g_bindings;
// Bindings per MSI vector (index: vector - hal::msi::kFirstVector).
rtl::SpinlockProtected<Binding[kMsiVectors]> g_msi_bindings;

void on_device_interrupt(hal::TrapFrame&, void* context) {
  auto irq = static_cast<uint8_t>(reinterpret_cast<uintptr_t>(context));
  (void)hal::interrupt_controller::set_isa_irq_masked(irq, true);
  g_bindings.with([&](Binding (&bindings)[kIsaIrqs]) {
    if (bindings[irq].port)
      ipc_raise_signals(bindings[irq].port, AMPHI_SIGNAL_IRQ(irq), kLineInterruptWake);
  });
}

// The context is the owning task (a task binds at most one vector), which
// the binding must still name: a vector freed and taken again between the
// device's write and this handler belongs to someone else now.
void on_msi(hal::TrapFrame& frame, void* context) {
  size_t index = frame.vector - hal::msi::kFirstVector;
  if (index >= kMsiVectors) return;
  g_msi_bindings.with([&](Binding(&bindings)[kMsiVectors]) {
    Binding& binding = bindings[index];
    if (binding.owner == context && binding.port)
      ipc_raise_signals(binding.port, AMPHI_SIGNAL_MSI, kMessageInterruptWake);
  });
}

bool memory_granted(const TaskDevices& devices, uint64_t physical, uint64_t size) {
  for (int i = 0; i < devices.memory_count; ++i) {
    const MemoryGrant& g = devices.memory[i];
    if (physical >= g.physical && size <= g.size && physical - g.physical <= g.size - size) return true;
  }
  return false;
}

}  // namespace

rtl::Result<TaskDevices*> devices_of(Task& task) {
  if (!task.devices) task.devices = TRY(rtl::try_make<TaskDevices>()).leak();
  return static_cast<TaskDevices*>(task.devices);
}

TaskDevices* existing_devices(Task& task) { return static_cast<TaskDevices*>(task.devices); }

rtl::Result<void> grant_io_ports(Task& task, uint16_t first, uint16_t count) {
  if (count == 0 || uint32_t(first) + count > 65536) return rtl::Error(rtl::Errc::invalid_argument, "bad port range");
  TaskDevices* devices = TRY(devices_of(task));
  if (!devices->io_bitmap) {
    devices->io_bitmap = static_cast<uint8_t*>(rtl::allocate(hal::kIoBitmapBytes, 8));
    if (!devices->io_bitmap) return rtl::Error(rtl::Errc::no_memory, "no memory for an I/O bitmap");
    __builtin_memset(devices->io_bitmap, 0xff, hal::kIoBitmapBytes);
  }
  for (uint32_t port = first; port < uint32_t(first) + count; ++port)
    devices->io_bitmap[port / 8] &= uint8_t(~(1u << (port % 8)));
  ++devices->io_generation;
  return {};
}

rtl::Result<void> grant_device_memory(Task& task, uint64_t physical, uint64_t size) {
  if (size == 0 || (physical % hal::kPageSize) || (size % hal::kPageSize))
    return rtl::Error(rtl::Errc::invalid_argument, "device memory grants are whole pages");
  TaskDevices* devices = TRY(devices_of(task));
  if (devices->memory_count == kMaxGrants) return rtl::Error(rtl::Errc::too_big, "too many device memory grants");
  devices->memory[devices->memory_count++] = {physical, size};
  return {};
}

rtl::Result<void> grant_interrupt(Task& task, uint8_t isa_irq) {
  if (isa_irq >= kIsaIrqs) return rtl::Error(rtl::Errc::invalid_argument, "not an ISA interrupt line");
  TaskDevices* devices = TRY(devices_of(task));
  devices->interrupt_mask |= uint16_t(1u << isa_irq);
  return {};
}

rtl::Result<void> grant_dma(Task& task, uint64_t max_bytes) {
  TaskDevices* devices = TRY(devices_of(task));
  devices->dma_limit = max_bytes;
  return {};
}

rtl::Result<uint64_t> map_device_memory(Task& task, uint64_t physical, uint64_t size) {
  TaskDevices* devices = existing_devices(task);
  uint64_t first = physical & ~(hal::kPageSize - 1);
  uint64_t length = ((physical + size + hal::kPageSize - 1) & ~(hal::kPageSize - 1)) - first;
  if (size == 0 || physical + size < physical) return rtl::Error(rtl::Errc::invalid_argument, "bad range");
  if (!devices || !memory_granted(*devices, first, length))
    return rtl::Error(rtl::Errc::permission_denied, "device memory not granted to this task");
  uint64_t address = TRY(address_map(task).map_physical(first, length, vm::Protection::read_write()));
  return address + (physical - first);
}

rtl::Result<DmaBuffer> allocate_dma_buffer(Task& task, uint64_t size) {
  TaskDevices* devices = existing_devices(task);
  if (!devices || !devices->dma_limit) return rtl::Error(rtl::Errc::permission_denied, "no DMA grant");
  uint64_t pages = (size + hal::kPageSize - 1) / hal::kPageSize;
  if (size == 0 || devices->dma_used + pages * hal::kPageSize > devices->dma_limit)
    return rtl::Error(rtl::Errc::too_big, "over the task's DMA allowance");
  if (devices->dma_count == kMaxDmaBuffers) return rtl::Error(rtl::Errc::too_big, "too many DMA buffers");
  uint64_t physical = TRY(allocate_frames(pages));
  __builtin_memset(hal::phys_to_ptr<void>(physical), 0, pages * hal::kPageSize);
  auto address = address_map(task).map_physical(physical, pages * hal::kPageSize, vm::Protection::read_write(),
                                                vm::CacheMode::write_back);
  if (address.is_error()) {
    free_frames(physical, pages);
    return address.error();
  }
  devices->dma[devices->dma_count++] = {physical, pages};
  devices->dma_used += pages * hal::kPageSize;
  return DmaBuffer{address.value(), physical, pages * hal::kPageSize};
}

rtl::Result<void> bind_interrupt(Task& task, uint8_t irq, uint32_t receive_right_name) {
  TaskDevices* devices = existing_devices(task);
  if (irq >= kIsaIrqs || !devices || !(devices->interrupt_mask & (1u << irq)))
    return rtl::Error(rtl::Errc::permission_denied, "interrupt line not granted to this task");
  ipc::Port* port = TRY(ipc_kernel_send_right(task, receive_right_name));
  bool taken = g_bindings.with([&](Binding (&bindings)[kIsaIrqs]) {
    if (bindings[irq].port) return true;
    bindings[irq] = {&task, port};
    return false;
  });
  if (taken) {
    ipc_release_kernel_send_right(port);
    return rtl::Error(rtl::Errc::busy, "interrupt line already bound");
  }
  if (!hal::set_interrupt_handler(kFirstIrqVector + irq, on_device_interrupt, reinterpret_cast<void*>(uintptr_t(irq))))
    return rtl::Error(rtl::Errc::busy, "interrupt vector in use");
  TRY(hal::interrupt_controller::route_isa_irq(irq, kFirstIrqVector + irq));
  return {};
}

rtl::Result<void> acknowledge_interrupt(Task& task, uint8_t irq) {
  if (irq >= kIsaIrqs) return rtl::Error(rtl::Errc::invalid_argument, "not an ISA interrupt line");
  bool owner = g_bindings.with([&](Binding (&bindings)[kIsaIrqs]) { return bindings[irq].owner == &task; });
  if (!owner) return rtl::Error(rtl::Errc::permission_denied, "interrupt line not bound by this task");
  return hal::interrupt_controller::set_isa_irq_masked(irq, false);
}

rtl::Result<MsiBinding> bind_msi(Task& task, uint32_t receive_right_name) {
  TaskDevices* devices = existing_devices(task);
  if (!devices || !devices->pci.granted)
    return rtl::Error(rtl::Errc::permission_denied, "no PCI device granted to this task");
  if (devices->msi_vector) return rtl::Error(rtl::Errc::busy, "the task already has an MSI vector");
  ipc::Port* port = TRY(ipc_kernel_send_right(task, receive_right_name));
  auto vector = hal::msi::allocate_vector(on_msi, &task);
  if (vector.is_error()) {
    ipc_release_kernel_send_right(port);
    return vector.error();
  }
  // No interrupt can come before this: the device learns the message only
  // from the task, after the trap returns.
  g_msi_bindings.with([&](Binding (&bindings)[kMsiVectors]) {
    bindings[vector.value() - hal::msi::kFirstVector] = {&task, port};
  });
  devices->msi_vector = vector.value();
  hal::msi::Message message = hal::msi::message_for(vector.value());
  return MsiBinding{message.address, message.data};
}

void release_msi(Task& task) {
  TaskDevices* devices = existing_devices(task);
  if (!devices || !devices->msi_vector) return;
  uint8_t vector = devices->msi_vector;
  devices->msi_vector = 0;
  // Handler first: once it is gone no interrupt can count into the slot.
  hal::msi::release_vector(vector);
  ipc::Port* port = g_msi_bindings.with([&](Binding (&bindings)[kMsiVectors]) {
    Binding& binding = bindings[vector - hal::msi::kFirstVector];
    ipc::Port* bound = binding.port;
    binding = {};
    return bound;
  });
  if (port) ipc_release_kernel_send_right(port);
}

void load_io_permissions(Task& task) {
  TaskDevices* devices = existing_devices(task);
  if (devices && devices->io_bitmap)
    hal::load_io_bitmap(devices->io_bitmap, devices->io_generation);
  else
    hal::load_io_bitmap(nullptr, 0);
}

void release_devices(Task& task) {
  TaskDevices* devices = existing_devices(task);
  for (uint8_t irq = 0; irq < kIsaIrqs; ++irq) {
    ipc::Port* port = g_bindings.with([&](Binding (&bindings)[kIsaIrqs]) -> ipc::Port* {
      if (bindings[irq].owner != &task) return nullptr;
      ipc::Port* bound = bindings[irq].port;
      bindings[irq] = {};
      return bound;
    });
    if (!port) continue;
    (void)hal::interrupt_controller::set_isa_irq_masked(irq, true);
    (void)hal::set_interrupt_handler(kFirstIrqVector + irq, nullptr, nullptr);
    ipc_release_kernel_send_right(port);
  }
  release_msi(task);
  if (!devices) return;
  // A dead driver's device may still be working through requests that
  // point into the task's DMA memory: stop its bus mastering, and keep
  // those frames from the allocator until the device has been reset
  // (dma_quarantine.cpp). The next instance of the driver turns bus
  // mastering on again when it brings the device up (nothing else runs it
  // meanwhile: the server host waits for this teardown before starting one).
  stop_bus_mastering(devices->pci);
  // The address map is gone by now (teardown order), so nothing else maps
  // the frames. Without a PCI grant there is no bus master to wait for.
  if (!devices->pci.granted) {
    for (int i = 0; i < devices->dma_count; ++i) free_frames(devices->dma[i].physical, devices->dma[i].pages);
  } else if (devices->dma_count && !quarantine_dma(devices->pci, devices->dma, devices->dma_count)) {
    rtl::pr_err("dma: no room to hold a dead driver's DMA memory; leaking {} buffer(s) rather than reusing them",
                devices->dma_count);
  }
  if (devices->io_bitmap) rtl::deallocate(devices->io_bitmap, hal::kIoBitmapBytes, 8);
  rtl::OwnPtr<TaskDevices>::adopt(devices).reset();
  task.devices = nullptr;
}

}  // namespace microcore
