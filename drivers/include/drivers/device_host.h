// DeviceHost: everything a driver may ask of the system, and the only door
// out of driver code. Two implementations exist: the executive's kernel host
// (plain calls into the HAL, interrupts as direct handlers) and the server
// host in drivers/server/ (microcore traps and messages, from Ring 3). A
// driver written against this class runs in either without a mode #ifdef.
//
// Authority: a host grants only the resources of the driver's own device
// (its BARs, its I/O ports, its interrupt); asking for anything else fails
// in both modes, so a driver that works in the kernel cannot rely on more.
//
// Threading: the host calls a driver's entry points one at a time (it holds
// the instance's lock in the kernel; a server is single-threaded), so driver
// code needs no locks of its own.
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/io_request.h"

namespace drivers {

struct Memory {
  uint8_t* cpu = nullptr;    // where the driver reads and writes it
  uint64_t device = 0;       // the address a device uses for DMA
  size_t size = 0;
};

// What an interrupt message must look like for the device to raise it
// (MSI/MSI-X): the driver writes these into the device's vector table.
struct MessageSignal {
  uint64_t address = 0;
  uint32_t data = 0;
};

// Whether a request's data lies inside the transfer area: every driver
// checks before it touches the bytes.
inline bool fits_transfer(const IoRequest& request, const Memory& transfer) {
  return request.buffer <= transfer.size && request.length <= transfer.size - request.buffer;
}

class DeviceHost {
 public:
  // --- Configuration and registers -------------------------------------
  // PCI configuration space of the driver's own device (offset < 4096).
  virtual uint32_t config_read(uint16_t offset, uint8_t width) = 0;
  virtual void config_write(uint16_t offset, uint8_t width, uint32_t value) = 0;
  // Maps [offset, offset + size) of memory BAR `bar` (uncached); null when
  // the BAR is not memory, out of range, or the mapping failed.
  virtual volatile uint8_t* map_bar(uint8_t bar, uint64_t offset, uint64_t size) = 0;
  // I/O ports inside the device's granted range.
  virtual uint8_t port_read8(uint16_t port) = 0;
  virtual void port_write8(uint16_t port, uint8_t value) = 0;

  // --- Memory ------------------------------------------------------------
  // Pinned, physically contiguous, zeroed memory for descriptor rings;
  // released when the instance ends.
  virtual Memory allocate_dma(size_t size) = 0;
  // The transfer area requests point into (IoRequest::buffer).
  virtual Memory transfer() = 0;
  // Memory that outlives the instance: a restarted or mode-switched
  // instance of the same device gets the same bytes back (a RAM disk's
  // contents). Its size is DriverKind::persistent_bytes(info), allocated
  // by the host when the device was found; empty when that is 0.
  virtual Memory persistent() = 0;

  // --- Interrupts ---------------------------------------------------------
  // Connects the device's interrupt to Driver::interrupt(). Legacy devices
  // (ISA line from DeviceInfo): returns a zero MessageSignal. PCI devices:
  // returns the message to program into MSI-X entry 0. An error leaves the
  // driver to poll.
  virtual bool enable_interrupt(MessageSignal* signal) = 0;
  // A level-triggered legacy line is masked while the driver runs; this
  // unmasks it once the device stopped asserting it.
  virtual void acknowledge_interrupt() = 0;

  // --- Requests and services ---------------------------------------------
  virtual void complete(IoRequest& request) = 0;
  // `request` (submitted, not completed) waits for an outside event and
  // may be held indefinitely: the host does not count it as hung. The
  // driver must give it back on Driver::cancel_parked(). The kernel host
  // has no request watchdog and keeps this default.
  virtual void park(const IoRequest& request) { (void)request; }
  virtual uint64_t now_ns() = 0;
  virtual void log(const char* message) = 0;

 protected:
  ~DeviceHost() = default;
};

}  // namespace drivers
