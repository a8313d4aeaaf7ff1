#include "microcore/vm/ool_hooks.h"

#include "microcore/vm/vm_copy.h"
#include "rtl/bits.h"

namespace microcore::vm {

namespace {

rtl::Result<ipc::OolHandle> hook_copyin(void* context, uint64_t address, uint64_t size, bool) {
  if (size == 0) return ipc::OolHandle{0};
  VmCopy* copy = TRY(copy_in(*static_cast<AddressMap*>(context), address, size, false));
  return reinterpret_cast<ipc::OolHandle>(copy);
}

void hook_deallocate_source(void* context, uint64_t address, uint64_t size) {
  if (size == 0 || address < kUserBase || address >= kUserEnd || size > kUserEnd - address) return;
  uint64_t start = rtl::align_down(address, kPageSize);
  uint64_t end = rtl::align_up(address + size, kPageSize);
  // Cannot fail after copyin made start and end region boundaries; if a
  // caller broke that, the range simply stays mapped.
  (void)static_cast<AddressMap*>(context)->unmap(start, end - start);
}

rtl::Result<uint64_t> hook_copyout(void* context, ipc::OolHandle handle, uint64_t size) {
  if (handle == 0) return uint64_t{0};
  auto* copy = reinterpret_cast<VmCopy*>(handle);
  if (copy->size() != size) return rtl::Error(rtl::Errc::invalid_argument, "OOL size mismatch");
  return copy_out(*static_cast<AddressMap*>(context), copy);
}

void hook_discard(ipc::OolHandle handle) { discard(reinterpret_cast<VmCopy*>(handle)); }

}  // namespace

ipc::OolHooks make_ool_hooks(AddressMap& map) {
  ipc::OolHooks hooks;
  hooks.context = &map;
  hooks.copyin = hook_copyin;
  hooks.deallocate_source = hook_deallocate_source;
  hooks.copyout = hook_copyout;
  hooks.discard = hook_discard;
  return hooks;
}

}  // namespace microcore::vm
