// Kernel-wide figures for the personalities (see executive/system_info.h).
#include "executive/system_info.h"

#include <cstring>

#include "executive/version.h"
#include "hal/clock.h"
#include "hal/cpu_identity.h"
#include "hal/trap.h"
#include "microcore/address_map_glue.h"
#include "microcore/physical_memory.h"
#include "microcore/scheduler.h"

namespace executive::system_info {

MemoryFigures memory() {
  microcore::FrameStatistics frames = microcore::frame_statistics();
  constexpr uint64_t kPage = microcore::BuddyAllocator::kPageSize;
  return {frames.managed_pages * kPage, frames.free_pages * kPage};
}

CpuFigures cpu() {
  const hal::CpuInfo& info = hal::cpu_info();
  CpuFigures figures{};
  memcpy(figures.vendor, info.vendor, sizeof figures.vendor);
  memcpy(figures.brand, info.brand, sizeof figures.brand);
  figures.family = info.family;
  figures.model = info.model;
  figures.stepping = info.stepping;
  figures.max_basic_leaf = info.max_basic_leaf;
  figures.tsc_hz = hal::clock::tsc_hz();
  figures.physical_address_bits = info.physical_address_bits;
  figures.linear_address_bits = info.linear_address_bits;
  return figures;
}

size_t format_cpu_flags(char* out, size_t capacity) { return hal::format_cpu_flags(hal::cpu_info(), out, capacity); }

SchedulerFigures scheduler() {
  microcore::SchedulerStatistics statistics = microcore::scheduler_statistics();
  return {statistics.idle_ns,      statistics.context_switches,
          statistics.user_ticks,   statistics.system_ticks,
          statistics.idle_ticks,   statistics.tick_hz,
          {statistics.load[0], statistics.load[1], statistics.load[2]},
          statistics.runnable,     statistics.threads};
}

uint64_t interrupts_on(uint8_t vector) {
  return hal::interrupt_count(vector);
}

const char* compiler() { return kCompiler; }

microcore::vm::MapStatistics task_memory(microcore::Task& task) {
  if (!task.address_map) return {};
  return microcore::address_map(task).statistics();
}

size_t task_regions(microcore::Task& task, microcore::vm::RegionInfo* out, size_t capacity) {
  if (!task.address_map) return 0;
  return microcore::address_map(task).regions(out, capacity);
}

}  // namespace executive::system_info
