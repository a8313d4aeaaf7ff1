// Server mode arrives with drivers/server (the driver server program): until
// then asking for it is a clear error, and the device stays in kernel mode.
#include "driver_backend.h"

namespace executive::io {

rtl::Result<DriverBackend*> create_server_backend(DeviceObject&) {
  return rtl::Error(rtl::Errc::not_supported, "server mode is not built yet");
}

}  // namespace executive::io
