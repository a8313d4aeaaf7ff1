// Live mode switch: the running instance hands its device to an instance in
// the other mode while clients keep issuing requests.
//
//   1. close the gate: new requests wait (state switching);
//   2. drain: wait until every request in flight has completed, after
//      asking the driver once to hand back its parked requests (they are
//      carried, not completed, and go to the instance that runs next);
//   3. stop the old instance, which saves its state, and end it;
//   4. start the new instance with that state;
//   5. open the gate.
// If the old instance will not drain or stop, nothing changed: the gate
// reopens in the old mode. If the new instance never comes up, a fresh
// instance in the old mode takes the saved state back (rolled back).
// Requests are never failed by a switch: they only wait.
#include "device_object.h"
#include "rtl/format.h"
#include "rtl/log.h"
#include "rtl/platform.h"

namespace executive::io {

namespace {
constexpr uint64_t kDrainTimeoutNs = 2'000'000'000;
}

rtl::Result<SwitchReport> DeviceObject::switch_mode(DriverMode mode) {
  uint64_t started_ns = microcore::now_ns();
  {
    rtl::SpinlockGuard guard(lock_);
    if (state_ != DeviceState::running)
      return rtl::Error(rtl::Errc::busy, "a switch or restart is under way");
    if (mode == mode_) return rtl::Error(rtl::Errc::already_exists, "already in that mode");
    state_ = DeviceState::switching;
  }
  SwitchReport report{mode_, mode, 0, 0, false};

  uint64_t deadline = started_ns + kDrainTimeoutNs;
  bool cancelled = false;
  for (;;) {
    if (!cancelled) cancelled = cancel_parked_once();
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    lock_.lock();
    bool drained = in_flight_locked() == 0 && submitting_ == 0;
    bool failed = failed_backend_ != nullptr;
    lock_.unlock();
    if (drained || failed || microcore::now_ns() >= deadline) {
      rtl::platform::irq_restore(interrupts);
      if (drained && !failed) break;
      reopen(failed ? DeviceState::restarting : DeviceState::running);
      return rtl::Error(rtl::Errc::timed_out, failed ? "the driver failed during the switch"
                                                     : "requests in flight did not drain");
    }
    (void)microcore::wait_on(*drained_, deadline);
    rtl::platform::irq_restore(interrupts);
  }

  DriverBackend* old = backend_;
  drivers::SavedState saved;
  if (!old->stop(saved)) {
    reopen(DeviceState::running);
    return rtl::Error(rtl::Errc::busy, "the driver refused to stop; it keeps running in its mode");
  }
  // The old instance is gone before the new one starts: a dead server's
  // teardown turns its device's DMA off, which must not hit the successor.
  old->destroy();
  auto started = start_backend(mode, &saved);
  DriverBackend* fresh = started.is_ok() ? started.value() : nullptr;
  if (!fresh) {
    rtl::pr_warn("io: {}: the {} instance did not come up ({}); rolling back to {}", name_, mode_name(mode),
                 started.error().what(), mode_name(report.from));
    auto back = start_backend(report.from, &saved);
    fresh = back.is_ok() ? back.value() : nullptr;
    report.rolled_back = true;
    mode = report.from;
  }
  {
    rtl::SpinlockGuard guard(lock_);
    backend_ = fresh;
    mode_ = mode;
    ++counters_.switches;
    report.pause_ns = microcore::now_ns() - started_ns;
    counters_.last_pause_ns = report.pause_ns;
  }
  if (!fresh) {
    rtl::pr_err("io: {}: no instance in either mode came up", name_);
    open_gate(DeviceState::failed);
    return rtl::Error(rtl::Errc::no_device, "the driver came up in neither mode");
  }
  reopen(DeviceState::running);
  if (report.rolled_back) {
    rtl::pr_warn("io: {}: back in {} mode after {}.{:03} ms, {} requests failed", name_, mode_name(mode),
                 report.pause_ns / 1000000, report.pause_ns / 1000 % 1000, report.requests_failed);
    return rtl::Error(rtl::Errc::io_error, "the new instance did not come up; rolled back to the old mode");
  }
  rtl::pr_info("io: {}: {} -> {} in {}.{:03} ms, {} requests failed", name_, mode_name(report.from),
               mode_name(report.to), report.pause_ns / 1000000, report.pause_ns / 1000 % 1000,
               report.requests_failed);
  return report;
}

// Once no client is between taking a slot and submitting (so every request
// reached the instance before this), asks it for its parked requests.
// True once asked, or when there is nothing to ask for.
bool DeviceObject::cancel_parked_once() {
  DriverBackend* backend = nullptr;
  {
    rtl::SpinlockGuard guard(lock_);
    if (failed_backend_) return true;  // the restart replays them
    if (submitting_) return false;
    if (in_flight_locked() == 0) return true;
    backend = backend_;
    ++submitting_;  // keeps the instance alive across the call (recover waits)
  }
  backend->cancel_parked();
  {
    rtl::SpinlockGuard guard(lock_);
    --submitting_;
  }
  microcore::wake_waiters(*drained_);
  return true;
}

// Carried requests go to `backend` before the gate opens: they are older
// than anything waiting there.
void DeviceObject::resubmit_carried(DriverBackend& backend) {
  size_t indexes[kSlots];
  size_t count = 0;
  {
    rtl::SpinlockGuard guard(lock_);
    for (size_t i = 0; i < kSlots; ++i) {
      if (slots_[i].use != Slot::Use::carried) continue;
      slots_[i].use = Slot::Use::submitted;
      slots_[i].request.status = drivers::kIoOk;
      slots_[i].request.transferred = 0;
      indexes[count++] = i;
    }
    submitting_ += static_cast<uint32_t>(count);
  }
  for (size_t i = 0; i < count; ++i) backend.submit(slots_[indexes[i]].request);
  {
    rtl::SpinlockGuard guard(lock_);
    submitting_ -= static_cast<uint32_t>(count);
  }
  microcore::wake_waiters(*drained_);
}

// The end of a switch, whatever its outcome: running again (carried
// requests to the current instance), restarting (the supervisor replays
// them) or failed (open_gate fails them).
void DeviceObject::reopen(DeviceState state) {
  if (state == DeviceState::running && backend_) resubmit_carried(*backend_);
  open_gate(state);
}

rtl::Result<void> DeviceObject::inject(drivers::protocol::Fault fault) {
  DriverBackend* backend = nullptr;
  {
    rtl::SpinlockGuard guard(lock_);
    if (state_ != DeviceState::running) return rtl::Error(rtl::Errc::busy, "a switch or restart is under way");
    if (fault == drivers::protocol::Fault::fail_start) {
      // Not the running instance's fault but its successor's, whichever
      // mode it starts in (a switch, or a restart after a crash).
      fail_next_start_ = true;
      ++counters_.faults_injected;
      return {};
    }
    backend = backend_;
    ++submitting_;
    ++counters_.faults_injected;
  }
  rtl::pr_warn("io: {}: injecting a fault ({} mode)", name_, mode_name(mode_));
  backend->inject(fault);
  {
    rtl::SpinlockGuard guard(lock_);
    --submitting_;
  }
  microcore::wake_waiters(*drained_);
  return {};
}

size_t DeviceObject::describe(char* out, size_t capacity) {
  rtl::SpinlockGuard guard(lock_);
  size_t pending = in_flight_locked();
  return rtl::format_to_buffer(out, capacity, "{:<7} {:<11} {:<6} {:<10} {:>9} {:>7} {:>6} {:>8} {:>8} {:>8} {:>9} {:>10} {:>6}\n",
                               name_, kind_->name, mode_name(mode_), state_name(state_), counters_.served, pending,
                               counters_.errors, counters_.restarts, counters_.replayed, counters_.switches,
                               counters_.last_pause_ns / 1000, counters_.last_restart_ns / 1000,
                               counters_.faults_injected);
}

}  // namespace executive::io
