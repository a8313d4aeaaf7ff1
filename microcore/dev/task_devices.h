// A task's device grants (microcore/device_services.h), shared by the
// files of microcore/dev/. Changed only by the task's own traps or by the
// kernel before the task runs, so it needs no lock of its own.
#pragma once

#include <cstdint>

#include "microcore/task.h"
#include "rtl/result.h"

namespace microcore {

constexpr int kMaxGrants = 8;
constexpr int kMaxDmaBuffers = 16;

struct MemoryGrant {
  uint64_t physical;
  uint64_t size;
};

struct DmaAllocation {
  uint64_t physical;
  uint64_t pages;
};

struct PciGrant {
  bool granted = false;
  uint8_t bus = 0, device = 0, function = 0;
  uint16_t msix_capability = 0;  // config offset; 0: none
};

struct TaskDevices {
  uint8_t* io_bitmap = nullptr;  // kIoBitmapBytes, 1 = denied; null = no ports
  uint64_t io_generation = 0;
  MemoryGrant memory[kMaxGrants] = {};
  int memory_count = 0;
  uint16_t interrupt_mask = 0;  // granted ISA IRQs
  uint64_t dma_limit = 0;
  uint64_t dma_used = 0;
  DmaAllocation dma[kMaxDmaBuffers] = {};
  int dma_count = 0;
  PciGrant pci;
  uint8_t msi_vector = 0;  // bound by AMPHI_TRAP_MSI_BIND; 0: none
};

// Creates the task's record on its first grant.
rtl::Result<TaskDevices*> devices_of(Task& task);
TaskDevices* existing_devices(Task& task);
// Clears the device's bus-master bit: it may no longer DMA (pci_access.cpp).
void stop_bus_mastering(const PciGrant& grant);
// Keeps a dead driver's DMA frames out of the allocator until its device
// is reset (dma_quarantine.cpp); false when there is no room to hold them.
bool quarantine_dma(const PciGrant& grant, const DmaAllocation* allocations, int count);

}  // namespace microcore
