// The PS/2 keyboard on the 8042 (data port 0x60, command port 0x64, ISA
// IRQ 1), catalog name "ps2-keyboard", devices kbd0...
//
// What a read returns: the raw bytes the keyboard sent, in scancode set 1
// (the keyboard speaks set 2, its default after reset; the controller's
// translation gives set 1): make and break codes with their E0/E1 prefixes.
// Turning them into characters is the reader's business (the console's
// KeyboardLayout). Writes are not supported.
//
// Reads block: a read takes what the ring holds, and when it is empty the
// request is parked (DeviceHost::park) until the next key arrives, so a
// reader sleeps instead of polling. A switch hands parked reads back
// (cancel_parked, kIoCancelled) and the I/O manager gives them to the next
// instance; bytes still in the ring travel in the saved state; keys typed
// while the switch runs wait in the keyboard, whose port stop() disables.
//
// Interrupts: the 8042 raises IRQ 1 while its output buffer holds a byte
// and the line is edge-triggered, so a byte left unread never interrupts
// again. The handler reads until the buffer is empty, acknowledges (a
// server's line is masked until then), then looks once more for a byte
// that came while the line was masked.
#include "drivers/catalog.h"
#include "drivers/ps2/i8042.h"
#include "drivers/ps2/scancode_ring.h"

namespace drivers {
namespace {

constexpr uint8_t kScancodeSet2 = 0x02;
constexpr uint32_t kMaxParked = 32;  // the I/O manager's slots: every request could be a read
constexpr int kMaxCollect = 64;      // bytes per look: a stuck status port cannot hold us

class Ps2Keyboard final : public Driver {
 public:
  StartStatus start(DeviceHost& host, const DeviceInfo& info, const SavedState* state) override {
    host_ = &host;
    if (info.bus != DeviceInfo::Bus::legacy || !info.io_count || !info.io2_count) return StartStatus::no_device;
    controller_.attach(host, info.io_base, info.io2_base);
    if (!controller_.responds()) return StartStatus::no_device;
    if (state) {
      // A switch: the keyboard is set up, and stop() left its port off.
      ring_.restore(*state);
    } else if (!reset_keyboard()) {
      host.log("the keyboard does not answer");
      return StartStatus::no_device;
    }
    // Port 1 stays off until IRQ 1 reaches us: no byte without an edge.
    uint8_t config = 0;
    if (!controller_.command(ps2::kDisablePort1)) return StartStatus::failed;
    collect();
    if (!controller_.read_config(&config)) return StartStatus::failed;
    config = static_cast<uint8_t>((config | ps2::kConfigPort1Interrupt | ps2::kConfigTranslation) &
                                  ~(ps2::kConfigPort1ClockOff | ps2::kConfigPort2Interrupt));
    if (!controller_.write_config(config)) return StartStatus::failed;
    MessageSignal unused;
    if (!host.enable_interrupt(&unused)) {
      host.log("no interrupt line: a keyboard cannot be read without IRQ 1");
      return StartStatus::failed;
    }
    if (!controller_.command(ps2::kEnablePort1)) return StartStatus::failed;
    host.acknowledge_interrupt();
    collect();
    return StartStatus::ok;
  }

  void submit(IoRequest& request) override {
    Memory transfer = host_->transfer();
    request.transferred = 0;
    request.status = kIoOk;
    if (!fits_transfer(request, transfer)) {
      request.status = kIoBadRequest;
    } else if (request.operation == IoOperation::read) {
      collect();  // cheap, and it covers an edge the line may have lost
      if (ring_.size() == 0 && request.length != 0 && parked_count_ < kMaxParked) {
        parked_[parked_count_++] = &request;
        host_->park(request);
        return;
      }
      request.transferred = ring_.take(transfer.cpu + request.buffer, request.length);
    } else if (request.operation != IoOperation::flush) {
      request.status = kIoNotSupported;
    }
    host_->complete(request);
  }

  void interrupt() override {
    collect();
    host_->acknowledge_interrupt();
    collect();
  }

  void cancel_parked() override {
    for (uint32_t i = 0; i < parked_count_; ++i) {
      parked_[i]->status = kIoCancelled;
      parked_[i]->transferred = 0;
      host_->complete(*parked_[i]);
    }
    parked_count_ = 0;
  }

  void stop(SavedState& state) override {
    // Keys typed from here on wait in the keyboard for the next instance.
    (void)controller_.command(ps2::kDisablePort1);
    collect();
    cancel_parked();  // the host drained them already; never lose one anyway
    ring_.save(state);
  }

  Geometry geometry() const override { return {}; }

 private:
  // From scratch (first start, or after a crash left the keyboard in any
  // state): both ports quiet, no interrupts and no translation while we
  // talk to the keyboard by polling, then reset it, select set 2 and let
  // it scan.
  bool reset_keyboard() {
    if (!controller_.command(ps2::kDisablePort1) || !controller_.command(ps2::kDisablePort2)) return false;
    controller_.flush();
    uint8_t config = 0;
    if (!controller_.read_config(&config)) return false;
    config = static_cast<uint8_t>(config & ~(ps2::kConfigPort1Interrupt | ps2::kConfigPort2Interrupt |
                                             ps2::kConfigTranslation));
    if (!controller_.write_config(config) || !controller_.command(ps2::kEnablePort1)) return false;
    uint8_t verdict = 0;
    if (!controller_.keyboard_command(ps2::kKeyboardReset) ||
        !controller_.read(&verdict, ps2::kKeyboardTimeoutNs) || verdict != ps2::kKeyboardSelfTestPassed)
      return false;
    // Set 2 is the reset default; asking makes sure. A keyboard that
    // refuses the command still scans in its default set.
    if (!controller_.keyboard_command(ps2::kKeyboardScancodeSet) || !controller_.keyboard_command(kScancodeSet2))
      host_->log("the keyboard refused scancode set 2; keeping its default");
    if (!controller_.keyboard_command(ps2::kKeyboardEnableScanning)) return false;
    controller_.flush();  // typed during the reset: lost, not garbled
    return true;
  }

  // Moves what the controller holds into the ring, then serves parked
  // reads, oldest first.
  void collect() {
    uint8_t byte = 0;
    for (int i = 0; i < kMaxCollect && controller_.take_keyboard_byte(&byte); ++i) ring_.push(byte);
    uint32_t served = 0;
    Memory transfer = host_->transfer();
    while (served < parked_count_ && ring_.size()) {
      IoRequest& request = *parked_[served++];
      request.transferred = ring_.take(transfer.cpu + request.buffer, request.length);
      host_->complete(request);
    }
    for (uint32_t i = served; i < parked_count_; ++i) parked_[i - served] = parked_[i];
    parked_count_ -= served;
  }

  DeviceHost* host_ = nullptr;
  ps2::Controller controller_;
  ps2::ScancodeRing ring_;
  IoRequest* parked_[kMaxParked] = {};
  uint32_t parked_count_ = 0;
};

}  // namespace

const DriverKind kPs2KeyboardDriver = make_driver_kind<Ps2Keyboard>("ps2-keyboard", "kbd");

}  // namespace drivers
