// hal_trap_dispatch: every vector funnels through here from trap_entry.S.
//
// Policy, in order: a registered exception handler (the microcore's page-
// fault handler, later) may resolve an exception; a device vector goes to its
// interrupt handler followed by the EOI; anything unresolved in kernel mode is
// a broken invariant and panics with the frame, so the panic handler can show
// registers and a backtrace of the faulting context.
#include "hal/cpu.h"
#include "hal/interrupt_controller.h"
#include "hal/trap.h"
#include "rtl/format.h"
#include "rtl/panic.h"

namespace hal {
namespace {

struct InterruptSlot {
  InterruptHandler handler;
  void* context;
};

// Written during boot before the vector is unmasked; read in trap context.
ExceptionHandler g_exception_handlers[32];
InterruptSlot g_interrupt_handlers[256];
// Written only here, in trap context with interrupts off (one CPU); read
// whole-word by anyone, so a reader sees an old count, never a torn one.
uint64_t g_interrupt_counts[256];

}  // namespace

void set_exception_handler(uint8_t vector, ExceptionHandler handler) {
  if (vector < 32) g_exception_handlers[vector] = handler;
}

bool set_interrupt_handler(uint8_t vector, InterruptHandler handler, void* context) {
  if (vector < kFirstDeviceVector) return false;
  if (handler && g_interrupt_handlers[vector].handler) return false;  // taken
  g_interrupt_handlers[vector] = {handler, context};
  return true;
}

uint64_t interrupt_count(uint8_t vector) {
  return __atomic_load_n(&g_interrupt_counts[vector], __ATOMIC_RELAXED);
}

[[noreturn]] static void panic_on_trap(TrapFrame& frame) {
  char reason[160];
  describe_trap(frame, reason, sizeof reason);
  rtl::panic_report(rtl::PanicReport{reason, &frame});
}

}  // namespace hal

namespace hal {
void run_user_return_hook(TrapFrame& frame);  // x86_64/context.cpp
}

extern "C" void hal_trap_dispatch(hal::TrapFrame* frame) {
  using namespace hal;
  uint64_t vector = frame->vector;
  if (vector < 32) {
    ExceptionHandler handler = g_exception_handlers[vector];
    if (!handler || !handler(*frame)) panic_on_trap(*frame);
  } else {
    __atomic_store_n(&g_interrupt_counts[vector], g_interrupt_counts[vector] + 1, __ATOMIC_RELAXED);
    if (vector != kSpuriousVector) {  // no EOI for spurious interrupts
      InterruptSlot slot = g_interrupt_handlers[vector];
      if (slot.handler) slot.handler(*frame, slot.context);
      interrupt_controller::end_of_interrupt();
    }
  }
  if (frame->from_user()) run_user_return_hook(*frame);
}
