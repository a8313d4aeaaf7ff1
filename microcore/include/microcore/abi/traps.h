/*
 * The Mach trap ABI: how a Ring 3 program calls the microcore. Plain C so
 * freestanding user programs (microcore/user/) and the kernel share it.
 *
 * Entry is the SYSCALL instruction with the trap number in RAX and up to six
 * arguments in RDI, RSI, RDX, R10, R8, R9 (the Linux register convention, so
 * one entry path serves both personalities). RCX and R11 are clobbered by
 * SYSCALL itself. The result comes back in RAX.
 *
 * Numbering keeps the two worlds apart the way XNU does with its syscall
 * classes: Linux system calls (bsdlayer) own 0..0xffff; Mach traps live in
 * class 1, AMPHI_MACH_TRAP_BASE + n. Any other number is refused with
 * KERN_INVALID_ARGUMENT-like -ENOSYS semantics by the dispatcher.
 *
 * Results: a trap returns a kern_return_t (0 = KERN_SUCCESS, codes below),
 * except the few documented as returning a value (names, time), which return
 * the value and report failure as a negative kern_return_t.
 */
#ifndef AMPHI_MICROCORE_ABI_TRAPS_H
#define AMPHI_MICROCORE_ABI_TRAPS_H

#include <stdint.h>

#define AMPHI_MACH_TRAP_BASE 0x01000000u

enum amphi_mach_trap {
  AMPHI_TRAP_NULL = 0,             /* () -> 0; the benchmark's null round trip */
  AMPHI_TRAP_DEBUG_WRITE = 1,      /* (const char* text, size_t length) -> kr; to the kernel log */
  AMPHI_TRAP_TASK_EXIT = 2,        /* (int status) -> does not return */
  AMPHI_TRAP_THREAD_YIELD = 3,     /* () -> 0 */
  AMPHI_TRAP_CLOCK_NS = 4,         /* () -> nanoseconds since boot */
  AMPHI_TRAP_MACH_MSG = 5,         /* (mach_msg_header_t* msg, options, send_size, rcv_size, rcv_name, timeout_ns) -> kr */
  AMPHI_TRAP_PORT_ALLOCATE = 6,    /* (right: MACH_PORT_RIGHT_RECEIVE or _PORT_SET) -> name or -kr */
  AMPHI_TRAP_PORT_DEALLOCATE = 7,  /* (name) -> kr: drop one user reference of a send/send-once/dead name */
  AMPHI_TRAP_PORT_MOD_REFS = 8,    /* (name, right, delta) -> kr */
  AMPHI_TRAP_PORT_INSERT_RIGHT = 9,/* (name, disposition MAKE_SEND|MAKE_SEND_ONCE) -> kr: give ourselves a send right */
  AMPHI_TRAP_PORT_MOVE_MEMBER = 10,/* (member name, port set name or MACH_PORT_NULL) -> kr */
  AMPHI_TRAP_PORT_REQUEST_NOTIFICATION = 11, /* (name, MACH_NOTIFY_*, notify send-once name) -> kr */
  AMPHI_TRAP_BOOTSTRAP_REGISTER = 12,/* (const char* service, size_t length, send-right name) -> kr */
  AMPHI_TRAP_BOOTSTRAP_LOOK_UP = 13, /* (const char* service, size_t length) -> send-right name or -kr */
  AMPHI_TRAP_VM_ALLOCATE = 14,     /* (uint64_t* address, size, flags VM_FLAGS_ANYWHERE) -> kr */
  AMPHI_TRAP_VM_DEALLOCATE = 15,   /* (address, size) -> kr */
  AMPHI_TRAP_TASK_SELF_INFO = 16,  /* (struct amphi_task_info* out) -> kr: id, name, cpu time */
  /* Device access for user-mode drivers; each needs a grant the kernel gave
   * the task (microcore/device_services.h), else KERN_PROTECTION_FAILURE. */
  AMPHI_TRAP_DEVICE_MAP = 17,      /* (physical, size, uint64_t* address) -> kr: uncached mapping */
  AMPHI_TRAP_DMA_ALLOCATE = 18,    /* (size, uint64_t* address, uint64_t* physical) -> kr: pinned, contiguous */
  AMPHI_TRAP_INTERRUPT_BIND = 19,  /* (irq, receive-right name) -> kr: interrupts arrive as port signals */
  AMPHI_TRAP_INTERRUPT_ACK = 20,   /* (irq) -> kr: handled; unmask the line */
  AMPHI_TRAP_DEVICE_CONFIG = 21,   /* (offset, width, value, write) -> value or -kr: the granted PCI device's config space */
  AMPHI_TRAP_MSI_BIND = 22,        /* (receive-right name, uint64_t* address, uint32_t* data) -> kr: an MSI vector whose
                                      interrupts arrive as port signals (AMPHI_SIGNAL_MSI) */
  AMPHI_TRAP_COUNT
};

/* kern_return_t codes (Mach's numbering). */
#define KERN_SUCCESS 0
#define KERN_INVALID_ADDRESS 1
#define KERN_PROTECTION_FAILURE 2
#define KERN_NO_SPACE 3
#define KERN_INVALID_ARGUMENT 4
#define KERN_FAILURE 5
#define KERN_RESOURCE_SHORTAGE 6
#define KERN_INVALID_NAME 15
#define KERN_INVALID_RIGHT 17
#define KERN_INVALID_VALUE 18
#define KERN_UREFS_OVERFLOW 19
#define KERN_INVALID_CAPABILITY 20
#define KERN_NOT_SUPPORTED 46
#define KERN_OPERATION_TIMED_OUT 49

/* Interrupts arrive as port signals (message.h): AMPHI_SIGNAL_IRQ(line) for
 * a bound ISA line, which stays masked until the driver acknowledges it;
 * AMPHI_SIGNAL_MSI for the task's MSI vector. */

#define VM_FLAGS_ANYWHERE 1

struct amphi_task_info {
  uint64_t task_id;
  uint64_t cpu_time_ns;
  char name[32];
};

#endif
