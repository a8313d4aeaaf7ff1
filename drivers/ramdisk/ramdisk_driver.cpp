// A RAM disk: a block device whose sectors live in the host's persistent
// memory, so its contents survive a mode switch and a crashed server alike
// (the only state a restarted instance needs is already there).
//
// Requests are checked like a disk controller would: sector-aligned offset
// and length inside the capacity, data inside the transfer area.
#include <cstring>

#include "drivers/catalog.h"

namespace drivers {
namespace {

constexpr uint32_t kSectorBytes = 512;
constexpr uint64_t kDefaultBytes = 4 * 1024 * 1024;  // one contiguous block: the largest the buddy gives

class RamDisk final : public Driver {
 public:
  static uint64_t persistent_bytes(const DeviceInfo& info) {
    return info.parameter ? info.parameter : kDefaultBytes;
  }

  StartStatus start(DeviceHost& host, const DeviceInfo&, const SavedState*) override {
    host_ = &host;
    disk_ = host.persistent();
    transfer_ = host.transfer();
    if (!disk_.cpu || disk_.size < kSectorBytes) return StartStatus::no_memory;
    return StartStatus::ok;
  }

  void submit(IoRequest& request) override {
    request.status = check(request);
    request.transferred = 0;
    if (request.status == kIoOk) {
      uint8_t* data = transfer_.cpu + request.buffer;
      uint8_t* sector = disk_.cpu + request.offset;
      if (request.operation == IoOperation::read) memcpy(data, sector, request.length);
      if (request.operation == IoOperation::write) memcpy(sector, data, request.length);
      request.transferred = request.operation == IoOperation::flush ? 0 : request.length;
    }
    host_->complete(request);
  }

  void interrupt() override {}
  void stop(SavedState& state) override { state.size = 0; }
  Geometry geometry() const override { return {disk_.size, kSectorBytes}; }

 private:
  int32_t check(const IoRequest& request) const {
    if (request.operation == IoOperation::flush) return kIoOk;
    if (request.operation != IoOperation::read && request.operation != IoOperation::write)
      return kIoNotSupported;
    if (request.offset % kSectorBytes || request.length % kSectorBytes) return kIoBadRequest;
    if (request.offset > disk_.size || request.length > disk_.size - request.offset) return kIoBadRequest;
    if (!fits_transfer(request, transfer_)) return kIoBadRequest;
    return kIoOk;
  }

  DeviceHost* host_ = nullptr;
  Memory disk_;
  Memory transfer_;
};

}  // namespace

const DriverKind kRamDiskDriver = make_driver_kind<RamDisk>("ramdisk", "rd");

}  // namespace drivers
