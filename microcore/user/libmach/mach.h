// libmach: what a microcore user program needs and nothing more. Trap
// wrappers for every trap in microcore/abi/traps.h, mach_msg, simple-message
// helpers, print() to the kernel log, and the few string helpers the
// programs use. No libc: freestanding C++, memcpy/memset/memmove/memcmp are
// provided in string.cpp (the compiler may call them for struct copies).
//
// Traps: SYSCALL with RAX = AMPHI_MACH_TRAP_BASE + n and arguments in RDI,
// RSI, RDX, R10, R8, R9; the result is RAX. The wrappers also declare the
// argument registers clobbered, so they stay correct whatever the kernel's
// exit path preserves. Traps that return a value (names, time) report
// failure as a negative kern_return_t; their wrappers here return the
// kern_return_t and pass the value out through a pointer.
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "microcore/abi/message.h"
#include "microcore/abi/traps.h"

#ifndef VM_FLAGS_ANYWHERE
#define VM_FLAGS_ANYWHERE 1 /* Mach's value: the kernel chooses the address */
#endif

extern "C" {
void* memcpy(void* destination, const void* source, size_t count);
void* memmove(void* destination, const void* source, size_t count);
void* memset(void* destination, int value, size_t count);
int memcmp(const void* left, const void* right, size_t count);
size_t strlen(const char* text);
}

namespace mach {

inline int64_t trap(uint32_t number, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0, uint64_t a4 = 0,
                    uint64_t a5 = 0, uint64_t a6 = 0) {
  register uint64_t r10 asm("r10") = a4;
  register uint64_t r8 asm("r8") = a5;
  register uint64_t r9 asm("r9") = a6;
  uint64_t rax = AMPHI_MACH_TRAP_BASE + number;
  asm volatile("syscall"
               : "+a"(rax), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8), "+r"(r9)
               :
               : "rcx", "r11", "memory");
  return static_cast<int64_t>(rax);
}

// AMPHI_TRAP_NULL with nothing else loaded: the benchmark's baseline.
inline int64_t null_trap() {
  uint64_t rax = AMPHI_MACH_TRAP_BASE + AMPHI_TRAP_NULL;
  asm volatile("syscall" : "+a"(rax) : : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9", "memory");
  return static_cast<int64_t>(rax);
}

inline kern_return_t debug_write(const char* text, size_t length) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_DEBUG_WRITE, reinterpret_cast<uint64_t>(text), length));
}

[[noreturn]] inline void task_exit(int status) {
  trap(AMPHI_TRAP_TASK_EXIT, static_cast<uint32_t>(status));
  __builtin_trap();  // not reached; if it were, the fault ends the task
}

inline kern_return_t thread_yield() { return static_cast<kern_return_t>(trap(AMPHI_TRAP_THREAD_YIELD)); }

inline uint64_t clock_ns() { return static_cast<uint64_t>(trap(AMPHI_TRAP_CLOCK_NS)); }

// timeout_ns applies only with MACH_SEND_TIMEOUT / MACH_RCV_TIMEOUT.
inline mach_msg_return_t mach_msg(mach_msg_header_t* msg, mach_msg_option_t options, mach_msg_size_t send_size,
                                  mach_msg_size_t rcv_size, mach_port_name_t rcv_name, uint64_t timeout_ns = 0) {
  return static_cast<mach_msg_return_t>(trap(AMPHI_TRAP_MACH_MSG, reinterpret_cast<uint64_t>(msg), options,
                                             send_size, rcv_size, rcv_name, timeout_ns));
}

// right: MACH_PORT_RIGHT_RECEIVE or MACH_PORT_RIGHT_PORT_SET.
inline kern_return_t port_allocate(uint32_t right, mach_port_name_t* name) {
  int64_t result = trap(AMPHI_TRAP_PORT_ALLOCATE, right);
  if (result < 0) return static_cast<kern_return_t>(-result);
  *name = static_cast<mach_port_name_t>(result);
  return KERN_SUCCESS;
}

inline kern_return_t port_deallocate(mach_port_name_t name) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_PORT_DEALLOCATE, name));
}

inline kern_return_t port_mod_refs(mach_port_name_t name, uint32_t right, int32_t delta) {
  return static_cast<kern_return_t>(
      trap(AMPHI_TRAP_PORT_MOD_REFS, name, right, static_cast<uint64_t>(static_cast<int64_t>(delta))));
}

// disposition: MACH_MSG_TYPE_MAKE_SEND or MACH_MSG_TYPE_MAKE_SEND_ONCE, on a
// receive right we hold; the send right gets the same name (Mach's rule).
inline kern_return_t port_insert_right(mach_port_name_t name, uint32_t disposition) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_PORT_INSERT_RIGHT, name, disposition));
}

inline kern_return_t port_move_member(mach_port_name_t member, mach_port_name_t set) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_PORT_MOVE_MEMBER, member, set));
}

inline kern_return_t port_request_notification(mach_port_name_t name, uint32_t variant, mach_port_name_t notify) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_PORT_REQUEST_NOTIFICATION, name, variant, notify));
}

kern_return_t bootstrap_register(const char* service, mach_port_name_t send_right);
kern_return_t bootstrap_look_up(const char* service, mach_port_name_t* send_right);

inline kern_return_t vm_allocate(uint64_t* address, uint64_t size, uint32_t flags) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_VM_ALLOCATE, reinterpret_cast<uint64_t>(address), size, flags));
}

inline kern_return_t vm_deallocate(uint64_t address, uint64_t size) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_VM_DEALLOCATE, address, size));
}

inline kern_return_t task_self_info(amphi_task_info* info) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_TASK_SELF_INFO, reinterpret_cast<uint64_t>(info)));
}

// --- Simple messages: a header and inline bytes, no descriptors. ---

struct InlineMessage {
  static constexpr size_t kMaxBytes = AMPHI_MSG_MAX_INLINE - sizeof(mach_msg_header_t);
  mach_msg_header_t header;
  uint8_t bytes[kMaxBytes];

  // Inline bytes of a received message (msgh_size minus the header).
  size_t byte_count() const { return header.msgh_size - sizeof(mach_msg_header_t); }
};

// Fills `m`: destination `remote` sent with `remote_disposition`, reply port
// `local` with `local_disposition` (MACH_PORT_NULL and 0 for none), `length`
// bytes (at most kMaxBytes) padded with zeros to a multiple of 4. Returns
// msgh_size, the send size to pass to mach_msg.
mach_msg_size_t make_message(InlineMessage* m, mach_port_name_t remote, uint32_t remote_disposition,
                             mach_port_name_t local, uint32_t local_disposition, mach_msg_id_t id,
                             const void* bytes, size_t length);

// A request to `service` (COPY_SEND of our send right) whose reply comes to
// our receive right `reply_port` (MAKE_SEND_ONCE, so exactly one reply).
inline mach_msg_size_t make_request(InlineMessage* m, mach_port_name_t service, mach_port_name_t reply_port,
                                    mach_msg_id_t id, const void* bytes, size_t length) {
  return make_message(m, service, MACH_MSG_TYPE_COPY_SEND, reply_port, MACH_MSG_TYPE_MAKE_SEND_ONCE, id, bytes,
                      length);
}

// The reply to a received request: its reply right (which arrives in
// msgh_remote_port) moved back, no reply port of our own.
inline mach_msg_size_t make_reply(InlineMessage* m, const mach_msg_header_t& request, mach_msg_id_t id,
                                  const void* bytes, size_t length) {
  return make_message(m, request.msgh_remote_port, MACH_MSG_TYPE_MOVE_SEND_ONCE, MACH_PORT_NULL, 0, id, bytes,
                      length);
}

// Text carried as inline bytes including its NUL. Returns the text's length
// up to the first NUL or the end of the inline bytes, whichever is first.
size_t message_text(const InlineMessage& m, const char** text);

// --- Output and small helpers. ---

// printf-like formatting into a 256-byte stack buffer (longer output is
// truncated), written with one AMPHI_TRAP_DEBUG_WRITE. Callers end lines
// with "\n". Conversions: %% %c %s %.*s %d %i %u %x %p, with l/ll/z length
// modifiers on the integer ones.
[[gnu::format(printf, 1, 2)]] kern_return_t print(const char* format, ...);

// Mach's name for a kern_return_t or mach_msg_return_t ("KERN_NO_SPACE").
const char* error_name(kern_return_t code);

size_t string_length(const char* s);
bool string_equal(const char* a, const char* b);
// Decimal digits at the start of `s`, or `fallback` if there are none.
uint64_t parse_decimal(const char* s, uint64_t fallback);

}  // namespace mach
