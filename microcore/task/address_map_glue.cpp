// Per-task virtual memory: a vm::AddressMap over the task's x86 page table
// (see microcore/address_map_glue.h). The pair lives as long as the task.
#include "microcore/address_map_glue.h"

#include "../mm/x86_page_table.h"
#include "hal/memory_layout.h"
#include "rtl/own_ptr.h"

namespace microcore {
namespace {

struct TaskMemory {
  explicit TaskMemory(uint64_t root) : page_table(root), map(page_table, kernel_frame_source()) {}
  X86PageTable page_table;
  vm::AddressMap map;
};

Task* g_borrowed = nullptr;  // one CPU; per-CPU with SMP

TaskMemory& memory_of(Task& task) { return *static_cast<TaskMemory*>(task.address_map); }

}  // namespace

rtl::Result<void> attach_address_map(Task& task) {
  auto memory = TRY(rtl::try_make<TaskMemory>(task.page_table_root()));
  task.address_map = memory.leak();
  return {};
}

void detach_address_map(Task& task) {
  if (!task.address_map) return;
  rtl::OwnPtr<TaskMemory>::adopt(&memory_of(task)).reset();  // ~AddressMap frees every page
  task.address_map = nullptr;
}

void set_borrowed_task(Task* task) { g_borrowed = task; }
Task* borrowed_task() { return g_borrowed; }

vm::AddressMap& address_map(Task& task) { return memory_of(task).map; }

rtl::Result<void> resolve_user_fault(Task& task, const hal::PageFaultInfo& fault) {
  if (!task.address_map) return rtl::Error(rtl::Errc::not_found, "task has no address map");
  // A present page that faulted for a write may be copy-on-write; a present
  // page that faulted otherwise is a real protection violation the map will
  // refuse too, so one path serves both.
  vm::Access access = fault.instruction ? vm::Access::execute : fault.write ? vm::Access::write : vm::Access::read;
  return memory_of(task).map.fault(fault.address & ~(hal::kPageSize - 1), access, true);
}

}  // namespace microcore
