// The panic handler: Linux's "Kernel panic - not syncing" for Amphi.
//
// Order matters: interrupts off, the log switched to panic mode (ignoring
// its lock, which the dead context may hold), then the reason, the registers
// of the faulting context when there is one, a symbolized backtrace, and the
// configured action. Everything runs on fixed buffers; a panic inside the
// panic handler prints one line and halts.
#include "executive/boot.h"
#include "executive/exit_status.h"
#include "executive/klog.h"
#include "executive/symbol_table.h"
#include "executive/version.h"
#include "hal/backtrace.h"
#include "hal/cpu.h"
#include "hal/paging.h"
#include "hal/power.h"
#include "hal/trap.h"
#include "rtl/format.h"
#include "rtl/log.h"
#include "rtl/platform.h"

extern "C" const uint8_t __ksyms_start[];
extern "C" const uint8_t __ksyms_end[];
extern "C" const char __text_start[];
extern "C" const char __text_end[];

namespace executive {
namespace {

PanicAction g_action = PanicAction::halt;
bool g_in_panic = false;

void emit_line(const char* text, void*) { rtl::pr_emerg("{}", text); }

void print_address(const char* prefix, uint64_t address) {
  static auto table = SymbolTable::parse(__ksyms_start, size_t(__ksyms_end - __ksyms_start));
  if (table.is_ok()) {
    if (auto symbol = table.value().lookup(address); symbol.is_ok()) {
      const Symbol& s = symbol.value();
      rtl::pr_emerg("{}[<{:016x}>] {}+{:#x}/{:#x}", prefix, address, s.name, s.offset, s.size);
      return;
    }
  }
  rtl::pr_emerg("{}[<{:016x}>] ?", prefix, address);
}

// A fault in a leaf function that keeps no frame of its own leaves its
// caller's return address on top of the stack, not in the frame chain.
// Linux prints such guesses with a '?'; so do we.
void print_probable_caller(const hal::TrapFrame& frame) {
  if (hal::paging::translate(frame.rsp).is_error()) return;
  auto top = *reinterpret_cast<const uintptr_t*>(frame.rsp);
  if (top > reinterpret_cast<uintptr_t>(__text_start) && top <= reinterpret_cast<uintptr_t>(__text_end))
    print_address(" ? ", top - 1);
}

void explain_double_fault(const hal::TrapFrame& frame) {
  uint64_t cr2 = hal::x86::read_cr2();
  if (is_stack_guard_address(cr2) || is_stack_guard_address(frame.rsp))
    rtl::pr_emerg("kernel stack overflow: the boot stack ran into its guard page at {:#x}; "
                  "double fault handled on its IST stack (RSP {:#x})",
                  boot_stack_guard_page(), reinterpret_cast<uintptr_t>(__builtin_frame_address(0)));
}

void panic_handler(const rtl::PanicReport& report) {
  hal::x86::cli();
  if (g_in_panic) {
    static constexpr char kNested[] = "\nKernel panic - not syncing: panic inside the panic handler\n";
    rtl::platform::early_write(kNested, sizeof kNested - 1);
    rtl::platform::halt_forever();
  }
  g_in_panic = true;
  klog::enter_panic_mode();
  klog::set_console_level(8);

  rtl::pr_emerg("Kernel panic - not syncing: {}", report.reason);
  rtl::pr_emerg("CPU: 0 Comm: kernel Amphi {}", kVersion);
  auto* frame = static_cast<const hal::TrapFrame*>(report.trap_frame);
  uintptr_t rbp = hal::current_frame_pointer();
  if (frame) {
    if (frame->vector == hal::kVectorDoubleFault) explain_double_fault(*frame);
    hal::dump_registers(*frame, emit_line, nullptr);
    print_address("RIP: ", frame->rip);
    rbp = frame->rbp;
  }
  rtl::pr_emerg("Call Trace:");
  if (frame && !frame->from_user()) print_probable_caller(*frame);
  uintptr_t addresses[16];
  size_t count = hal::walk_stack(rbp, addresses, 16);
  // Return addresses point after the call; look up the call itself.
  for (size_t i = 0; i < count; ++i) print_address(" ", addresses[i] - 1);
  rtl::pr_emerg("---[ end Kernel panic - not syncing: {} ]---", report.reason);

  switch (g_action) {
    case PanicAction::power_off: hal::power::power_off(kExitPanic);
    case PanicAction::reboot: hal::power::reboot();
    case PanicAction::halt: break;
  }
  rtl::platform::halt_forever();
}

}  // namespace

void install_panic_handler(PanicAction action) {
  g_action = action;
  rtl::set_panic_handler(panic_handler);
}

}  // namespace executive
