// Microcore bring-up and the user-return hook.
#include "microcore/microcore.h"

#include "hal/context.h"
#include "hal/timer.h"
#include "microcore/device_services.h"
#include "microcore/scheduler.h"
#include "microcore/task.h"

namespace microcore {

void install_exception_handlers();  // trap/exceptions.cpp
void handle_syscall(hal::TrapFrame& frame);  // trap/mach_traps.cpp
void init_task_subsystems();  // trap/mach_traps.cpp: IPC space + VM map per task
void run_personality_return_hook(Task& task, hal::TrapFrame& frame);  // task/personality.cpp

namespace {

// Every return to Ring 3 passes here with no kernel lock held: the place to
// stop a killed thread and to honour a pending preemption.
void on_user_return(hal::TrapFrame& frame) {
  Thread* thread = current_thread();
  if (thread->kill_pending) thread_exit();
  preempt_if_needed();
  if (thread->kill_pending) thread_exit();
  thread->interrupt_pending = false;  // the personality acts on it now
  if (thread->task->personality) run_personality_return_hook(*thread->task, frame);
}

void on_tick(void*, bool from_user) { scheduler_tick(from_user); }

}  // namespace

void init() {
  init_scheduler(kernel_task());
  install_exception_handlers();
  init_task_subsystems();
  hal::set_syscall_handler(handle_syscall);
  hal::set_user_return_hook(on_user_return);
  hal::timer::set_tick_function(on_tick, nullptr);
}

}  // namespace microcore
