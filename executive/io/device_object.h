// DeviceObject: a named device (\Device\blk0) and the requests in flight to
// whichever driver instance serves it now.
//
// Request slots: a fixed table of kSlots; each slot owns a kSlotBytes piece
// of the transfer area, so a request's data never moves once its slot is
// taken. A client takes a free slot, fills it, submits and sleeps on the
// slot's queue until complete() marks it done.
//
// Gate: while the device is switching modes or restarting a crashed
// server, new requests wait at the gate (state != running) instead of
// failing; in-flight requests are drained (switch) or replayed (restart).
// Parked requests (a keyboard read waiting for a key) would never drain:
// the switch asks the driver to hand them back (kIoCancelled), keeps them
// as `carried` and submits them to whichever instance runs next.
//
// Locking: `lock_` (a spinlock taken with interrupts off) protects the
// slots, the state and the counters. It is a leaf: complete() may be called
// with the IPC lock held (server replies) or from an interrupt handler
// (kernel mode), so nothing that takes another lock runs under it, and
// backends are never called with it held.
#pragma once

#include <cstddef>
#include <cstdint>

#include "drivers/driver.h"
#include "driver_backend.h"
#include "executive/io_manager.h"
#include "microcore/personality.h"
#include "rtl/rate_limit.h"
#include "rtl/spinlock.h"

namespace executive::io {

enum class DeviceState : uint8_t { starting, running, switching, restarting, failed };
const char* state_name(DeviceState state);

struct DeviceCounters {
  uint64_t served = 0;       // requests completed successfully
  uint64_t errors = 0;       // completed with an error status (bad input included)
  uint64_t bytes = 0;
  uint64_t restarts = 0;     // crash/hang/bad-reply recoveries
  uint64_t replayed = 0;     // requests resubmitted after a restart
  uint64_t switches = 0;
  uint64_t faults_injected = 0;
  uint64_t last_pause_ns = 0;     // of the last switch
  uint64_t last_restart_ns = 0;   // failure detected -> new instance serving
};

class DeviceObject {
 public:
  static constexpr size_t kSlots = 32;
  static constexpr size_t kSlotBytes = 64 * 1024;
  static constexpr size_t kTransferBytes = kSlots * kSlotBytes;

  // --- for the backends ---
  const char* name() const { return name_; }
  const drivers::DriverKind& kind() const { return *kind_; }
  const drivers::DeviceInfo& info() const { return info_; }
  drivers::Memory transfer() const { return transfer_; }
  drivers::Memory persistent() const { return persistent_; }
  // A request is done (status and transferred filled in). Unknown or stale
  // tags are ignored and counted: the backend must not invent requests.
  void complete(const drivers::IoRequest& request);
  // The instance died, hung or lied; called once per backend. The
  // supervisor restarts it and replays what was in flight.
  void backend_failed(DriverBackend& backend, const char* reason);

  // --- for the I/O manager ---
  static rtl::Result<DeviceObject*> create(const drivers::DriverKind& kind, const drivers::DeviceInfo& info,
                                           unsigned index);
  rtl::Result<void> start(DriverMode mode);
  // One request of at most kSlotBytes; writes copy the client's data into
  // the slot first, reads copy the answer out of it.
  rtl::Result<size_t> transfer_request(drivers::IoOperation operation, uint64_t offset, ClientBuffer buffer,
                                       size_t length);
  rtl::Result<SwitchReport> switch_mode(DriverMode mode);
  rtl::Result<void> inject(drivers::protocol::Fault fault);
  // Restarts a failed backend (supervisor thread only).
  void recover();
  bool needs_recovery() const { return failed_backend_ != nullptr; }
  size_t describe(char* out, size_t capacity);
  drivers::Geometry geometry() const { return geometry_; }
  DriverMode mode() const { return mode_; }

 private:
  struct Slot {
    // abandoned: submitted, but its client stopped waiting (a signal); the
    // completion frees it. carried: a parked request the old instance
    // handed back during a switch; its client still waits.
    enum class Use : uint8_t { free, submitted, done, abandoned, carried } use = Use::free;
    uint32_t generation = 0;
    drivers::IoRequest request;
    microcore::WaitQueue* done = nullptr;
  };
  DeviceObject() = default;
  uint64_t tag_for(size_t slot) const { return (uint64_t{slots_[slot].generation} << 8) | slot; }
  rtl::Result<size_t> take_slot(DriverBackend** backend);
  void submit_and_wait(size_t slot, DriverBackend& backend);
  void end_submitting();  // undoes take_slot's count of callers not yet submitted
  void release_slot(size_t slot);
  void free_slot_locked(Slot& slot);
  size_t in_flight_locked() const;
  void count_completion_locked(int32_t status, uint32_t transferred, uint32_t length);
  void log_device_failure(const drivers::IoRequest& request, DriverMode mode, uint64_t suppressed) const;
  void wait_for_submitters();
  bool cancel_parked_once();
  void resubmit_carried(DriverBackend& backend);
  void reopen(DeviceState state);
  rtl::Result<DriverBackend*> start_backend(DriverMode mode, const drivers::SavedState* state);
  void open_gate(DeviceState state);

  char name_[16] = {};
  const drivers::DriverKind* kind_ = nullptr;
  drivers::DeviceInfo info_;
  drivers::Memory transfer_;
  drivers::Memory persistent_;
  drivers::Geometry geometry_;

  mutable rtl::Spinlock lock_;  // protects everything below
  DeviceState state_ = DeviceState::starting;
  DriverMode mode_ = DriverMode::kernel;
  DriverBackend* backend_ = nullptr;
  DriverBackend* failed_backend_ = nullptr;  // set by backend_failed until recover()
  const char* failure_reason_ = "";
  bool fail_next_start_ = false;  // drvctl inject DEV fail-start, consumed by start_backend
  // Clients between taking a slot and backend_->submit() returning: a
  // backend is destroyed only once this is zero.
  uint32_t submitting_ = 0;
  uint64_t stale_completions_ = 0;
  // Device failures logged: 10 lines per 5 s at most, like printk_ratelimit.
  rtl::RateLimit failure_log_{5'000'000'000, 10};
  uint64_t failed_at_ns_ = 0;
  Slot slots_[kSlots];
  // Bit i set exactly when slots_[i].use is free: take_slot finds one in
  // a step, not a scan of a table that is nearly full at queue depth 32.
  uint32_t free_slots_ = ~0u;
  static_assert(kSlots == 32, "free_slots_ has one bit per slot");
  microcore::WaitQueue* gate_ = nullptr;     // clients waiting for a slot or for `running`
  microcore::WaitQueue* drained_ = nullptr;  // a switch waiting for in-flight requests
  DeviceCounters counters_;
};

// The supervisor thread restarts failed backends (supervisor.cpp).
void start_supervisor();
void wake_supervisor();

}  // namespace executive::io
