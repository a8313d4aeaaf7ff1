// The bridge between a task and its virtual-memory map: the x86 page table
// behind the portable vm::AddressMap, the kernel's frame source, and the
// operations the trap layer needs. Installed per task by attach_address_map.
#pragma once

#include <cstdint>

#include "hal/trap.h"
#include "microcore/task.h"
#include "microcore/vm/address_map.h"
#include "rtl/result.h"

namespace microcore {

rtl::Result<void> attach_address_map(Task& task);
vm::AddressMap& address_map(Task& task);
rtl::Result<void> resolve_user_fault(Task& task, const hal::PageFaultInfo& fault);
// The kernel's frame source for the VM (zeroed frames through the direct map).
vm::FrameSource& kernel_frame_source();

}  // namespace microcore

namespace microcore {
// The task whose user address space a kernel thread has activated to
// work on it (program loading); its faults resolve against that task.
void set_borrowed_task(Task* task);
Task* borrowed_task();

// Destroys the task's map and every page it holds (task teardown).
void detach_address_map(Task& task);
}  // namespace microcore
