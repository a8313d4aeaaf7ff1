// The 16550 UART (COM2 on a PC; COM1 stays the kernel console).
//
// Writes go out through the transmit FIFO, polled: at 115200 baud a 16-byte
// FIFO drains in ~1.4 ms, and polling keeps the transmit path identical in
// both modes. Received bytes arrive by interrupt into a ring; a read takes
// what the ring holds and never waits (an empty ring reads 0 bytes: a raw
// port, not a terminal). Bytes still in the ring are carried across a mode
// switch in the saved state.
#include "drivers/byte_ring.h"
#include "drivers/catalog.h"

namespace drivers {
namespace {

// Register offsets from the I/O base (DLAB = 0 unless noted).
constexpr uint16_t kData = 0, kInterruptEnable = 1, kFifoControl = 2, kLineControl = 3, kModemControl = 4,
                   kLineStatus = 5;
constexpr uint8_t kLineStatusDataReady = 0x01, kLineStatusTransmitEmpty = 0x20;
constexpr uint8_t kModemOut2 = 0x08;  // gates the UART's interrupt line on PCs
constexpr uint32_t kTransmitSpins = 1'000'000;

class Uart16550 final : public Driver {
 public:
  StartStatus start(DeviceHost& host, const DeviceInfo& info, const SavedState* state) override {
    host_ = &host;
    base_ = info.io_base;
    if (info.io_count < 8) return StartStatus::no_device;
    // A missing UART floats its scratch register; a real one keeps a value.
    write(7, 0x5a);
    if (read(7) != 0x5a) return StartStatus::no_device;
    write(kInterruptEnable, 0);
    write(kLineControl, 0x80);  // DLAB: divisor 1 = 115200 baud
    write(kData, 1);
    write(kInterruptEnable, 0);
    write(kLineControl, 0x03);   // 8 data bits, no parity, 1 stop bit
    write(kFifoControl, 0xc7);   // FIFOs on and cleared, receive trigger 14 bytes
    write(kModemControl, 0x03 | kModemOut2);
    if (state && state->size <= ring_.kCapacity)
      for (uint32_t i = 0; i < state->size; ++i) ring_.push(state->bytes[i]);
    MessageSignal unused;
    if (host.enable_interrupt(&unused)) write(kInterruptEnable, 0x01);  // received data available
    return StartStatus::ok;
  }

  void submit(IoRequest& request) override {
    Memory transfer = host_->transfer();
    request.transferred = 0;
    request.status = kIoOk;
    if (!fits_transfer(request, transfer)) {
      request.status = kIoBadRequest;
    } else if (request.operation == IoOperation::write) {
      request.status = transmit(transfer.cpu + request.buffer, request.length, &request.transferred);
    } else if (request.operation == IoOperation::read) {
      drain_receiver();
      request.transferred = ring_.take(transfer.cpu + request.buffer, request.length);
    } else if (request.operation != IoOperation::flush) {
      request.status = kIoNotSupported;
    }
    host_->complete(request);
  }

  void interrupt() override {
    drain_receiver();
    host_->acknowledge_interrupt();
  }

  void stop(SavedState& state) override {
    write(kInterruptEnable, 0);
    drain_receiver();
    state.size = ring_.take(state.bytes, sizeof state.bytes);
  }

  Geometry geometry() const override { return {}; }

 private:
  uint8_t read(uint16_t reg) { return host_->port_read8(static_cast<uint16_t>(base_ + reg)); }
  void write(uint16_t reg, uint8_t value) { host_->port_write8(static_cast<uint16_t>(base_ + reg), value); }

  int32_t transmit(const uint8_t* data, uint32_t length, uint32_t* sent) {
    for (uint32_t i = 0; i < length; ++i) {
      uint32_t spins = 0;
      while (!(read(kLineStatus) & kLineStatusTransmitEmpty))
        if (++spins == kTransmitSpins) return *sent ? kIoOk : kIoError;  // the line is stuck
      write(kData, data[i]);
      *sent = i + 1;
    }
    return kIoOk;
  }

  // Moves whatever the receive FIFO holds into the ring; a full ring drops
  // the newest bytes (counted), as a UART overrun would.
  void drain_receiver() {
    for (int i = 0; i < 64 && (read(kLineStatus) & kLineStatusDataReady); ++i) {
      ring_.push(read(kData));
    }
  }

  DeviceHost* host_ = nullptr;
  uint16_t base_ = 0;
  ByteRing<SavedState::kCapacity> ring_;
};

}  // namespace

const DriverKind kUartDriver = make_driver_kind<Uart16550>("uart16550", "uart");

}  // namespace drivers
