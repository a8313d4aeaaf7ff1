// The IPC core's out-of-line memory hooks (microcore/ipc/ool.h) implemented
// with VmCopy. The hooks' context is the AddressMap of the task on whose
// behalf the IPC runs: the sender's for copyin/deallocate_source, the
// receiver's for copyout. A handle is a VmCopy*.
#pragma once

#include "microcore/ipc/ool.h"
#include "microcore/vm/address_map.h"

namespace microcore::vm {

// copyin: copy_in(map, address, size, false), leaving the sender unchanged
//   as the contract demands; size 0 -> handle 0.
// deallocate_source: unmaps the page-rounded range (cannot fail: copyin
//   already made its edges region boundaries).
// copyout: copy_out(map, copy); handle 0 -> address 0; a size different
//   from the captured one is Errc::invalid_argument.
// discard: discard(copy).
ipc::OolHooks make_ool_hooks(AddressMap& map);

}  // namespace microcore::vm
