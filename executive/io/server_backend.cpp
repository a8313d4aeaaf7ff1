// The server backend's protocol side (see server_backend.h): what the
// kernel sends a driver server, and what it makes of the answers.
#include "server_backend.h"

#include "microcore/abi/message.h"
#include "microcore/ipc_glue.h"
#include "microcore/personality.h"
#include "microcore/scheduler.h"
#include "microcore/task.h"
#include "rtl/log.h"
#include "rtl/own_ptr.h"
#include "rtl/platform.h"

namespace executive::io {

namespace protocol = drivers::protocol;

// Kernel messages carry whole 32-bit words.
static_assert(sizeof(protocol::StartBody) % 4 == 0 && sizeof(drivers::IoRequest) % 4 == 0);
static_assert(sizeof(protocol::InjectBody) % 4 == 0);
static_assert(protocol::kDoorbellSignal == AMPHI_SIGNAL_SERVICE(0));
static_assert(RequestLedger::kCapacity >= DeviceObject::kSlots);
static_assert(drivers::RequestRing::kEntries >= RequestLedger::kCapacity);

namespace {
constexpr int kKilledStatus = 137;  // as a shell reports SIGKILL
}  // namespace

void ServerBackend::deliver(void* context, int32_t id, const void* body, size_t size) {
  static_cast<ServerBackend*>(context)->on_reply(id, body, size);
}

void ServerBackend::receiving(void* context) {
  auto* backend = static_cast<ServerBackend*>(context);
  rtl::SpinlockGuard guard(backend->lock_);
  backend->take_completions_locked();
}

// The completions the server published in the ring since we last looked,
// in its order. Runs under the IPC lock in the server's context: from its
// receive (the request port's hook) or its message to our port, before we
// hear what the message says.
void ServerBackend::take_completions_locked() {
  if (failed_ || stopped_ || (phase_ != Phase::running && phase_ != Phase::stopping)) return;
  ReplyVerdict verdict = ledger_.accept_completions(
      ring_, [this](const drivers::IoRequest& done) { device_.complete(done); });
  if (verdict != ReplyVerdict::ok) {
    rtl::pr_warn("io: {}: server completion refused: {}", device_.name(), verdict_name(verdict));
    fail_locked("bad reply");
  }
}

// Runs under the IPC lock, in the server's mach_msg (kernel_port.h).
void ServerBackend::on_reply(int32_t id, const void* body, size_t size) {
  rtl::SpinlockGuard guard(lock_);
  // What the server completed before it sent this comes first.
  take_completions_locked();
  if (failed_ || stopped_) return;  // a failed server is not listened to
  ReplyVerdict verdict = ReplyVerdict::ok;
  if (id == protocol::kStarted && phase_ == Phase::starting && !started_) {
    verdict = check_started(body, size, &started_body_);
    started_ = verdict == ReplyVerdict::ok;
  } else if (id == protocol::kStopped && phase_ == Phase::stopping) {
    verdict = check_stopped(body, size, &saved_);
    stopped_ = verdict == ReplyVerdict::ok;
  } else if (id == protocol::kParked && (phase_ == Phase::running || phase_ == Phase::stopping)) {
    verdict = ledger_.park(body, size);
  } else if (id == protocol::kAlive && probes_ > 0 && size == 0) {
    if (--probes_ == 0) probe_since_ns_ = 0;
  } else {
    verdict = ReplyVerdict::unknown_tag;  // an id we did not ask for
  }
  if (verdict != ReplyVerdict::ok) {
    rtl::pr_warn("io: {}: server reply {:#x} refused: {}", device_.name(), uint32_t(id),
                 verdict_name(verdict));
    fail_locked("bad reply");
    return;
  }
  if (started_ || stopped_) microcore::wake_all(answers_);
}

void ServerBackend::fail_locked(const char* reason) {
  if (failed_) return;
  failed_ = true;
  ledger_.clear();  // the device object replays what was in flight
  microcore::wake_all(answers_);
  // While starting, start() reports the failure itself; a stopped server's
  // end is expected.
  if (phase_ == Phase::running || phase_ == Phase::stopping) {
    rtl::pr_warn("io: {}: server (task {}) failed: {}", device_.name(), live_task_id_, reason);
    device_.backend_failed(*this, reason);
  }
}

void ServerBackend::wait_for_answer(const bool& done, uint64_t deadline_ns) {
  for (;;) {
    // Interrupts stay off from the check to the sleep: on one CPU nothing
    // can deliver the answer in between (deliver runs in another thread).
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    bool finished = false;
    {
      rtl::SpinlockGuard guard(lock_);
      finished = done || failed_;
    }
    if (finished || microcore::now_ns() >= deadline_ns) {
      rtl::platform::irq_restore(interrupts);
      return;
    }
    microcore::block_on(answers_, deadline_ns);
    rtl::platform::irq_restore(interrupts);
  }
}

void ServerBackend::send(int32_t id, const void* body, size_t size) {
  // A dead server's port swallows the message; its death is reported apart.
  if (task_.requests) microcore::ipc_send_kernel_message(task_.requests, id, body, size);
}

drivers::StartStatus ServerBackend::start(const drivers::SavedState* state, bool injected_failure,
                                          drivers::Geometry* geometry) {
  auto spawned = spawn_server_task(device_, {deliver, receiving, this});
  if (spawned.is_error()) {
    rtl::pr_err("io: {}: cannot start a driver server: {}", device_.name(), spawned.error().what());
    return drivers::StartStatus::failed;
  }
  task_ = spawned.value();
  ring_ = drivers::RequestRingProducer(task_.ring);
  {
    rtl::SpinlockGuard guard(lock_);
    live_task_id_ = task_.task_id;
    phase_ = Phase::starting;
  }
  if (register_server(*this).is_error()) {
    rtl::pr_err("io: {}: too many driver servers", device_.name());
    microcore::kill_task(task_.task_id, kKilledStatus);
    resume_server_task(task_);  // it ends before reaching user mode
    rtl::SpinlockGuard guard(lock_);
    live_task_id_ = 0;  // unobserved: destroy() must not wait for it
    failed_ = true;
    return drivers::StartStatus::failed;
  }
  resume_server_task(task_);  // registered first: its death is observed from the start
  protocol::StartBody body{};
  body.info = device_.info();
  body.has_state = state != nullptr;
  body.fail_start = injected_failure;
  if (state) body.state = *state;
  body.transfer_address = task_.transfer_address;
  body.transfer_device = device_.transfer().device;
  body.transfer_size = device_.transfer().size;
  body.persistent_address = task_.persistent_address;
  body.persistent_device = device_.persistent().device;
  body.persistent_size = task_.persistent_address ? device_.persistent().size : 0;
  body.ring_address = task_.ring_address;
  const char* kind = device_.kind().name;
  for (size_t i = 0; kind[i] && i + 1 < sizeof body.kind; ++i) body.kind[i] = kind[i];
  send(protocol::kStart, &body, sizeof body);
  wait_for_answer(started_, microcore::now_ns() + kStartTimeoutNs);

  rtl::SpinlockGuard guard(lock_);
  if (!started_ || failed_) {
    rtl::pr_err("io: {}: driver server (task {}) did not start{}", device_.name(), task_.task_id,
                failed_ ? "" : " in time");
    failed_ = true;
    return drivers::StartStatus::failed;
  }
  auto status = static_cast<drivers::StartStatus>(started_body_.status);
  if (status != drivers::StartStatus::ok) {
    failed_ = true;  // the server stays idle until destroy()
    return status;
  }
  phase_ = Phase::running;
  *geometry = started_body_.geometry;
  rtl::pr_info("io: {}: {} driver serving from task {} (drvserver)", device_.name(), kind,
               task_.task_id);
  return status;
}

void ServerBackend::submit(drivers::IoRequest& request) {
  bool ring_doorbell;
  bool device_busy;
  {
    rtl::SpinlockGuard guard(lock_);
    if (failed_) return;  // replayed after the restart
    device_busy = ledger_.outstanding() != 0;
    if (!ledger_.record(request, 0)) {  // the watchdog stamps it (stamp_unseen)
      // More than the device object's slots, or a tag twice: its bug, not
      // the server's. The request fails rather than vanishing.
      request.status = drivers::kIoError;
      request.transferred = 0;
      device_.complete(request);
      return;
    }
    // The ledger holds at most kEntries: no entry the server has yet to
    // read is overwritten (request_ring.h).
    ring_doorbell = ring_.push(request);
  }
  // A dead server's port ignores it; its death is reported apart.
  if (ring_doorbell && task_.requests)
    microcore::ipc_raise_signals(task_.requests, protocol::kDoorbellSignal,
                                 doorbell_wake(device_busy));
}

// Where the doorbell puts a sleeping server in the run queue. A server that
// passes requests on to hardware should run before the clients when the
// device has nothing else to do, or the device idles behind them. When the
// device is still working on earlier requests (`device_busy`: the server
// has some outstanding), it loses nothing by waiting at the back, and there
// it finds every ready client's request queued and passes them on in one
// pass: one wakeup and one notify for a burst instead of one each, which is
// what decides throughput at queue depth 32 once the CPU, not the disk, is
// the bottleneck. A server that serves from memory (a RAM disk, the null
// device) always waits at the back, for the same batching.
microcore::WakePlacement ServerBackend::doorbell_wake(bool device_busy) const {
  bool on_bus = device_.info().bus != drivers::DeviceInfo::Bus::virtual_device;
  return on_bus && !device_busy ? microcore::WakePlacement::front : microcore::WakePlacement::back;
}

void ServerBackend::cancel_parked() {
  {
    rtl::SpinlockGuard guard(lock_);
    if (failed_ || phase_ != Phase::running) return;
  }
  // The server takes every request already in the ring before it handles
  // this message.
  send(protocol::kCancelParked, nullptr, 0);
}

bool ServerBackend::stop(drivers::SavedState& state) {
  {
    rtl::SpinlockGuard guard(lock_);
    if (failed_ || phase_ != Phase::running) return false;
    phase_ = Phase::stopping;
  }
  send(protocol::kStop, nullptr, 0);
  wait_for_answer(stopped_, microcore::now_ns() + kStopTimeoutNs);
  rtl::SpinlockGuard guard(lock_);
  if (!stopped_) {
    // No answer: the caller keeps this instance, the watchdog judges it.
    if (!failed_) phase_ = Phase::running;
    return false;
  }
  phase_ = Phase::stopped;
  state = saved_;
  return true;
}

void ServerBackend::inject(protocol::Fault fault) {
  if (fault == protocol::Fault::none) {
    rtl::SpinlockGuard guard(lock_);
    if (probes_++ == 0) probe_since_ns_ = server_clock_locked(microcore::now_ns());
  }
  protocol::InjectBody body{fault};
  send(protocol::kInject, &body, sizeof body);
}

void ServerBackend::task_ended(uint64_t task_id) {
  rtl::SpinlockGuard guard(lock_);
  if (task_id != live_task_id_) return;
  if (!stopped_) fail_locked("crashed");  // logs the task's id: clear it after
  live_task_id_ = 0;
  microcore::wake_all(answers_);
}

// Guest time less what the server spent waiting for the CPU: the clock the
// watchdog judges it by. A server that is slow because busy threads hold
// the CPU (it waits in the ready queue behind them) is not hung; one that
// spins, or sleeps on a device that never answers, runs or blocks, and
// this clock runs on. Never goes back, even if the task's threads change.
uint64_t ServerBackend::server_clock_locked(uint64_t now_ns) {
  uint64_t waited = microcore::task_cpu_wait_ns(live_task_id_);
  uint64_t clock = now_ns > waited ? now_ns - waited : 0;
  if (clock > server_clock_ns_) server_clock_ns_ = clock;
  return server_clock_ns_;
}

void ServerBackend::watch(uint64_t now_ns) {
  {
    rtl::SpinlockGuard guard(lock_);
    if (failed_ || phase_ != Phase::running) return;
    uint64_t clock = server_clock_locked(now_ns);
    ledger_.stamp_unseen(clock);
    uint64_t oldest = ledger_.oldest_ns();
    bool request_hung = oldest && clock - oldest > kRequestLimitNs;
    bool probe_hung = probes_ && clock - probe_since_ns_ > kProbeLimitNs;
    if (request_hung || probe_hung) {
      microcore::kill_task(live_task_id_, kKilledStatus);
      fail_locked("hung");
      return;
    }
    if (probes_ || now_ns - last_probe_ns_ < kProbeIntervalNs) return;
    probes_ = 1;
    probe_since_ns_ = clock;
    last_probe_ns_ = now_ns;
  }
  protocol::InjectBody probe{protocol::Fault::none};
  send(protocol::kInject, &probe, sizeof probe);
}

void ServerBackend::destroy() {
  uint64_t task_id;
  {
    rtl::SpinlockGuard guard(lock_);
    phase_ = Phase::stopped;  // its end is no longer news
    stopped_ = true;
    task_id = live_task_id_;
  }
  if (task_id) microcore::kill_task(task_id, kKilledStatus);
  // Its grants (an interrupt line, DMA memory) go with the task; the next
  // instance may need them, so wait until it is really gone.
  uint64_t deadline = microcore::now_ns() + kExitTimeoutNs;
  bool gone = false;
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    {
      rtl::SpinlockGuard guard(lock_);
      gone = live_task_id_ == 0;
    }
    if (gone || microcore::now_ns() >= deadline) {
      rtl::platform::irq_restore(interrupts);
      if (!gone)
        rtl::pr_warn("io: {}: driver server (task {}) is slow to die", device_.name(), task_id);
      break;
    }
    microcore::block_on(answers_, deadline);
    rtl::platform::irq_restore(interrupts);
  }
  unregister_server(*this);     // the exit observer and watchdog forget us
  release_server_ports(task_);  // deliver is never called again
  // A task that would not die may still write its ring: leave it the page.
  if (gone) release_server_ring(task_);
  rtl::OwnPtr<ServerBackend>::adopt(this).reset();
}

rtl::Result<DriverBackend*> create_server_backend(DeviceObject& device) {
  auto backend = TRY(rtl::try_make<ServerBackend>(device));
  return static_cast<DriverBackend*>(backend.leak());
}

}  // namespace executive::io
