// What the driver framework needs from the microcore to run a driver in a
// Ring 3 task (a "server"), and nothing more:
//   - device memory (MMIO) mapped into the task, uncached;
//   - specific I/O ports, through the TSS I/O permission bitmap;
//   - hardware interrupts delivered as port signals (ipc/signals.h);
//   - pinned, physically contiguous memory for DMA, with its physical address;
//   - the configuration space of one PCI device, and MSI vectors whose
//     interrupts arrive as port signals too.
//
// Authority is explicit: the kernel (the executive's driver host) grants a
// task the resources of its own device; the traps refuse anything else with
// KERN_PROTECTION_FAILURE. A task can touch nothing it was not given.
#pragma once

#include <cstdint>

#include "microcore/task.h"
#include "rtl/result.h"

namespace microcore {

rtl::Result<void> grant_io_ports(Task& task, uint16_t first, uint16_t count);
rtl::Result<void> grant_device_memory(Task& task, uint64_t physical, uint64_t size);
rtl::Result<void> grant_interrupt(Task& task, uint8_t isa_irq);
rtl::Result<void> grant_dma(Task& task, uint64_t max_bytes);
// Configuration-space access to this one PCI function (its BARs still need
// grant_device_memory to be mapped), and with it the right to one MSI
// vector. not_found when nothing answers there.
rtl::Result<void> grant_pci_device(Task& task, uint8_t bus, uint8_t device, uint8_t function);
// The PCI function's new driver instance has reset it: nothing its dead
// predecessors left in flight can still write the DMA frames they held, so
// those go back to the allocator (microcore/dev/dma_quarantine.cpp).
void release_quarantined_dma(uint8_t bus, uint8_t device, uint8_t function);

// The trap implementations (microcore/abi/traps.h), also callable by the
// kernel on a task's behalf.
rtl::Result<uint64_t> map_device_memory(Task& task, uint64_t physical, uint64_t size);
struct DmaBuffer {
  uint64_t address;   // in the task
  uint64_t physical;  // for the device
  uint64_t size;
};
rtl::Result<DmaBuffer> allocate_dma_buffer(Task& task, uint64_t size);
rtl::Result<void> bind_interrupt(Task& task, uint8_t isa_irq, uint32_t receive_right_name);
rtl::Result<void> acknowledge_interrupt(Task& task, uint8_t isa_irq);
// AMPHI_TRAP_DEVICE_CONFIG: width 1, 2 or 4, offset aligned to it and below
// 4096. Reads return the value; writes to the BARs, the expansion ROM base
// or the MSI-X table/PBA locations are refused (permission_denied).
rtl::Result<uint32_t> pci_config_access(Task& task, uint16_t offset, uint8_t width, uint32_t value, bool write);
// AMPHI_TRAP_MSI_BIND: one vector per task holding a PCI grant; its
// interrupts arrive on the receive right as the port signal
// AMPHI_SIGNAL_MSI. Returns the message to program into the device.
// Released at teardown.
//
// Teardown does not touch the device itself: whoever restarts it (the
// executive's server host) must stop its DMA (reset it, or clear bus
// mastering) before the dead task's DMA memory can be reused.
struct MsiBinding {
  uint64_t address;
  uint32_t data;
};
rtl::Result<MsiBinding> bind_msi(Task& task, uint32_t receive_right_name);
void release_msi(Task& task);  // gives the task's vector back, if it has one

// Scheduler hook: load the task's I/O bitmap (or none) into the TSS.
void load_io_permissions(Task& task);
// Task teardown: unbind interrupts and MSI vectors, free DMA memory, drop
// the bitmap and the PCI grant.
void release_devices(Task& task);

}  // namespace microcore
