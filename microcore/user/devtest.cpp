// devtest: a user-mode "driver" for the CMOS real-time clock and the HPET,
// proving the microcore's driver services from Ring 3:
//   - I/O ports 0x70/0x71, granted through the TSS I/O bitmap;
//   - the HPET's registers, mapped uncached into this task;
//   - a pinned DMA buffer and its physical address;
//   - IRQ 8 (the RTC's periodic interrupt) delivered as Mach messages;
//   - the configuration space of its one granted PCI device (the virtio
//     disk), with the registers that place the device refused, and an MSI
//     vector bound to a port.
// With args "denied" it first sees PCI configuration and MSI refused
// without a grant, then touches port 0x64, which it was not granted: the
// CPU refuses and the kernel terminates the task, nothing else.
#include "libmach/mach.h"

namespace {

inline void outb(uint16_t port, uint8_t value) { asm volatile("outb %0, %1" : : "a"(value), "Nd"(port)); }
inline uint8_t inb(uint16_t port) {
  uint8_t value;
  asm volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

uint8_t cmos_read(uint8_t reg) {
  outb(0x70, reg);
  return inb(0x71);
}
void cmos_write(uint8_t reg, uint8_t value) {
  outb(0x70, reg);
  outb(0x71, value);
}

constexpr uint64_t kHpetBase = 0xfed00000;
constexpr uint8_t kRtcIrq = 8;

struct InterruptMessage {
  amphi_signal_message_t signal;
  uint8_t slack[64];
};

int fail(const char* what, int64_t code) {
  mach::print("devtest: FAIL %s (%d)\n", what, static_cast<int>(code));
  return 1;
}

int64_t config_read(uint16_t offset, uint8_t width) { return mach::trap(AMPHI_TRAP_DEVICE_CONFIG, offset, width, 0, 0); }
int64_t config_write(uint16_t offset, uint8_t width, uint32_t value) {
  return mach::trap(AMPHI_TRAP_DEVICE_CONFIG, offset, width, value, 1);
}

// 5. The granted PCI device's configuration space and an MSI vector.
int check_pci() {
  int64_t ids = config_read(0, 4);
  if (ids < 0) return fail("read PCI ids", ids);
  mach::print("devtest: PCI config of the granted device reads %x:%x\n", static_cast<unsigned>(ids & 0xffff),
              static_cast<unsigned>(ids >> 16));
  int64_t bar = config_read(0x10, 4);
  int64_t kr = config_write(0x10, 4, 0xfee00000);
  if (kr != -KERN_PROTECTION_FAILURE || config_read(0x10, 4) != bar) return fail("a BAR write was allowed", kr);
  kr = config_write(0x12, 2, 0);
  if (kr != -KERN_PROTECTION_FAILURE) return fail("a BAR half-write was allowed", kr);
  if (config_read(1, 2) != -KERN_INVALID_ARGUMENT || config_read(4096, 1) != -KERN_INVALID_ARGUMENT)
    return fail("misaligned or out-of-range config access accepted", 0);
  // The MSI-X capability's table location is the kernel's too.
  int64_t at = (config_read(0x06, 2) & 0x10) ? config_read(0x34, 1) & 0xfc : 0;
  for (int step = 0; at >= 0x40 && step < 48 && config_read(static_cast<uint16_t>(at), 1) != 0x11; ++step)
    at = config_read(static_cast<uint16_t>(at + 1), 1) & 0xfc;
  if (at < 0x40) return fail("no MSI-X capability on the device", at);
  kr = config_write(static_cast<uint16_t>(at + 4), 4, 0);
  if (kr != -KERN_PROTECTION_FAILURE) return fail("an MSI-X table move was allowed", kr);
  // Writes elsewhere work: the command register keeps what we write back.
  int64_t command = config_read(0x04, 2);
  kr = config_write(0x04, 2, static_cast<uint32_t>(command));
  if (kr != 0 || config_read(0x04, 2) != command) return fail("command register write", kr);
  mach::print("devtest: PCI BAR and MSI-X table writes refused (KERN_PROTECTION_FAILURE)\n");

  mach_port_name_t port = MACH_PORT_NULL;
  kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &port);
  if (kr != KERN_SUCCESS) return fail("port allocate", kr);
  uint64_t address = 0;
  uint32_t data = 0;
  kr = mach::trap(AMPHI_TRAP_MSI_BIND, port, reinterpret_cast<uint64_t>(&address), reinterpret_cast<uint64_t>(&data));
  if (kr != KERN_SUCCESS) return fail("MSI bind", kr);
  if ((address & 0xfff00000) != 0xfee00000 || data < 0x50 || data > 0x6f) return fail("MSI message", data);
  kr = mach::trap(AMPHI_TRAP_MSI_BIND, port, reinterpret_cast<uint64_t>(&address), reinterpret_cast<uint64_t>(&data));
  if (kr != KERN_FAILURE) return fail("a second MSI vector was given", kr);
  mach::print("devtest: MSI vector %x bound: message %lx <- %x\n", data, address, data);
  return 0;
}

}  // namespace

int main(const char* args) {
  if (mach::string_equal(args, "denied")) {
    int64_t config = config_read(0, 4);
    uint64_t address = 0;
    uint32_t data = 0;
    int64_t msi = mach::trap(AMPHI_TRAP_MSI_BIND, 0, reinterpret_cast<uint64_t>(&address),
                             reinterpret_cast<uint64_t>(&data));
    if (config != -KERN_PROTECTION_FAILURE || msi != KERN_PROTECTION_FAILURE)
      mach::print("devtest: FAIL PCI access without a grant: config %d, MSI %d\n", static_cast<int>(config),
                  static_cast<int>(msi));
    else
      mach::print("devtest: PCI config and MSI refused without a grant\n");
    mach::print("devtest: reading port 0x64, which was not granted\n");
    inb(0x64);
    mach::print("devtest: FAIL the read of port 0x64 was allowed\n");
    return 1;
  }

  // 1. Ports: the RTC's status register A has the update-in-progress bit;
  //    register B bit 1 = 24-hour mode is what firmware sets.
  uint8_t seconds = cmos_read(0x00);
  mach::print("devtest: RTC seconds register reads %x via ports 0x70/0x71\n", seconds);

  // 2. Device memory: the HPET capabilities register names its vendor and
  //    period; the main counter must advance.
  uint64_t hpet = 0;
  int64_t kr = mach::trap(AMPHI_TRAP_DEVICE_MAP, kHpetBase, 4096, reinterpret_cast<uint64_t>(&hpet));
  if (kr != KERN_SUCCESS) return fail("map HPET", kr);
  volatile uint64_t* registers = reinterpret_cast<volatile uint64_t*>(hpet);
  uint64_t capabilities = registers[0];
  uint64_t first = registers[0xf0 / 8];
  for (int i = 0; i < 1000; ++i) asm volatile("pause");
  uint64_t second = registers[0xf0 / 8];
  mach::print("devtest: HPET mapped at %lx: vendor %x, period %u fs, counter advanced by %lu\n", hpet,
              static_cast<unsigned>(capabilities >> 16) & 0xffff, static_cast<unsigned>(capabilities >> 32),
              second - first);
  if (second <= first) return fail("HPET counter did not advance", 0);

  // An ungranted device range is refused.
  uint64_t denied = 0;
  kr = mach::trap(AMPHI_TRAP_DEVICE_MAP, 0xfee00000, 4096, reinterpret_cast<uint64_t>(&denied));
  if (kr != KERN_PROTECTION_FAILURE) return fail("mapping the local APIC should be refused", kr);
  mach::print("devtest: mapping ungranted device memory refused (KERN_PROTECTION_FAILURE)\n");

  // 3. DMA: pinned, contiguous, zeroed, with a physical address to program.
  uint64_t dma = 0, physical = 0;
  kr = mach::trap(AMPHI_TRAP_DMA_ALLOCATE, 8192, reinterpret_cast<uint64_t>(&dma),
                  reinterpret_cast<uint64_t>(&physical));
  if (kr != KERN_SUCCESS) return fail("DMA allocate", kr);
  auto* buffer = reinterpret_cast<volatile uint32_t*>(dma);
  bool zero = buffer[0] == 0 && buffer[2047] == 0;
  buffer[0] = 0xdecafbad;
  mach::print("devtest: DMA buffer %lx -> physical %lx, 8192 bytes, zeroed %s\n", dma, physical,
              zero ? "yes" : "no");
  if (!zero || physical == 0 || (physical & 4095)) return fail("DMA buffer", 0);

  // 4. Interrupts as port signals: RTC periodic interrupt at 64 Hz on IRQ 8.
  mach_port_name_t port = MACH_PORT_NULL;
  kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &port);
  if (kr != KERN_SUCCESS) return fail("port allocate", kr);
  kr = mach::trap(AMPHI_TRAP_INTERRUPT_BIND, kRtcIrq, port);
  if (kr != KERN_SUCCESS) return fail("bind IRQ 8", kr);
  cmos_write(0x8a, (cmos_read(0x8a) & 0xf0) | 0x0a);  // rate 10: 64 Hz (NMI stays off)
  cmos_write(0x8b, cmos_read(0x8b) | 0x40);           // periodic interrupt enable
  cmos_read(0x0c);                                    // clear anything pending
  for (int n = 1; n <= 5; ++n) {
    InterruptMessage message{};
    mach_msg_return_t mr = mach::mach_msg(&message.signal.header, MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof message, port,
                                          2000000000ull);
    if (mr != MACH_MSG_SUCCESS) return fail("receive interrupt signal", mr);
    if (message.signal.header.msgh_id != int32_t(AMPHI_MSG_ID_SIGNALS) || message.signal.header.msgh_local_port != port ||
        message.signal.bits != AMPHI_SIGNAL_IRQ(kRtcIrq))
      return fail("interrupt signal is not IRQ 8's", message.signal.bits);
    cmos_read(0x0c);  // the RTC's own acknowledgement: read register C
    mach::print("devtest: interrupt 8 delivered as a port signal (bits %x), %d of 5\n",
                static_cast<unsigned>(message.signal.bits), n);
    kr = mach::trap(AMPHI_TRAP_INTERRUPT_ACK, kRtcIrq);
    if (kr != KERN_SUCCESS) return fail("acknowledge IRQ 8", kr);
  }
  cmos_write(0x8b, cmos_read(0x8b) & ~0x40);
  if (check_pci() != 0) return 1;
  mach::print("devtest: all device services work from Ring 3\n");
  return 0;
}
