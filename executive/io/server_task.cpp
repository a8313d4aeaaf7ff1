// Spawning a driver server (see server_backend.h): drvserver from the
// initrd, suspended until it holds exactly its device's resources.
//
// Authority, by bus:
//   virtual  nothing but its memory (a RAM disk touches no hardware)
//   legacy   its I/O port ranges and ISA line, a DMA allowance
//   pci      its configuration space (the microcore refuses writes that
//            would move a BAR or the MSI-X table), the memory of each of its
//            memory BARs, MSI vectors, a DMA allowance
// Memory: the device object's transfer area and persistent memory (kernel
// frames it owns) are mapped into the task, cacheable; the task's death
// removes only its view. The request ring is a page of the instance's own:
// freed only once the task is gone (release_server_ring). Its signal
// mailbox is attached to the server's request port, and detached before
// the page can go.
#include <cstddef>
#include <cstring>

#include "executive/boot.h"
#include "executive/cpio_archive.h"
#include "hal/memory_layout.h"
#include "hal/pci.h"
#include "hal/pci_ecam.h"
#include "microcore/device_services.h"
#include "microcore/ipc_glue.h"
#include "microcore/physical_memory.h"
#include "microcore/program_loader.h"
#include "microcore/shared_memory.h"
#include "rtl/format.h"
#include "server_backend.h"

namespace executive::io {
namespace {

constexpr const char* kServerPath = "sbin/drvserver";
constexpr uint64_t kLegacyDmaBytes = 256 * 1024;
constexpr uint64_t kPciDmaBytes = 1024 * 1024;  // descriptor rings; data goes to the transfer area

uint64_t whole_pages(uint64_t bytes) {
  return (bytes + hal::kPageSize - 1) & ~(hal::kPageSize - 1);
}

rtl::Result<CpioEntry> find_server_program() {
  const amphi_boot_info& boot = boot_info();
  if (!boot.ramdisk_size) return rtl::Error(rtl::Errc::not_found, "no initial ramdisk");
  auto archive =
      TRY(CpioArchive::open(hal::phys_to_ptr<const uint8_t>(boot.ramdisk_base), boot.ramdisk_size));
  return archive.find(kServerPath);
}

// Sizing a BAR briefly turns the device's decoding off: only ever done
// here, before the new instance runs and after the old one was stopped or
// died.
rtl::Result<void> grant_pci(microcore::Task& task, const drivers::DeviceInfo& info) {
  TRY(microcore::grant_pci_device(task, info.pci_bus, info.pci_device, info.pci_function));
  const hal::pci::ConfigAccess& config = hal::pci::ecam();
  for (uint8_t index = 0; index < hal::pci::kMaxBars; ++index) {
    uint32_t low = config.read32(config.context, info.pci_bus, info.pci_device, info.pci_function,
                                 0x10 + index * 4);
    uint32_t high = index + 1u < hal::pci::kMaxBars
                        ? config.read32(config.context, info.pci_bus, info.pci_device,
                                        info.pci_function, 0x14 + index * 4)
                        : 0;
    hal::pci::Bar bar = hal::pci::decode_bar(low, high);
    if (bar.kind == hal::pci::BarKind::memory64) {
      uint64_t size =
          TRY(hal::pci::size_bar(config, info.pci_bus, info.pci_device, info.pci_function, index));
      if (size) TRY(microcore::grant_device_memory(task, bar.address, size));
      ++index;  // the upper half is part of this BAR
    } else if (bar.kind == hal::pci::BarKind::memory32) {
      uint64_t size =
          TRY(hal::pci::size_bar(config, info.pci_bus, info.pci_device, info.pci_function, index));
      if (size) TRY(microcore::grant_device_memory(task, bar.address, size));
    }
  }
  return microcore::grant_dma(task, kPciDmaBytes);
}

rtl::Result<void> grant_device(microcore::Task& task, const drivers::DeviceInfo& info) {
  switch (info.bus) {
    case drivers::DeviceInfo::Bus::virtual_device:
      return {};
    case drivers::DeviceInfo::Bus::legacy:
      if (info.io_count) TRY(microcore::grant_io_ports(task, info.io_base, info.io_count));
      if (info.io2_count) TRY(microcore::grant_io_ports(task, info.io2_base, info.io2_count));
      if (info.legacy_irq != 0xff) TRY(microcore::grant_interrupt(task, info.legacy_irq));
      return microcore::grant_dma(task, kLegacyDmaBytes);
    case drivers::DeviceInfo::Bus::pci:
      return grant_pci(task, info);
  }
  return rtl::Error(rtl::Errc::invalid_argument, "unknown bus");
}

rtl::Result<uint64_t> map_memory(microcore::Task& task, const drivers::Memory& memory) {
  if (!memory.size) return uint64_t{0};
  if (hal::phys_to_ptr<uint8_t>(memory.device) != memory.cpu)
    return rtl::Error(rtl::Errc::invalid_argument, "device memory is not kernel direct-map memory");
  return microcore::map_kernel_memory(task, memory.device, whole_pages(memory.size), true);
}

// The ring page's mailbox as the microcore sees it (the driver framework
// spells the same two words itself).
static_assert(sizeof(drivers::SignalMailbox) == sizeof(amphi_signal_mailbox_t));
static_assert(offsetof(drivers::SignalMailbox, pending) ==
              offsetof(amphi_signal_mailbox_t, pending));
static_assert(offsetof(drivers::SignalMailbox, running) ==
              offsetof(amphi_signal_mailbox_t, running));
amphi_signal_mailbox_t* mailbox_of(drivers::RequestRing& ring) {
  return reinterpret_cast<amphi_signal_mailbox_t*>(&ring.signals);
}

// Everything after the task exists and before it runs; on error the caller
// kills the task, whose death releases all of it but `out`'s ports.
rtl::Result<void> prepare(microcore::Task& task, DeviceObject& device, ServerTask& out,
                          const ServerCallbacks& callbacks) {
  TRY(grant_device(task, device.info()));
  out.transfer_address = TRY(map_memory(task, device.transfer()));
  out.persistent_address = TRY(map_memory(task, device.persistent()));
  static_assert(sizeof(drivers::RequestRing) <= hal::kPageSize);
  out.ring_physical = TRY(microcore::allocate_frames(1));
  out.ring = hal::phys_to_ptr<drivers::RequestRing>(out.ring_physical);
  memset(static_cast<void*>(out.ring), 0, hal::kPageSize);
  out.ring_address =
      TRY(microcore::map_kernel_memory(task, out.ring_physical, hal::kPageSize, true));
  uint32_t request_name = TRY(microcore::ipc_allocate_receive(task));
  out.requests = TRY(microcore::ipc_kernel_send_right(task, request_name));
  // Only a device with an interrupt gains from it (a RAM disk's server is
  // rung only when asleep).
  if (device.info().bus != drivers::DeviceInfo::Bus::virtual_device)
    microcore::ipc_attach_signal_mailbox(out.requests, mailbox_of(*out.ring));
  // Completions are taken from the ring when the server receives.
  microcore::ipc_attach_receive_hook(out.requests, callbacks.receiving, callbacks.context);
  out.kernel_port = TRY(microcore::ipc_create_kernel_port(callbacks.deliver, callbacks.context));
  uint32_t kernel_name = TRY(microcore::ipc_insert_kernel_port_send(task, out.kernel_port));
  char arguments[64];
  size_t length = rtl::format_to_buffer(arguments, sizeof arguments, "{} {} {}", device.name(),
                                        request_name, kernel_name);
  return microcore::set_program_arguments(task, std::string_view(arguments, length));
}

}  // namespace

rtl::Result<ServerTask> spawn_server_task(DeviceObject& device, const ServerCallbacks& callbacks) {
  CpioEntry program = TRY(find_server_program());
  microcore::Task* task =
      TRY(microcore::spawn_program_suspended("drvserver", program.data, program.size, ""));
  ServerTask out;
  out.task_id = task->id();
  out.suspended = task;
  auto prepared = prepare(*task, device, out, callbacks);
  if (prepared.is_error()) {
    task->kill(137);
    microcore::resume_program(*task);  // it ends before reaching user mode
    release_server_ports(out);
    release_server_ring(out);  // the task never reached user mode
    return prepared.error();
  }
  return out;
}

void resume_server_task(ServerTask& task) {
  if (task.suspended) microcore::resume_program(*task.suspended);
  task.suspended = nullptr;
}

void release_server_ports(ServerTask& task) {
  // The mailbox is in the ring's page, which may be freed from now on, and
  // the hook's context may go too.
  if (task.requests) {
    microcore::ipc_attach_signal_mailbox(task.requests, nullptr);
    microcore::ipc_attach_receive_hook(task.requests, nullptr, nullptr);
  }
  if (task.kernel_port) microcore::ipc_destroy_kernel_port(task.kernel_port);
  if (task.requests) microcore::ipc_release_kernel_send_right(task.requests);
  task.kernel_port = nullptr;
  task.requests = nullptr;
}

void release_server_ring(ServerTask& task) {
  if (task.ring) microcore::free_frames(task.ring_physical, 1);
  task.ring = nullptr;
}

}  // namespace executive::io
