// Kernel memory shared with a task (see microcore/shared_memory.h): a
// physical VM object, write-back cached, which the VM never frees.
#include "microcore/shared_memory.h"

#include "hal/memory_layout.h"
#include "microcore/address_map_glue.h"

namespace microcore {

rtl::Result<uint64_t> map_kernel_memory(Task& task, uint64_t physical, uint64_t size, bool writable,
                                        uint64_t address, bool fixed) {
  if (size == 0 || (physical % hal::kPageSize) || (size % hal::kPageSize) || (address % hal::kPageSize))
    return rtl::Error(rtl::Errc::invalid_argument, "kernel memory is shared in whole pages");
  if (!task.address_map) return rtl::Error(rtl::Errc::not_supported, "task has no address map");
  vm::Protection protection = writable ? vm::Protection::read_write() : vm::Protection::read_only();
  vm::AddressMap& map = address_map(task);
  uint64_t mapped = TRY(map.map_physical(physical, size, protection, vm::CacheMode::write_back, address, fixed));
  for (uint64_t offset = 0; offset < size; offset += hal::kPageSize) {
    auto entered = map.fault(mapped + offset, writable ? vm::Access::write : vm::Access::read, true);
    if (entered.is_error()) {
      (void)map.unmap(mapped, size);  // region edges: cannot fail
      return entered.error();
    }
  }
  return mapped;
}

rtl::Result<void> unmap_kernel_memory(Task& task, uint64_t address, uint64_t size) {
  if (!task.address_map) return rtl::Error(rtl::Errc::not_supported, "task has no address map");
  return address_map(task).unmap(address, size);
}

}  // namespace microcore
