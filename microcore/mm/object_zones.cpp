// Kernel object zones (see microcore/object_zones.h).
//
// Construction order: the registry is declared before the zones in this
// file, so it is constructed first; the zones register themselves from
// their holder's constructor. None of these is ever destroyed (the kernel
// does not exit), so the holders' storage is never torn down either.
#include "microcore/object_zones.h"

#include "hal/memory_layout.h"
#include "microcore/physical_memory.h"
#include "rtl/spinlock.h"

namespace microcore {
namespace {

void* allocate_zone_page(void*) {
  auto frame = allocate_frame();
  return frame.is_ok() ? hal::phys_to_ptr<void>(frame.value()) : nullptr;
}

void free_zone_page(void*, void* page) { free_frame(reinterpret_cast<uintptr_t>(page) - hal::kDirectMapBase); }

struct Registry {
  rtl::IntrusiveList<Zone, &Zone::registry_node> zones;
};
// Every registered zone; the zones themselves lock their own counters.
rtl::SpinlockProtected<Registry> g_registry;

// Holds a zone without ever running its destructor (Zone's destructor
// asserts the zone is empty, which a kernel global never needs to be).
template <typename T>
union Forever {
  explicit Forever(const char* name) : zone(name, kernel_zone_page_source()) { register_zone(zone.zone()); }
  ~Forever() {}
  TypedZone<T> zone;
};

Forever<Thread> g_threads("thread");
Forever<Task> g_tasks("task");

}  // namespace

ZonePageSource kernel_zone_page_source() { return {nullptr, allocate_zone_page, free_zone_page}; }

TypedZone<Thread>& thread_zone() { return g_threads.zone; }
TypedZone<Task>& task_zone() { return g_tasks.zone; }

void register_zone(Zone& zone) {
  g_registry.with([&](Registry& registry) { registry.zones.push_back(zone); });
}

void zone_statistics(void (*visit)(const ZoneStatistics&, void*), void* context) {
  g_registry.with([&](Registry& registry) {
    for (Zone& zone : registry.zones) visit(zone.statistics(), context);
  });
}

}  // namespace microcore
