// ServerHost: drivers::DeviceHost for a driver running in a Ring 3 server
// (drvserver), over microcore traps and messages:
//   configuration space  AMPHI_TRAP_DEVICE_CONFIG (the granted PCI device only)
//   BARs                 AMPHI_TRAP_DEVICE_MAP on the BAR's address (uncached)
//   DMA memory           AMPHI_TRAP_DMA_ALLOCATE
//   interrupts           AMPHI_TRAP_MSI_BIND (PCI) / AMPHI_TRAP_INTERRUPT_BIND
//                        (legacy line), delivered to the request port
//   I/O ports            in/out instructions (the TSS bitmap admits ours)
//   requests             the RequestRing page the kernel fills
//   completions          the RequestRing's completion side; the kernel takes
//                        them when the main loop next enters a receive
//   parked requests      kParked messages (the watchdog leaves them alone)
// The transfer area and persistent memory were mapped by the kernel before
// the server ran; kStart says where. The kernel checks every trap, so a
// driver asking for what is not its device's is refused here as in the
// kernel host.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "drivers/device_host.h"
#include "drivers/request_ring.h"
#include "drivers/request_slots.h"
#include "drivers/server_protocol.h"
#include "libmach/mach.h"

namespace drvserver {

class ServerHost final : public drivers::DeviceHost {
 public:
  ServerHost(const char* device, mach_port_name_t requests, mach_port_name_t kernel)
      : device_(device), requests_(requests), kernel_(kernel) {}

  // Takes the instance's description from kStart.
  void configure(const drivers::protocol::StartBody& start);
  // The next completion is sent as garbage (Fault::bad_reply).
  void arm_bad_reply() { bad_reply_armed_ = true; }
  void arm_refuse_stop() { refuse_stop_armed_ = true; }
  // True once after arm_refuse_stop(): the next stop goes unanswered.
  bool take_refuse_stop() {
    bool armed = refuse_stop_armed_;
    refuse_stop_armed_ = false;
    return armed;
  }
  // The next request the kernel queued in the ring; false when none waits
  // (or before kStart said where the ring is).
  bool take_request(drivers::IoRequest* out) { return ring_.attached() && ring_.take(out); }
  bool request_waiting() const { return ring_.attached() && !ring_.empty(); }
  // See drivers/request_ring.h: true when the main loop may sleep. False
  // when requests came meanwhile, or signals (`*signals`: interrupts, the
  // doorbell) were left in the mailbox while it worked.
  bool prepare_to_sleep(uint32_t* signals) {
    *signals = 0;
    if (!ring_.attached()) return true;
    *signals = ring_.take_signals();
    if (!*signals && ring_.prepare_to_sleep()) return true;
    awake();
    return false;
  }
  void awake() {
    if (!ring_.attached()) return;
    ring_.awake();
    ring_.mark_running();
  }
  // A message to the kernel's port (any of the server -> kernel ids). It
  // waits to leave with the main loop's next receive, one trap for both
  // (as Mach's mach_msg_server replies); a second message sends the waiting
  // one first. The kernel takes the completions published before a message
  // ahead of it, so it hears everything in the order it happened.
  void send_to_kernel(int32_t id, const void* body, size_t size);
  // Publishes `request`'s completion (the kernel takes it at our next
  // receive): for a request the driver never saw, which holds no slot.
  void answer(const drivers::IoRequest& request);
  // The buffer for the main loop's next mach_msg: it holds the waiting
  // message (`*size` bytes, 0 when none waits), to be sent, and receives
  // the next one. Later messages to the kernel are written to the other
  // buffer, so the received message stays intact while it is handled.
  mach::InlineMessage& exchange(mach_msg_size_t* size) {
    mach::InlineMessage& current = buffers_[outgoing_index_];
    *size = outgoing_size_;
    outgoing_index_ ^= 1;
    outgoing_size_ = 0;
    waiting_park_ = false;
    return current;
  }
  // Where requests taken from the ring wait while the driver holds them;
  // complete() frees a request's slot.
  drivers::RequestSlots& slots() { return slots_; }
  // Sends the waiting message on its own (before a fault that never returns).
  void flush();

  uint32_t config_read(uint16_t offset, uint8_t width) override;
  void config_write(uint16_t offset, uint8_t width, uint32_t value) override;
  volatile uint8_t* map_bar(uint8_t bar, uint64_t offset, uint64_t size) override;
  uint8_t port_read8(uint16_t port) override;
  void port_write8(uint16_t port, uint8_t value) override;
  drivers::Memory allocate_dma(size_t size) override;
  drivers::Memory transfer() override { return transfer_; }
  drivers::Memory persistent() override { return persistent_; }
  bool enable_interrupt(drivers::MessageSignal* signal) override;
  void acknowledge_interrupt() override;
  void complete(drivers::IoRequest& request) override;
  void park(const drivers::IoRequest& request) override;
  uint64_t now_ns() override { return mach::clock_ns(); }
  void log(const char* message) override;

 private:
  const char* device_;
  mach_port_name_t requests_;
  mach_port_name_t kernel_;
  drivers::DeviceInfo info_;
  drivers::Memory transfer_;
  drivers::Memory persistent_;
  bool bad_reply_armed_ = false;
  bool refuse_stop_armed_ = false;
  drivers::RequestRingConsumer ring_;
  drivers::RequestSlots slots_;
  mach::InlineMessage& outgoing() { return buffers_[outgoing_index_]; }

  mach::InlineMessage buffers_[2];
  uint8_t outgoing_index_ = 0;
  mach_msg_size_t outgoing_size_ = 0;  // of outgoing(); 0: nothing waits
  // The waiting message is kParked for waiting_park_tag_. The kernel takes
  // the ring's completions before it hears a message, so a park for a
  // request completed since would name a request it no longer knows.
  bool waiting_park_ = false;
  uint64_t waiting_park_tag_ = 0;
};

}  // namespace drvserver
