// The null device: completes every request at once without touching data.
// Whatever a round trip through it costs is the framework's own overhead
// (the I/O manager, and in server mode the messages), which is what the
// driver benchmarks subtract from real devices.
#include "drivers/catalog.h"

namespace drivers {
namespace {

class NullDevice final : public Driver {
 public:
  StartStatus start(DeviceHost& host, const DeviceInfo&, const SavedState*) override {
    host_ = &host;
    return StartStatus::ok;
  }
  void submit(IoRequest& request) override {
    // Reads see end-of-file like /dev/null; writes are swallowed whole.
    request.status = kIoOk;
    request.transferred = request.operation == IoOperation::write ? request.length : 0;
    host_->complete(request);
  }
  void interrupt() override {}
  void stop(SavedState& state) override { state.size = 0; }
  Geometry geometry() const override { return {}; }

 private:
  DeviceHost* host_ = nullptr;
};

}  // namespace

const DriverKind kNullDriver = make_driver_kind<NullDevice>("null", "null");

}  // namespace drivers
