// The Linux system-call dispatcher: numbers below the Mach trap class reach
// bsdlayer through the microcore's personality hook and are looked up here.
// Each group of calls registers its handlers at init (register_*_syscalls);
// a number with no handler returns -ENOSYS and is logged once, by name.
#pragma once

#include <cstdint>

#include "microcore/personality.h"

namespace bsdlayer {

struct SyscallContext {
  microcore::UserFrame& frame;  // may be rewritten (execve, rt_sigreturn)
  uint64_t arg[6];              // rdi rsi rdx r10 r8 r9
};

// Returns the value for RAX: a result, or a negative Linux errno.
using SyscallHandler = int64_t (*)(SyscallContext& context);

void register_syscall(uint32_t number, SyscallHandler handler);
void dispatch_syscall(microcore::UserFrame& frame);

// Groups (each in its own file under bsdlayer/kernel/).
void register_process_syscalls();
void register_memory_syscalls();
void register_file_syscalls();
void register_time_syscalls();
void register_resource_syscalls();  // times, getrusage: kernel/sys_resource.cpp
void register_signal_syscalls();
void register_system_syscalls();
void register_module_syscalls();  // init/finit/delete_module: kernel/sys_module.cpp
void register_log_syscalls();  // syslog(2): kernel/sys_syslog.cpp

}  // namespace bsdlayer
