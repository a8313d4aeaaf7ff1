// Port signals (see signals.h).
#include "microcore/ipc/signals.h"

#include "microcore/ipc/port_set.h"

namespace microcore::ipc {

void raise_signals(Port& port, uint32_t bits) {
  if (!port.active() || !bits) return;
  if (amphi_signal_mailbox_t* mailbox = port.mailbox) {
    // Atomic read-modify-writes are full fences: the load of `running`
    // cannot pass the OR (the kernel's half of the handshake).
    __atomic_fetch_or(&mailbox->pending, bits, __ATOMIC_SEQ_CST);
    if (__atomic_load_n(&mailbox->running, __ATOMIC_SEQ_CST)) return;
    bits = __atomic_exchange_n(&mailbox->pending, 0u, __ATOMIC_SEQ_CST);
    if (!bits) return;  // the receiver took them on its way to sleep
  }
  port.signals |= bits;
  IpcWaiter* waiter = port.receivers.front();
  if (!waiter && port.set) waiter = port.set->receivers.front();
  if (waiter) hand_signals(port, *waiter);
}

void hand_signals(Port& port, IpcWaiter& waiter) {
  if (waiter.rcv_size < sizeof(amphi_signal_message_t)) {
    wake_waiter(waiter, MACH_RCV_TOO_LARGE);
    return;
  }
  waiter.signal_port_name = port.receiver_name;
  waiter.signals = take_signals(port);
  receiver_woken(port, waiter);
  wake_waiter(waiter, MACH_MSG_SUCCESS);
}

void receiver_woken(Port& port, const IpcWaiter& waiter) {
  // Only a receiver on the port itself keeps the handshake for it.
  if (port.mailbox && waiter.port == &port)
    __atomic_store_n(&port.mailbox->running, 1u, __ATOMIC_SEQ_CST);
}

uint32_t take_signals(Port& port) {
  uint32_t bits = port.signals;
  port.signals = 0;
  return bits;
}

amphi_signal_message_t signal_message(uint32_t bits, mach_port_name_t name) {
  amphi_signal_message_t message{};
  message.header.msgh_size = sizeof message;
  message.header.msgh_local_port = name;
  message.header.msgh_id = int32_t(AMPHI_MSG_ID_SIGNALS);
  message.bits = bits;
  return message;
}

}  // namespace microcore::ipc
