// Kernel-wide figures for the personalities' reports (/proc, sysinfo):
// memory, the CPU's identity, scheduler time, a task's address space.
//
// Why here: the figures live behind hal and microcore-internal headers that
// the personality layers may not include; the executive may, and hands out
// plain values. Every call is safe from any thread context.
#pragma once

#include <cstddef>
#include <cstdint>

#include "microcore/task.h"
#include "microcore/vm/address_map.h"

namespace executive::system_info {

struct MemoryFigures {
  uint64_t total_bytes;  // RAM handed to the page allocator
  uint64_t free_bytes;   // of that, free now
};
MemoryFigures memory();

struct CpuFigures {
  char vendor[13];  // "GenuineIntel"
  char brand[49];   // empty if the CPU reports none
  uint32_t family;
  uint32_t model;
  uint32_t stepping;
  uint32_t max_basic_leaf;  // "cpuid level"
  uint64_t tsc_hz;  // the measured TSC rate
  uint8_t physical_address_bits;
  uint8_t linear_address_bits;
};
CpuFigures cpu();
// Linux's /proc/cpuinfo "flags" value; returns the characters written.
size_t format_cpu_flags(char* out, size_t capacity);

struct SchedulerFigures {
  uint64_t idle_ns;  // time the CPU spent in the idle thread
  uint64_t context_switches;
  // Timer ticks by what they interrupted: Ring 3, the kernel, the idle thread.
  uint64_t user_ticks;
  uint64_t system_ticks;
  uint64_t idle_ticks;
  uint32_t tick_hz;
  uint64_t load[3];    // 1/5/15-minute averages, microcore::LoadAverage fixed point
  uint32_t runnable;   // threads runnable now, the caller included
  uint32_t threads;    // live threads
};
SchedulerFigures scheduler();

// Device interrupts taken on `vector` since boot (hal::interrupt_count).
uint64_t interrupts_on(uint8_t vector);

// The compiler the kernel was built with ("GNU 13.2.0").
const char* compiler();

// A user task's address space; the caller keeps the task alive and its
// map unchanged meanwhile (bsdlayer: under its lock, one CPU).
microcore::vm::MapStatistics task_memory(microcore::Task& task);
// Copies up to `capacity` regions in address order; returns how many exist.
size_t task_regions(microcore::Task& task, microcore::vm::RegionInfo* out, size_t capacity);

}  // namespace executive::system_info
