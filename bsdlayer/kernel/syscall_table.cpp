#include "bsdlayer/syscall_table.h"

#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/process.h"
#include "rtl/log.h"

namespace bsdlayer {
namespace {

constexpr uint32_t kTableSize = 512;
// Filled at boot, read-only afterwards.
SyscallHandler g_handlers[kTableSize];
// Which unimplemented numbers were already reported (written racily on
// purpose: at worst a second log line).
uint64_t g_reported[kTableSize / 64];

}  // namespace

void register_syscall(uint32_t number, SyscallHandler handler) {
  if (number < kTableSize) g_handlers[number] = handler;
}

void dispatch_syscall(microcore::UserFrame& frame) {
  uint64_t number = frame.rax;
  SyscallContext context{frame, {frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9}};
  SyscallHandler handler = number < kTableSize ? g_handlers[number] : nullptr;
  if (!handler) {
    if (number < kTableSize && !(g_reported[number / 64] & (1ull << (number % 64)))) {
      g_reported[number / 64] |= 1ull << (number % 64);
      microcore::Task& task = microcore::current_task();
      // Unassigned numbers have no name (syscall_name gives null).
      const char* name = linux_abi::syscall_name(static_cast<uint32_t>(number));
      rtl::pr_warn("bsdlayer: {} ({}) called unimplemented system call {} ({}): ENOSYS", task.name(), task.id(),
                   name ? name : "unassigned", number);
    }
    frame.rax = static_cast<uint64_t>(-int64_t(LINUX_ENOSYS));
    return;
  }
  int64_t result = handler(context);
  // rt_sigreturn hands back the interrupted rax, which is no result of its own.
  if (result == -LINUX_EINTR && number != static_cast<uint64_t>(linux_abi::Syscall::rt_sigreturn))
  {
    current_process()->interrupted_syscall = static_cast<int64_t>(number);
    current_process()->interrupted_thread = microcore::current_thread_handle();  // threads share the process
  }
  frame.rax = static_cast<uint64_t>(result);
}

}  // namespace bsdlayer
