// virtio-blk over modern virtio-pci: the catalog's "virtio-blk" driver.
// The transport (drivers/virtio/pci_transport.h) finds and maps the
// device's registers; the protocol lives in drivers/virtio/block_device.h.
//
// Saved state is only counters: the disk's contents are on the device, and
// start() always resets it and builds the queue from nothing, after a mode
// switch exactly as after a crash.
#include "drivers/catalog.h"
#include "drivers/virtio/block_device.h"
#include "drivers/virtio/pci_transport.h"

namespace drivers {
namespace {

constexpr uint16_t kVirtioVendor = 0x1af4;
constexpr uint16_t kModernBlockDevice = 0x1042;  // 0x1040 + device type 2
constexpr uint16_t kTransitionalBlockDevice = 0x1001;

struct Saved {
  static constexpr uint32_t kMagic = 0x6b6c4276;  // "vBlk"
  uint32_t magic;
  virtio::BlockCounters counters;
};
static_assert(sizeof(Saved) <= SavedState::kCapacity);

class VirtioBlock final : public Driver {
 public:
  StartStatus start(DeviceHost& host, const DeviceInfo& info, const SavedState* state) override {
    if (info.bus != DeviceInfo::Bus::pci || info.vendor != kVirtioVendor ||
        (info.device != kModernBlockDevice && info.device != kTransitionalBlockDevice))
      return StartStatus::no_device;
    StartStatus status = transport_.attach(host);
    if (status != StartStatus::ok) return status;
    status = block_.start(host, transport_);
    if (status == StartStatus::ok && state && state->size == sizeof(Saved)) {
      Saved saved;
      __builtin_memcpy(&saved, state->bytes, sizeof saved);
      if (saved.magic == Saved::kMagic) block_.counters() = saved.counters;
    }
    return status;
  }

  void submit(IoRequest& request) override { block_.submit(request); }
  void interrupt() override { block_.interrupt(); }
  bool arm_interrupt() override { return block_.arm_interrupt(); }

  void stop(SavedState& state) override {
    block_.stop();
    Saved saved{Saved::kMagic, block_.counters()};
    __builtin_memcpy(state.bytes, &saved, sizeof saved);
    state.size = sizeof saved;
  }

  Geometry geometry() const override { return block_.geometry(); }

 private:
  virtio::PciTransport transport_;
  virtio::BlockDevice block_;
};

}  // namespace

const DriverKind kVirtioBlockDriver = make_driver_kind<VirtioBlock>("virtio-blk", "blk");

}  // namespace drivers
