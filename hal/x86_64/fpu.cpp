// See hal/fpu.h. One CPU for now: the owner, the bracket save area and its
// depth become per-CPU data when SMP arrives.
#include "hal/fpu.h"

#include "hal/cpu.h"
#include "hal/trap.h"

namespace hal::fpu {
namespace {

constexpr uint32_t kDefaultMxcsr = 0x1f80;  // all exceptions masked

// The bracket's save area for whatever the registers held. Interrupts are
// off for the whole outermost bracket, so no handler uses SSE in between;
// only exceptions raised inside (a panic) nest.
alignas(16) uint8_t g_save_area[512];
uint32_t g_depth = 0;
uint64_t g_saved_flags = 0;
bool g_saved_task_switched = false;

State* g_owner = nullptr;    // whose state is in the registers (null: nobody's)
State* g_current = nullptr;  // the state the running thread uses

void load(State* state) {
  if (state->loaded_once) {
    asm volatile("fxrstor64 %0" : : "m"(state->area));
  } else {
    asm volatile("fninit");
    uint32_t mxcsr = kDefaultMxcsr;
    asm volatile("ldmxcsr %0" : : "m"(mxcsr));
    state->loaded_once = true;
  }
}

// #NM: a thread used the vector unit after a switch. Only user threads have
// a State; a kernel #NM means SSE slipped into kernel code (a bug).
bool on_device_not_available(TrapFrame& frame) {
  if (!frame.from_user() || !g_current) return false;
  asm volatile("clts");
  if (g_owner && g_owner != g_current) asm volatile("fxsave64 %0" : "=m"(g_owner->area));
  if (g_owner != g_current) load(g_current);
  g_owner = g_current;
  return true;
}

}  // namespace

void init() {
  uint64_t cr0 = x86::read_cr0();
  cr0 &= ~(x86::kCr0Emulation | x86::kCr0TaskSwitched);
  cr0 |= x86::kCr0MonitorCoprocessor;
  x86::write_cr0(cr0);
  x86::write_cr4(x86::read_cr4() | x86::kCr4OsFxsr | x86::kCr4OsXmmExcpt);
  asm volatile("fninit");
  set_exception_handler(7, on_device_not_available);
}

void kernel_begin() {
  uint64_t flags = x86::read_rflags();
  x86::cli();
  if (g_depth++ == 0) {
    g_saved_flags = flags;
    g_saved_task_switched = x86::read_cr0() & x86::kCr0TaskSwitched;
    asm volatile("clts");
    asm volatile("fxsave64 %0" : "=m"(g_save_area) : : "memory");
  }
}

void kernel_end() {
  if (--g_depth == 0) {
    asm volatile("fxrstor64 %0" : : "m"(g_save_area) : "memory");
    if (g_saved_task_switched) x86::write_cr0(x86::read_cr0() | x86::kCr0TaskSwitched);
    if (g_saved_flags & x86::kRflagsInterrupt) x86::sti();
  }
}

void switch_to(State* next) {
  g_current = next;
  uint64_t cr0 = x86::read_cr0();
  if (next && next == g_owner)
    asm volatile("clts");  // its state is still in the registers
  else
    x86::write_cr0(cr0 | x86::kCr0TaskSwitched);
}

void save_current(State* current, void* image) {
  uint64_t flags = x86::read_rflags();
  x86::cli();
  auto* out = static_cast<uint8_t*>(image);
  if (g_owner == current) {
    bool task_switched = x86::read_cr0() & x86::kCr0TaskSwitched;
    asm volatile("clts");
    asm volatile("fxsave64 (%0)" : : "r"(out) : "memory");
    if (task_switched) x86::write_cr0(x86::read_cr0() | x86::kCr0TaskSwitched);
  } else if (current->loaded_once) {
    __builtin_memcpy(out, current->area, sizeof current->area);
  } else {
    // FNINIT's state: FCW 0x37f, everything else empty; MXCSR default.
    __builtin_memset(out, 0, sizeof current->area);
    out[0] = 0x7f;
    out[1] = 0x03;
    uint32_t mxcsr = kDefaultMxcsr, mask = 0xffff;
    __builtin_memcpy(out + 24, &mxcsr, 4);
    __builtin_memcpy(out + 28, &mask, 4);
  }
  if (flags & x86::kRflagsInterrupt) x86::sti();
}

void load_current(State* current, const void* image) {
  uint64_t flags = x86::read_rflags();
  x86::cli();
  __builtin_memcpy(current->area, image, sizeof current->area);
  current->loaded_once = true;
  if (g_owner == current) {
    // The registers hold the old state: make the next use reload.
    g_owner = nullptr;
    if (g_current == current) x86::write_cr0(x86::read_cr0() | x86::kCr0TaskSwitched);
  }
  if (flags & x86::kRflagsInterrupt) x86::sti();
}

void release(State* state) {
  if (g_owner == state) g_owner = nullptr;
  if (g_current == state) g_current = nullptr;
}

}  // namespace hal::fpu
