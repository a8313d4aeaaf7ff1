// The IDT: one gate per vector, all pointing at the stubs in trap_entry.S.
// Exceptions that must survive a broken stack get their own IST stack.
#include <cstdint>

#include "hal/segments.h"
#include "hal/trap.h"

extern "C" const uint64_t hal_trap_stubs[256];

namespace hal {
namespace {

struct [[gnu::packed]] Gate {
  uint16_t offset_low;
  uint16_t selector;
  uint8_t ist;
  uint8_t type_attributes;
  uint16_t offset_middle;
  uint32_t offset_high;
  uint32_t reserved;
};
static_assert(sizeof(Gate) == 16);

struct [[gnu::packed]] IdtPointer {
  uint16_t limit;
  uint64_t base;
};

Gate g_idt[256];

constexpr uint8_t kInterruptGate = 0x8e;  // present, DPL 0, interrupts off on entry
constexpr uint8_t kUserInterruptGate = 0xee;  // DPL 3: reachable by INT from user

InterruptStack stack_for(int vector) {
  switch (vector) {
    case kVectorDoubleFault: return InterruptStack::double_fault;
    case kVectorNmi: return InterruptStack::nmi;
    case kVectorMachineCheck: return InterruptStack::machine_check;
    default: return InterruptStack::none;
  }
}

}  // namespace

void install_trap_table() {
  for (int vector = 0; vector < 256; ++vector) {
    uint64_t target = hal_trap_stubs[vector];
    Gate& gate = g_idt[vector];
    gate.offset_low = target & 0xffff;
    gate.selector = kKernelCodeSelector;
    gate.ist = static_cast<uint8_t>(stack_for(vector));
    // Breakpoint is the one exception user code may raise on purpose (int3).
    gate.type_attributes = vector == kVectorBreakpoint ? kUserInterruptGate : kInterruptGate;
    gate.offset_middle = (target >> 16) & 0xffff;
    gate.offset_high = static_cast<uint32_t>(target >> 32);
    gate.reserved = 0;
  }
  IdtPointer pointer{sizeof(g_idt) - 1, reinterpret_cast<uint64_t>(g_idt)};
  asm volatile("lidt %0" : : "m"(pointer));
}

}  // namespace hal
