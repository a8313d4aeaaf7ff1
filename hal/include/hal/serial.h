// The 16550 UART on COM1: Amphi's first console and the one the test
// harness reads. Polled output, so it works before interrupts, inside panic
// and with interrupts off.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace hal::serial {

// Programs COM1 for 115200 8N1 with FIFOs. Returns false when no UART
// answers the scratch-register probe (output is then discarded).
bool init();
void write(std::string_view text);  // "\n" becomes "\r\n"
bool present();

// Input: the UART raises IRQ 4 when a byte arrives. The handler (interrupt
// context) gets every byte waiting in the FIFO.
using ReceiveHandler = void (*)(uint8_t byte);
void enable_receive_interrupt(ReceiveHandler handler);
// Polled input, for when interrupts are off (panic, early boot).
bool try_read_byte(uint8_t& byte);

}  // namespace hal::serial
