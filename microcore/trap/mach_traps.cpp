// The system-call entry: Mach traps by number (microcore/abi/traps.h), and
// everything below the Mach class handed to the personality (bsdlayer).
//
// Each trap decodes and checks its arguments first (user pointers are copied
// through hal::copy_*_user, sizes are bounded) and only then acts, as seL4
// splits decode from commit: a bad argument returns an error before any
// state changes.
#include "hal/clock.h"
#include "hal/context.h"
#include "hal/user_memory.h"
#include "microcore/abi/message.h"
#include "microcore/abi/traps.h"
#include "microcore/address_map_glue.h"
#include "microcore/device_services.h"
#include "microcore/ipc_glue.h"
#include "microcore/microcore.h"
#include "microcore/personality.h"
#include "microcore/scheduler.h"
#include "microcore/task.h"
#include "rtl/log.h"

namespace microcore {
namespace {

PersonalitySyscall g_personality = nullptr;  // set once at boot by bsdlayer
constexpr int64_t kNoSuchSystemCall = -38;   // -ENOSYS, as Linux returns it

struct Arguments {
  uint64_t a0, a1, a2, a3, a4, a5;
};

int64_t trap_debug_write(const Arguments& a) {
  constexpr size_t kMax = 512;
  if (a.a1 > kMax) return KERN_INVALID_ARGUMENT;
  char text[kMax];
  if (!hal::copy_from_user(text, a.a0, a.a1)) return KERN_INVALID_ADDRESS;
  size_t length = a.a1;
  while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\0')) --length;
  rtl::pr_info("{}", std::string_view(text, length));
  return KERN_SUCCESS;
}

[[noreturn]] void trap_task_exit(const Arguments& a) {
  Task* task = current_thread()->task;
  int status = static_cast<int>(a.a0);
  rtl::pr_info("task {} ({}) exited with status {}", task->id(), task->name(), status);
  task->kill(status);
  thread_exit();
}

int64_t trap_vm_allocate(const Arguments& a) {
  Task* task = current_thread()->task;
  uint64_t size = a.a1;
  if (size == 0 || size > (1ull << 40)) return KERN_INVALID_ARGUMENT;
  size = (size + 4095) & ~uint64_t(4095);
  auto address = address_map(*task).map_anonymous(size, vm::Protection::read_write());
  if (address.is_error())
    return address.error().code() == rtl::Errc::no_memory ? KERN_RESOURCE_SHORTAGE : KERN_NO_SPACE;
  uint64_t value = address.value();
  if (!hal::copy_to_user(a.a0, &value, sizeof value)) {
    (void)address_map(*task).unmap(value, size);
    return KERN_INVALID_ADDRESS;
  }
  return KERN_SUCCESS;
}

int64_t trap_vm_deallocate(const Arguments& a) {
  // Bounded before rounding, so a size near 2^64 cannot wrap to nothing.
  if ((a.a0 & 4095) || a.a1 > hal::kUserMemoryEnd) return KERN_INVALID_ARGUMENT;
  auto result = address_map(*current_thread()->task).unmap(a.a0, (a.a1 + 4095) & ~uint64_t(4095));
  return result.is_ok() ? KERN_SUCCESS : KERN_INVALID_ADDRESS;
}

int64_t trap_task_self_info(const Arguments& a) {
  Task* task = current_thread()->task;
  amphi_task_info info{};
  info.task_id = task->id();
  info.cpu_time_ns = task->cpu_time_ns();
  static_assert(sizeof info.name >= Task::kNameLength);
  __builtin_memcpy(info.name, task->name(), Task::kNameLength);
  return hal::copy_to_user(a.a0, &info, sizeof info) ? KERN_SUCCESS : KERN_INVALID_ADDRESS;
}

kern_return_t device_error(const rtl::Error& error) {
  switch (error.code()) {
    case rtl::Errc::permission_denied: return KERN_PROTECTION_FAILURE;
    case rtl::Errc::no_memory: return KERN_RESOURCE_SHORTAGE;
    case rtl::Errc::busy: return KERN_FAILURE;
    case rtl::Errc::not_found: return KERN_INVALID_NAME;
    default: return KERN_INVALID_ARGUMENT;
  }
}

int64_t trap_device_map(const Arguments& a) {
  auto address = map_device_memory(*current_thread()->task, a.a0, a.a1);
  if (address.is_error()) return device_error(address.error());
  uint64_t value = address.value();
  return hal::copy_to_user(a.a2, &value, sizeof value) ? KERN_SUCCESS : KERN_INVALID_ADDRESS;
}

int64_t trap_dma_allocate(const Arguments& a) {
  auto buffer = allocate_dma_buffer(*current_thread()->task, a.a0);
  if (buffer.is_error()) return device_error(buffer.error());
  if (!hal::copy_to_user(a.a1, &buffer.value().address, sizeof(uint64_t)) ||
      !hal::copy_to_user(a.a2, &buffer.value().physical, sizeof(uint64_t)))
    return KERN_INVALID_ADDRESS;
  return KERN_SUCCESS;
}

int64_t trap_interrupt_bind(const Arguments& a) {
  if (a.a0 > 255) return KERN_INVALID_ARGUMENT;
  auto bound = bind_interrupt(*current_thread()->task, static_cast<uint8_t>(a.a0), static_cast<uint32_t>(a.a1));
  return bound.is_ok() ? KERN_SUCCESS : device_error(bound.error());
}

int64_t trap_interrupt_ack(const Arguments& a) {
  if (a.a0 > 255) return KERN_INVALID_ARGUMENT;
  auto acked = acknowledge_interrupt(*current_thread()->task, static_cast<uint8_t>(a.a0));
  return acked.is_ok() ? KERN_SUCCESS : device_error(acked.error());
}

// Returns the value read (a 32-bit quantity, so never negative) or -kr.
int64_t trap_device_config(const Arguments& a) {
  if (a.a0 > 0xffff || a.a1 > 4 || a.a2 > 0xffffffffull) return -KERN_INVALID_ARGUMENT;
  auto result = pci_config_access(*current_thread()->task, static_cast<uint16_t>(a.a0), static_cast<uint8_t>(a.a1),
                                   static_cast<uint32_t>(a.a2), a.a3 != 0);
  return result.is_ok() ? int64_t{result.value()} : -int64_t{device_error(result.error())};
}

int64_t trap_msi_bind(const Arguments& a) {
  Task& task = *current_thread()->task;
  auto binding = bind_msi(task, static_cast<uint32_t>(a.a0));
  if (binding.is_error()) return device_error(binding.error());
  if (!hal::copy_to_user(a.a1, &binding.value().address, sizeof(uint64_t)) ||
      !hal::copy_to_user(a.a2, &binding.value().data, sizeof(uint32_t))) {
    release_msi(task);  // the caller cannot have learnt the message: take the vector back
    return KERN_INVALID_ADDRESS;
  }
  return KERN_SUCCESS;
}

int64_t mach_trap(uint32_t number, const Arguments& a) {
  switch (number) {
    case AMPHI_TRAP_NULL: return 0;
    case AMPHI_TRAP_DEBUG_WRITE: return trap_debug_write(a);
    case AMPHI_TRAP_TASK_EXIT: trap_task_exit(a);
    case AMPHI_TRAP_THREAD_YIELD: yield(); return KERN_SUCCESS;
    case AMPHI_TRAP_CLOCK_NS: return static_cast<int64_t>(hal::clock::now_ns());
    case AMPHI_TRAP_MACH_MSG: return ipc_trap_mach_msg(a.a0, static_cast<uint32_t>(a.a1), static_cast<uint32_t>(a.a2),
                                                       static_cast<uint32_t>(a.a3), static_cast<uint32_t>(a.a4), a.a5);
    case AMPHI_TRAP_PORT_ALLOCATE: return ipc_trap_port_allocate(static_cast<uint32_t>(a.a0));
    case AMPHI_TRAP_PORT_DEALLOCATE: return ipc_trap_port_deallocate(static_cast<uint32_t>(a.a0));
    case AMPHI_TRAP_PORT_MOD_REFS:
      return ipc_trap_port_mod_refs(static_cast<uint32_t>(a.a0), static_cast<uint32_t>(a.a1),
                                    static_cast<int32_t>(a.a2));
    case AMPHI_TRAP_PORT_INSERT_RIGHT:
      return ipc_trap_port_insert_right(static_cast<uint32_t>(a.a0), static_cast<uint32_t>(a.a1));
    case AMPHI_TRAP_PORT_MOVE_MEMBER:
      return ipc_trap_port_move_member(static_cast<uint32_t>(a.a0), static_cast<uint32_t>(a.a1));
    case AMPHI_TRAP_PORT_REQUEST_NOTIFICATION:
      return ipc_trap_request_notification(static_cast<uint32_t>(a.a0), static_cast<int32_t>(a.a1),
                                           static_cast<uint32_t>(a.a2));
    case AMPHI_TRAP_BOOTSTRAP_REGISTER: return ipc_trap_bootstrap_register(a.a0, a.a1, static_cast<uint32_t>(a.a2));
    case AMPHI_TRAP_BOOTSTRAP_LOOK_UP: return ipc_trap_bootstrap_look_up(a.a0, a.a1);
    case AMPHI_TRAP_VM_ALLOCATE: return trap_vm_allocate(a);
    case AMPHI_TRAP_VM_DEALLOCATE: return trap_vm_deallocate(a);
    case AMPHI_TRAP_TASK_SELF_INFO: return trap_task_self_info(a);
    case AMPHI_TRAP_DEVICE_MAP: return trap_device_map(a);
    case AMPHI_TRAP_DMA_ALLOCATE: return trap_dma_allocate(a);
    case AMPHI_TRAP_INTERRUPT_BIND: return trap_interrupt_bind(a);
    case AMPHI_TRAP_INTERRUPT_ACK: return trap_interrupt_ack(a);
    case AMPHI_TRAP_DEVICE_CONFIG: return trap_device_config(a);
    case AMPHI_TRAP_MSI_BIND: return trap_msi_bind(a);
    default: return -KERN_INVALID_ARGUMENT;
  }
}

}  // namespace

void set_personality_syscall(PersonalitySyscall handler) { g_personality = handler; }

void handle_syscall(hal::TrapFrame& frame) {
  uint64_t number = frame.rax;
  Arguments a{frame.rdi, frame.rsi, frame.rdx, frame.r10, frame.r8, frame.r9};
  if (number >= AMPHI_MACH_TRAP_BASE && number < AMPHI_MACH_TRAP_BASE + AMPHI_TRAP_COUNT) {
    frame.rax = static_cast<uint64_t>(mach_trap(static_cast<uint32_t>(number - AMPHI_MACH_TRAP_BASE), a));
    return;
  }
  if (number < AMPHI_MACH_TRAP_BASE && g_personality && current_thread()->task->personality) {
    g_personality(reinterpret_cast<UserFrame&>(frame));
    return;
  }
  frame.rax = static_cast<uint64_t>(kNoSuchSystemCall);
}

// Order matters: IPC rights first (no message can map memory any more),
// then the address map (unmaps DMA buffers), then devices (frees them).
void run_task_exit_hook(Task& task);  // task/personality.cpp

void teardown_task(Task& task) {
  run_task_exit_hook(task);
  ipc_detach_space(task);
  detach_address_map(task);
  release_devices(task);
}

void init_task_subsystems() { set_task_teardown(teardown_task); }

}  // namespace microcore
