// The server-mode DeviceHost (see server_host.h).
#include "server_host.h"

namespace drvserver {

namespace {

constexpr uint32_t width_mask(uint8_t width) {
  return width >= 4 ? 0xffffffffu : (1u << (width * 8)) - 1;
}

}  // namespace

void ServerHost::configure(const drivers::protocol::StartBody& start) {
  info_ = start.info;
  transfer_ = {reinterpret_cast<uint8_t*>(start.transfer_address), start.transfer_device,
               start.transfer_size};
  persistent_ = {reinterpret_cast<uint8_t*>(start.persistent_address), start.persistent_device,
                 start.persistent_size};
  ring_ = drivers::RequestRingConsumer(reinterpret_cast<drivers::RequestRing*>(start.ring_address));
}

void ServerHost::send_to_kernel(int32_t id, const void* body, size_t size) {
  flush();
  outgoing_size_ = mach::make_message(&outgoing(), kernel_, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL,
                                      0, id, body, size);
}

void ServerHost::answer(const drivers::IoRequest& request) {
  // Parked and finished before the park could leave: the park is moot
  // (and would name a request the kernel has already seen completed).
  if (waiting_park_ && waiting_park_tag_ == request.tag) {
    outgoing_size_ = 0;
    waiting_park_ = false;
  }
  if (!bad_reply_armed_) {
    ring_.complete(request);
    return;
  }
  // A reply that cannot be right: a tag nobody issued and a positive status.
  bad_reply_armed_ = false;
  drivers::IoRequest garbage = request;
  garbage.tag ^= 0x5a5a5a5a00000000ull;
  garbage.status = 77;
  garbage.transferred = ~0u;
  ring_.complete(garbage);
}

void ServerHost::flush() {
  if (!outgoing_size_) return;
  mach_msg_size_t size = outgoing_size_;
  outgoing_size_ = 0;
  waiting_park_ = false;
  mach_msg_return_t result =
      mach::mach_msg(&outgoing().header, MACH_SEND_MSG, size, 0, MACH_PORT_NULL);
  // The kernel's port only dies with this server's instance; nothing to do.
  if (result != MACH_MSG_SUCCESS)
    mach::print("drvserver %s: send to the kernel: %s\n", device_, mach::error_name(result));
}

uint32_t ServerHost::config_read(uint16_t offset, uint8_t width) {
  if (info_.bus != drivers::DeviceInfo::Bus::pci) return width_mask(width);
  int64_t value = mach::trap(AMPHI_TRAP_DEVICE_CONFIG, offset, width, 0, 0);
  return value < 0 ? width_mask(width) : static_cast<uint32_t>(value);
}

void ServerHost::config_write(uint16_t offset, uint8_t width, uint32_t value) {
  if (info_.bus == drivers::DeviceInfo::Bus::pci)
    (void)mach::trap(AMPHI_TRAP_DEVICE_CONFIG, offset, width, value, 1);
}

volatile uint8_t* ServerHost::map_bar(uint8_t bar, uint64_t offset, uint64_t size) {
  if (info_.bus != drivers::DeviceInfo::Bus::pci || bar > 5 || size == 0) return nullptr;
  uint32_t low = config_read(uint16_t(0x10 + 4 * bar), 4);
  if (low & 1) return nullptr;  // an I/O BAR
  uint64_t base = low & ~uint64_t(0xf);
  if (((low >> 1) & 3) == 2) {  // 64-bit: the next BAR holds the high half
    if (bar == 5) return nullptr;
    base |= uint64_t(config_read(uint16_t(0x10 + 4 * (bar + 1)), 4)) << 32;
  }
  if (base == 0 || base + offset < base) return nullptr;
  uint64_t address = 0;
  // The kernel maps only what it granted: this device's BAR ranges.
  if (mach::trap(AMPHI_TRAP_DEVICE_MAP, base + offset, size,
                 reinterpret_cast<uint64_t>(&address)) != KERN_SUCCESS)
    return nullptr;
  return reinterpret_cast<volatile uint8_t*>(address);
}

uint8_t ServerHost::port_read8(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

void ServerHost::port_write8(uint16_t port, uint8_t value) {
  asm volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

drivers::Memory ServerHost::allocate_dma(size_t size) {
  uint64_t address = 0, physical = 0;
  if (mach::trap(AMPHI_TRAP_DMA_ALLOCATE, size, reinterpret_cast<uint64_t>(&address),
                 reinterpret_cast<uint64_t>(&physical)) != KERN_SUCCESS)
    return {};
  return {reinterpret_cast<uint8_t*>(address), physical, size};
}

bool ServerHost::enable_interrupt(drivers::MessageSignal* signal) {
  *signal = {};
  if (info_.bus == drivers::DeviceInfo::Bus::pci) {
    uint64_t address = 0;
    uint32_t data = 0;
    if (mach::trap(AMPHI_TRAP_MSI_BIND, requests_, reinterpret_cast<uint64_t>(&address),
                   reinterpret_cast<uint64_t>(&data)) != KERN_SUCCESS)
      return false;
    *signal = {address, data};
    return true;
  }
  if (info_.bus == drivers::DeviceInfo::Bus::legacy && info_.legacy_irq != 0xff) {
    return mach::trap(AMPHI_TRAP_INTERRUPT_BIND, info_.legacy_irq, requests_) == KERN_SUCCESS;
  }
  return false;
}

void ServerHost::acknowledge_interrupt() {
  if (info_.bus == drivers::DeviceInfo::Bus::legacy && info_.legacy_irq != 0xff)
    (void)mach::trap(AMPHI_TRAP_INTERRUPT_ACK, info_.legacy_irq);
}

void ServerHost::complete(drivers::IoRequest& request) {
  answer(request);
  slots_.release(request);  // the driver is done with it; so is the slot
}

void ServerHost::park(const drivers::IoRequest& request) {
  drivers::protocol::ParkedBody body{request.tag};
  send_to_kernel(drivers::protocol::kParked, &body, sizeof body);
  waiting_park_ = true;
  waiting_park_tag_ = request.tag;
}

void ServerHost::log(const char* message) {
  mach::print("drvserver %s: %s\n", device_, message);
}

}  // namespace drvserver
