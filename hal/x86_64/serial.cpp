// COM1 16550 driver, polled. The bring-up console: it must work from the
// first line of kernel code, so it needs no memory, no interrupts and no
// locks of its own (klog serializes writers; panic writes regardless).
#include "hal/serial.h"

#include <cstdint>

#include "hal/interrupt_controller.h"
#include "hal/io.h"
#include "hal/trap.h"

namespace hal::serial {
namespace {

constexpr uint16_t kCom1 = 0x3f8;
enum Register : uint16_t {
  kData = 0,
  kInterruptEnable = 1,
  kFifoControl = 2,
  kLineControl = 3,
  kModemControl = 4,
  kLineStatus = 5,
  kScratch = 7,
};
constexpr uint8_t kTransmitHoldingEmpty = 0x20;

bool g_present = false;
ReceiveHandler g_receive = nullptr;  // set once when console input is wired

constexpr uint8_t kIsaIrq = 4;
constexpr uint8_t kVector = 0x30 + kIsaIrq;  // the ISA block of vectors (0x30 + irq)
constexpr uint8_t kDataReady = 0x01;

void on_receive_interrupt(TrapFrame&, void*) {
  uint8_t byte;
  while (try_read_byte(byte))
    if (g_receive) g_receive(byte);
}

void put(char c) {
  // Bounded wait: a wedged UART must not hang the kernel (or a panic).
  for (int spins = 0; spins < 100000; ++spins)
    if (inb(kCom1 + kLineStatus) & kTransmitHoldingEmpty) break;
  outb(kCom1 + kData, static_cast<uint8_t>(c));
}

}  // namespace

bool init() {
  outb(kCom1 + kScratch, 0x5a);
  if (inb(kCom1 + kScratch) != 0x5a) return g_present = false;
  outb(kCom1 + kInterruptEnable, 0x00);
  outb(kCom1 + kLineControl, 0x80);  // DLAB: divisor follows
  outb(kCom1 + kData, 1);            // 115200 baud
  outb(kCom1 + kInterruptEnable, 0);
  outb(kCom1 + kLineControl, 0x03);   // 8N1
  outb(kCom1 + kFifoControl, 0xc7);   // FIFOs on, cleared, 14-byte trigger
  outb(kCom1 + kModemControl, 0x03);  // DTR, RTS
  return g_present = true;
}

bool present() { return g_present; }

bool try_read_byte(uint8_t& byte) {
  if (!g_present || !(inb(kCom1 + kLineStatus) & kDataReady)) return false;
  byte = inb(kCom1 + kData);
  return true;
}

void enable_receive_interrupt(ReceiveHandler handler) {
  if (!g_present) return;
  g_receive = handler;
  if (!set_interrupt_handler(kVector, on_receive_interrupt, nullptr)) return;
  // The line is edge-triggered: route it before the UART may raise it, and
  // drain what arrived before (bytes typed or piped during boot), or the
  // line stays high with no edge left to deliver.
  (void)interrupt_controller::route_isa_irq(kIsaIrq, kVector);
  outb(kCom1 + kModemControl, 0x0b);    // DTR, RTS, OUT2 (gates the IRQ line on PCs)
  outb(kCom1 + kInterruptEnable, 0x01); // received data available
  uint8_t byte;
  while (try_read_byte(byte)) handler(byte);
}

void write(std::string_view text) {
  if (!g_present) return;
  for (char c : text) {
    if (c == '\n') put('\r');
    put(c);
  }
}

}  // namespace hal::serial
