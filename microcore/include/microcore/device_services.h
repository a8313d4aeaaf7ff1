// What the driver framework needs from the microcore to run a driver in a
// Ring 3 task (a "server"), and nothing more:
//   - device memory (MMIO) mapped into the task, uncached;
//   - specific I/O ports, through the TSS I/O permission bitmap;
//   - hardware interrupts delivered as Mach messages to a port;
//   - pinned, physically contiguous memory for DMA, with its physical address.
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

// Scheduler hook: load the task's I/O bitmap (or none) into the TSS.
void load_io_permissions(Task& task);
// Task teardown: unbind interrupts, free DMA memory, drop the bitmap.
void release_devices(Task& task);
// Starts the interrupt-delivery thread (once, at boot).
void init_device_services();

}  // namespace microcore
