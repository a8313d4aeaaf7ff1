// DriverBackend: one running instance of a driver behind a DeviceObject, in
// the kernel (kernel_backend.cpp) or in a server task (server_backend.cpp).
// The device object owns it and replaces it on a mode switch or restart.
//
// Contract:
//  - start() blocks until the driver is up (or failed; a server that does
//    not answer in time counts as failed) and reports its geometry.
//    `injected_failure` (drvctl inject DEV fail-start) makes this instance
//    fail its start the way a broken driver would.
//  - submit() hands a request over and returns; the completion comes back
//    through DeviceObject::complete(), from any context (interrupt handler,
//    the IPC path), exactly once per request unless the backend fails.
//  - A backend that fails (server died, hung, answered garbage) calls
//    DeviceObject::backend_failed() once and completes nothing afterwards;
//    the device object replays the requests it still had in flight.
//  - cancel_parked() asks the driver to hand back its parked requests
//    (drivers/driver.h); they come back through complete() as kIoCancelled.
//  - stop() is called only with no request in flight; false means the
//    driver refused or did not answer (the caller rolls back).
//  - destroy() ends the instance and frees the backend, in any state.
// No method is called with the device object's lock held.
#pragma once

#include "drivers/driver.h"
#include "drivers/server_protocol.h"
#include "executive/io_manager.h"

namespace executive::io {

class DriverBackend {
 public:
  virtual drivers::StartStatus start(const drivers::SavedState* state, bool injected_failure,
                                     drivers::Geometry* geometry) = 0;
  virtual void submit(drivers::IoRequest& request) = 0;
  virtual void cancel_parked() = 0;
  virtual bool stop(drivers::SavedState& state) = 0;
  virtual void inject(drivers::protocol::Fault fault) = 0;
  virtual void destroy() = 0;
  virtual DriverMode mode() const = 0;

 protected:
  ~DriverBackend() = default;
};

rtl::Result<DriverBackend*> create_kernel_backend(DeviceObject& device);
rtl::Result<DriverBackend*> create_server_backend(DeviceObject& device);

}  // namespace executive::io
