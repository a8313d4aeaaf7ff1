// Human-readable trap descriptions and register dumps for the panic path.
// These run after something already went wrong: fixed buffers only.
#include "hal/cpu.h"
#include "hal/trap.h"
#include "rtl/format.h"

namespace hal {

const char* exception_name(uint64_t vector) {
  static const char* const kNames[32] = {
      "divide error", "debug", "non-maskable interrupt", "breakpoint", "overflow",
      "bound range exceeded", "invalid opcode", "device not available", "double fault",
      "coprocessor segment overrun", "invalid TSS", "segment not present",
      "stack-segment fault", "general protection fault", "page fault", "reserved",
      "x87 floating-point error", "alignment check", "machine check", "SIMD floating-point error",
      "virtualization exception", "control protection exception", "reserved", "reserved",
      "reserved", "reserved", "reserved", "reserved", "hypervisor injection",
      "VMM communication", "security exception", "reserved"};
  return vector < 32 ? kNames[vector] : "device interrupt";
}

PageFaultInfo decode_page_fault(const TrapFrame& frame) {
  uint64_t code = frame.error_code;
  return PageFaultInfo{
      .address = x86::read_cr2(),
      .present = (code & 1) != 0,
      .write = (code & 2) != 0,
      .user = (code & 4) != 0,
      .instruction = (code & 16) != 0,
      .reserved_bit = (code & 8) != 0,
  };
}

size_t describe_trap(const TrapFrame& frame, char* out, size_t capacity) {
  const char* mode = frame.from_user() ? "user" : "kernel";
  if (frame.vector == kVectorPageFault) {
    PageFaultInfo fault = decode_page_fault(frame);
    const char* access = fault.instruction ? "instruction fetch" : fault.write ? "write" : "read";
    const char* kind = fault.reserved_bit ? "reserved bit set"
                       : fault.present    ? "protection violation"
                                          : "not-present page";
    return rtl::format_to_buffer(out, capacity, "page fault at {:#018x} ({}, {}, {} mode)",
                                 fault.address, access, kind, mode);
  }
  if (frame.vector < 32)
    return rtl::format_to_buffer(out, capacity, "unhandled {} (vector {}, error {:#x}) in {} mode",
                                 exception_name(frame.vector), frame.vector, frame.error_code,
                                 mode);
  return rtl::format_to_buffer(out, capacity, "unexpected interrupt vector {}", frame.vector);
}

void dump_registers(const TrapFrame& f, void (*line)(const char*, void*), void* context) {
  char text[128];
  rtl::format_to_buffer(text, sizeof text, "RIP: {:04x}:{:016x} RFLAGS: {:08x} ERR: {:x}", f.cs,
                        f.rip, f.rflags, f.error_code);
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "RSP: {:04x}:{:016x} CR2: {:016x} CR3: {:016x}", f.ss,
                        f.rsp, x86::read_cr2(), x86::read_cr3());
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "RAX: {:016x} RBX: {:016x} RCX: {:016x}", f.rax, f.rbx,
                        f.rcx);
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "RDX: {:016x} RSI: {:016x} RDI: {:016x}", f.rdx, f.rsi,
                        f.rdi);
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "RBP: {:016x} R08: {:016x} R09: {:016x}", f.rbp, f.r8,
                        f.r9);
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "R10: {:016x} R11: {:016x} R12: {:016x}", f.r10, f.r11,
                        f.r12);
  line(text, context);
  rtl::format_to_buffer(text, sizeof text, "R13: {:016x} R14: {:016x} R15: {:016x}", f.r13, f.r14,
                        f.r15);
  line(text, context);
}

}  // namespace hal
