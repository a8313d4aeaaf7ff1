// Traps: CPU exceptions and device interrupts as the rest of the kernel sees
// them. The register frame layout is x86-64's, but only the HAL reads its
// fields directly; other layers use the accessors.
#pragma once

#include <cstddef>
#include <cstdint>

namespace hal {

// Pushed by hal/x86_64/trap_entry.S; field order is the push order reversed.
struct TrapFrame {
  uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
  uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
  uint64_t vector;
  uint64_t error_code;  // 0 for vectors without one
  // Pushed by the CPU.
  uint64_t rip, cs, rflags, rsp, ss;

  bool from_user() const { return (cs & 3) == 3; }
  uintptr_t instruction_pointer() const { return rip; }
  uintptr_t frame_pointer() const { return rbp; }
};
static_assert(sizeof(TrapFrame) == 22 * 8, "trap_entry.S pushes 22 quadwords");

inline constexpr uint8_t kVectorDivideError = 0;
inline constexpr uint8_t kVectorDebug = 1;
inline constexpr uint8_t kVectorNmi = 2;
inline constexpr uint8_t kVectorBreakpoint = 3;
inline constexpr uint8_t kVectorInvalidOpcode = 6;
inline constexpr uint8_t kVectorDoubleFault = 8;
inline constexpr uint8_t kVectorGeneralProtection = 13;
inline constexpr uint8_t kVectorPageFault = 14;
inline constexpr uint8_t kVectorMachineCheck = 18;
inline constexpr uint8_t kFirstDeviceVector = 32;
inline constexpr uint8_t kSpuriousVector = 0xff;

const char* exception_name(uint64_t vector);

// A handler returns true when it resolved the exception (execution resumes
// at the frame, possibly modified); false lets the next policy apply, which
// for a kernel-mode fault is panic.
using ExceptionHandler = bool (*)(TrapFrame& frame);
void set_exception_handler(uint8_t vector, ExceptionHandler handler);

// Device interrupt handlers run with interrupts off; the HAL sends the EOI.
using InterruptHandler = void (*)(TrapFrame& frame, void* context);
bool set_interrupt_handler(uint8_t vector, InterruptHandler handler, void* context);
// Interrupts taken on a device vector (32 and up, spurious included) since
// boot: /proc/stat's intr line. Exceptions are not interrupts; not counted.
uint64_t interrupt_count(uint8_t vector);

// Loads the IDT (all 256 vectors) on this CPU.
void install_trap_table();

// Page-fault details, decoded from the error code and CR2.
struct PageFaultInfo {
  uintptr_t address;
  bool present;      // protection violation (true) or not-present page
  bool write;
  bool user;
  bool instruction;  // instruction fetch (NX)
  bool reserved_bit;
};
PageFaultInfo decode_page_fault(const TrapFrame& frame);

// Writes one human-readable description of the trap ("page fault at 0x...
// (write, not-present page, kernel mode)") into out. Returns the length.
size_t describe_trap(const TrapFrame& frame, char* out, size_t capacity);

// Writes the saved registers as a few lines via `line` (for panic output).
void dump_registers(const TrapFrame& frame, void (*line)(const char* text, void* context),
                    void* context);

}  // namespace hal
