// ServerBackend: a driver instance in its own Ring 3 task (drvserver,
// drivers/server/), the server half of "one driver, two modes".
//
//   start    spawn drvserver (server_task.cpp), send kStart, wait for
//            kStarted (kStartTimeoutNs)
//   submit   record the request in the ledger, queue it in the request
//            ring, raise kDoorbellSignal if the server sleeps
//            (request_ring.h; a kParked answer takes it off the watchdog's
//            clock)
//   cancel   kCancelParked: parked requests come back as kIoCancelled
//   complete the server publishes completions in the ring; we take them
//            each time it enters a receive on its request port (the port's
//            receive hook, in its mach_msg), check each against the ledger
//            (server_replies.h) and complete the request at once
//   replies  the other answers arrive on a kernel port
//            (microcore/ipc/kernel_port.h): deliver runs in the server's
//            mach_msg, takes the completions published before, then checks
//            the reply
//   failure  a bad reply, the task's death (exit observer) or the watchdog
//            (server_watchdog.cpp) mark the backend failed, once; then it
//            completes nothing and the device object replays
//   stop     kStop, wait for kStopped (kStopTimeoutNs)
//   destroy  kill the task, wait for it to be gone, drop ports, free
//
// Locking: `lock_` protects the fields below it. It is taken under the IPC
// lock (deliver) and under the server registry's lock (watchdog, exit
// observer), and takes the device object's lock (complete, backend_failed)
// and the task list's (kill_task) under it. Order:
//   server registry -> IPC -> ServerBackend::lock_ -> device object / tasks
// Nothing that takes the IPC lock or the registry lock runs under lock_.
#pragma once

#include "device_object.h"
#include "driver_backend.h"
#include "drivers/server_protocol.h"
#include "microcore/task.h"
#include "microcore/wait_queue.h"
#include "rtl/spinlock.h"
#include "server_replies.h"

namespace microcore::ipc {
struct Port;
}

namespace executive::io {

inline constexpr uint64_t kStartTimeoutNs = 5'000'000'000;
inline constexpr uint64_t kStopTimeoutNs = 2'000'000'000;
inline constexpr uint64_t kExitTimeoutNs = 2'000'000'000;
// The watchdog's limits: a request in flight or a liveness probe
// unanswered this long means the server hangs. Measured on the server's
// clock, guest time less its waits for the CPU (server_clock_locked).
inline constexpr uint64_t kRequestLimitNs = 500'000'000;
inline constexpr uint64_t kProbeLimitNs = 500'000'000;
inline constexpr uint64_t kProbeIntervalNs = 1'000'000'000;

// What spawning a server produced (server_task.cpp).
struct ServerTask {
  uint64_t task_id = 0;
  microcore::ipc::Port* requests = nullptr;     // the kernel's send right to the server's port
  microcore::ipc::Port* kernel_port = nullptr;  // replies come here
  uint64_t transfer_address = 0;                // in the task
  uint64_t persistent_address = 0;              // in the task; 0 when there is none
  drivers::RequestRing* ring = nullptr;         // the kernel's view (direct map)
  uint64_t ring_physical = 0;
  uint64_t ring_address = 0;             // in the task
  microcore::Task* suspended = nullptr;  // until resume_server_task
};
// What the kernel runs on a server's behalf, under the IPC lock in the
// server's mach_msg: `deliver` for each message to the kernel port,
// `receiving` each time it enters a receive on its request port.
struct ServerCallbacks {
  void (*deliver)(void* context, int32_t id, const void* body, size_t size);
  void (*receiving)(void* context);
  void* context;
};
// Spawns drvserver suspended for `device`, grants it the device's
// resources, maps its memory and makes its ports, with `callbacks`
// attached. Nothing is left behind on error. The task runs once
// resume_server_task is called (after the caller can observe its death).
rtl::Result<ServerTask> spawn_server_task(DeviceObject& device, const ServerCallbacks& callbacks);
void resume_server_task(ServerTask& task);
// Releases the kernel's ports (the task must be dead or dying); the
// callbacks are never called again once it returns.
void release_server_ports(ServerTask& task);
// Frees the request ring's page: only once the task is gone or never ran,
// since it stays mapped in the task until then.
void release_server_ring(ServerTask& task);

class ServerBackend final : public DriverBackend {
 public:
  explicit ServerBackend(DeviceObject& device) : device_(device) {}

  drivers::StartStatus start(const drivers::SavedState* state, bool injected_failure,
                             drivers::Geometry* geometry) override;
  void submit(drivers::IoRequest& request) override;
  void cancel_parked() override;
  bool stop(drivers::SavedState& state) override;
  void inject(drivers::protocol::Fault fault) override;
  void destroy() override;
  DriverMode mode() const override { return DriverMode::server; }

  // For the registry (server_watchdog.cpp), under its lock.
  void task_ended(uint64_t task_id);
  void watch(uint64_t now_ns);

 private:
  enum class Phase : uint8_t { spawning, starting, running, stopping, stopped };
  static void deliver(void* context, int32_t id, const void* body, size_t size);
  void on_reply(int32_t id, const void* body, size_t size);
  static void receiving(void* context);  // the request port's receive hook
  void take_completions_locked();
  // Under lock_: marks the backend failed (once) and tells whoever waits.
  void fail_locked(const char* reason);
  // Sleeps until `done` (read under lock_) or failure or the deadline.
  void wait_for_answer(const bool& done, uint64_t deadline_ns);
  void send(int32_t id, const void* body, size_t size);
  microcore::WakePlacement doorbell_wake(bool device_busy) const;
  uint64_t server_clock_locked(uint64_t now_ns);

  DeviceObject& device_;
  ServerTask task_;               // set by start(), released by destroy()
  microcore::WaitQueue answers_;  // start/stop/destroy wait here

  rtl::Spinlock lock_;  // protects everything below
  Phase phase_ = Phase::spawning;
  bool failed_ = false;
  uint64_t live_task_id_ = 0;  // 0 once the exit observer saw the task go
  bool started_ = false;
  drivers::protocol::StartedBody started_body_{};
  bool stopped_ = false;
  drivers::SavedState saved_;
  RequestLedger ledger_;
  drivers::RequestRingProducer ring_;  // requests to the server, completions back
  uint32_t probes_ = 0;                // liveness probes unanswered
  uint64_t probe_since_ns_ = 0;        // when the oldest of them was sent (server clock)
  uint64_t last_probe_ns_ = 0;         // guest time
  // The watchdog's clock (server_clock_locked); the ledger's times are on it.
  uint64_t server_clock_ns_ = 0;
};

// The registry of live server backends (server_watchdog.cpp).
rtl::Result<void> register_server(ServerBackend& backend);
void unregister_server(ServerBackend& backend);

// The watchdog, run by the supervisor thread at least every
// kWatchPeriodNs while it returns true (some server exists; registering
// one wakes the supervisor): a server with a request in flight too long,
// or a liveness probe unanswered, is killed and reported hung; idle
// servers are probed now and then.
inline constexpr uint64_t kWatchPeriodNs = 50'000'000;
bool watch_servers(uint64_t now_ns);

}  // namespace executive::io
