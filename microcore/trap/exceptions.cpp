// What a CPU exception means for the task that raised it.
//
// User faults first get a chance to be resolved by the task's address map
// (demand zero-fill, copy-on-write). What cannot be resolved terminates the
// task — never the kernel — with one log line saying why:
//   task 7 (badptr): page fault at 0xffff800000001000 (write, protection violation) - terminated
// A fault the map cannot resolve because memory ran out (no frame for the
// page, or for a page table) is not the task's fault but the kernel cannot
// honour it either; like Linux's OOM killer it ends the task, whose pages
// then return to the allocator:
//   task 9 (memhog): out of memory at 0x0000000010402000 - terminated
// The thread stops at the user-return hook (microcore/init.cpp), where it
// holds no kernel lock. Kernel-mode faults inside a user-memory copy are
// fixed up into an error for the caller; any other kernel fault returns
// false, which the HAL turns into a panic.
#include "hal/trap.h"
#include "hal/user_memory.h"
#include "microcore/address_map_glue.h"
#include "microcore/personality.h"
#include "microcore/task.h"
#include "rtl/format.h"
#include "rtl/log.h"

namespace microcore {

bool run_user_fault_hook(Task& task, hal::TrapFrame& frame, const UserFault& fault);  // task/personality.cpp

namespace {

constexpr int kStatusKilledBySegv = 128 + 11;
constexpr int kStatusKilledOutOfMemory = 128 + 9;  // SIGKILL, as the OOM killer's victims

void terminate_current(const char* what, int status = kStatusKilledBySegv) {
  Thread* thread = current_thread();
  Task* task = thread->task;
  rtl::pr_err("task {} ({}): {} - terminated", task->id(), task->name(), what);
  task->kill(status);
}

bool on_page_fault(hal::TrapFrame& frame) {
  hal::PageFaultInfo fault = hal::decode_page_fault(frame);
  Thread* thread = current_thread();
  bool user_address = fault.address < hal::kUserMemoryEnd;
  // A thread that borrowed another task's address space (the program
  // loader, run by a kernel thread or by a system call such as a driver's
  // switch to server mode) faults into that task: its tables are active.
  // User-mode faults are always the running task's own.
  Task* owner = frame.from_user() ? nullptr : borrowed_task();
  if (!owner && thread && !thread->task->is_kernel()) owner = thread->task;
  bool out_of_memory = false;
  if (owner && user_address && !fault.reserved_bit) {
    auto resolved = resolve_user_fault(*owner, fault);
    if (resolved.is_ok()) return true;
    out_of_memory = resolved.error() == rtl::Errc::no_memory;
  }
  if (frame.from_user()) {
    char what[128];
    if (out_of_memory) {
      rtl::format_to_buffer(what, sizeof what, "out of memory at {:#018x}", fault.address);
      terminate_current(what, kStatusKilledOutOfMemory);
      return true;
    }
    if (run_user_fault_hook(*thread->task, frame, {frame.vector, fault.address, fault.write, fault.present}))
      return true;
    const char* access = fault.instruction ? "instruction fetch" : fault.write ? "write" : "read";
    rtl::format_to_buffer(what, sizeof what, "page fault at {:#018x} ({}, {})", fault.address, access,
                          fault.present ? "protection violation" : "not-present page");
    terminate_current(what);
    return true;
  }
  if (hal::is_user_copy_fault(frame)) {
    hal::fix_up_user_copy(frame);
    return true;
  }
  return false;
}

bool on_user_exception(hal::TrapFrame& frame) {
  if (!frame.from_user()) return false;
  Task* task = current_thread()->task;
  if (run_user_fault_hook(*task, frame, {frame.vector, 0, false, false})) return true;
  char what[128];
  rtl::format_to_buffer(what, sizeof what, "{} at rip {:#x}", hal::exception_name(frame.vector), frame.rip);
  terminate_current(what);
  return true;
}

}  // namespace

void install_exception_handlers() {
  hal::set_exception_handler(hal::kVectorPageFault, on_page_fault);
  for (uint8_t vector : {0, 1, 3, 4, 5, 6, 13, 16, 17, 19})
    hal::set_exception_handler(vector, on_user_exception);
}

}  // namespace microcore
