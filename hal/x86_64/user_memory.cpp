#include "hal/user_memory.h"

extern "C" uint64_t hal_user_copy(void* destination, const void* source, uint64_t length);
extern "C" char hal_user_copy_begin[], hal_user_copy_end[], hal_user_copy_fault[];

namespace hal {

bool copy_from_user(void* destination, uintptr_t user_source, size_t length) {
  if (!is_user_range(user_source, length)) return false;
  if (length == 0) return true;
  return hal_user_copy(destination, reinterpret_cast<const void*>(user_source), length) == 0;
}

bool copy_to_user(uintptr_t user_destination, const void* source, size_t length) {
  if (!is_user_range(user_destination, length)) return false;
  if (length == 0) return true;
  return hal_user_copy(reinterpret_cast<void*>(user_destination), source, length) == 0;
}

bool is_user_copy_fault(const TrapFrame& frame) {
  return !frame.from_user() && frame.rip >= reinterpret_cast<uintptr_t>(hal_user_copy_begin) &&
         frame.rip < reinterpret_cast<uintptr_t>(hal_user_copy_end);
}

void fix_up_user_copy(TrapFrame& frame) { frame.rip = reinterpret_cast<uintptr_t>(hal_user_copy_fault); }

}  // namespace hal
