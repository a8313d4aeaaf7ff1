// The driver supervisor: one kernel thread that restarts failed driver
// instances. Backends report failures from wherever they notice them (the
// IPC path, a watchdog, a task's death) and must not block there, so the
// slow part — killing, starting, replaying — happens here.
#include "device_object.h"
#include "server_backend.h"
#include "rtl/log.h"
#include "rtl/platform.h"

namespace executive::io {
namespace {

microcore::WaitQueue* g_wakeup = nullptr;
bool g_pending = false;  // set by wake_supervisor; read and cleared with interrupts off

// Wakes for a failure report, and every kWatchPeriodNs while driver
// servers exist, for their watchdog (which reports hangs here in turn).
// With no server it sleeps until woken: no periodic noise for the rest.
void supervise(void*) {
  bool watching = false;
  for (;;) {
    rtl::platform::IrqState interrupts = rtl::platform::irq_save();
    if (!__atomic_exchange_n(&g_pending, false, __ATOMIC_ACQ_REL))
      (void)microcore::wait_on(*g_wakeup, watching ? microcore::now_ns() + kWatchPeriodNs : 0);
    rtl::platform::irq_restore(interrupts);
    for (size_t i = 0; i < device_count(); ++i)
      if (device_at(i)->needs_recovery()) device_at(i)->recover();
    watching = watch_servers(microcore::now_ns());
  }
}

}  // namespace

void start_supervisor() {
  auto queue = microcore::create_wait_queue();
  if (queue.is_error()) {
    rtl::pr_err("io: no supervisor ({}): crashed servers will not be restarted", queue.error().what());
    return;
  }
  g_wakeup = queue.value();
  // Above user threads: a crashed server is restarted, and a hung one
  // found, however busy the CPU is (the watchdog's clock leaves out the
  // time a server waits for the CPU, not the time the watchdog does).
  if (auto started = microcore::start_kernel_thread(supervise, nullptr, true); started.is_error())
    rtl::pr_err("io: no supervisor ({}): crashed servers will not be restarted", started.error().what());
}

void wake_supervisor() {
  __atomic_store_n(&g_pending, true, __ATOMIC_RELEASE);
  if (g_wakeup) microcore::wake_waiters(*g_wakeup);
}

}  // namespace executive::io
