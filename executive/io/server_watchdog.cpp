// The registry of live server backends: how a task's death and the
// watchdog's verdicts find the backend concerned (see server_backend.h).
//
// Locking: g_registry's lock protects the table and is the outermost of
// the server locks (registry -> IPC -> backend -> device object). A backend
// leaves the table in destroy() before it is freed, so nothing found here
// is stale.
#include "server_backend.h"
#include "microcore/task.h"

namespace executive::io {
namespace {

constexpr size_t kMaxServers = 32;

struct Registry {
  ServerBackend* backends[kMaxServers] = {};
  bool observing = false;  // the task exit observer is installed
};
rtl::SpinlockProtected<Registry> g_registry;

// A task ended (microcore exit observer: no lock held, must not block).
void on_task_exit(microcore::Task& task) {
  uint64_t id = task.id();
  g_registry.with([&](Registry& registry) {
    for (ServerBackend* backend : registry.backends)
      if (backend) backend->task_ended(id);
  });
}

}  // namespace

rtl::Result<void> register_server(ServerBackend& backend) {
  bool install = false;
  bool stored = g_registry.with([&](Registry& registry) {
    install = !registry.observing;
    registry.observing = true;
    for (ServerBackend*& slot : registry.backends) {
      if (!slot) {
        slot = &backend;
        return true;
      }
    }
    return false;
  });
  // Installed outside the lock (boot-time slot table); before any server
  // can run, since the first registration precedes the first resume.
  if (install) TRY(microcore::add_task_exit_observer(on_task_exit));
  if (!stored) return rtl::Error(rtl::Errc::too_big, "server registry full");
  wake_supervisor();  // it watches only while servers exist
  return {};
}

void unregister_server(ServerBackend& backend) {
  g_registry.with([&](Registry& registry) {
    for (ServerBackend*& slot : registry.backends)
      if (slot == &backend) slot = nullptr;
  });
}

bool watch_servers(uint64_t now_ns) {
  return g_registry.with([&](Registry& registry) {
    bool any = false;
    for (ServerBackend* backend : registry.backends) {
      if (!backend) continue;
      backend->watch(now_ns);
      any = true;
    }
    return any;
  });
}

}  // namespace executive::io
