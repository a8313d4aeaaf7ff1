// OolHooks: how the IPC core moves out-of-line memory without knowing the VM.
// The VM implements these with copy-on-write mappings; the IPC core only
// carries the opaque handles between copyin and copyout.
//
// Contract (all-or-nothing copyin):
//   copyin   captures [address, address+size) of the calling (sender's) hooks
//            context and returns a nonzero handle. It must NOT change the
//            sender's address space, even when `deallocate` is true (that
//            flag is information: the range is being moved). Errors make the
//            send fail with MACH_SEND_INVALID_MEMORY.
//   deallocate_source  called only after the whole message copied in
//            successfully, once per descriptor whose deallocate flag was set:
//            the VM unmaps the sender's range now. May be null (nothing
//            unmapped). Cannot fail (a failure has no one to report to).
//   copyout  maps the handle into the receiver's context and returns the new
//            address; on success the handle is consumed. On failure the
//            handle still belongs to the IPC core, which discards it.
//   discard  drops a handle that will never be copied out (message destroyed,
//            copyout failed). Takes no context on purpose: a queued message
//            can outlive its sender, so a handle must stand alone.
// A zero-size OOL region has no handle (0) and is received at address 0.
#pragma once

#include <stdint.h>

#include "rtl/result.h"

namespace microcore::ipc {

using OolHandle = uintptr_t;  // 0 means "no region"

struct OolHooks {
  void* context = nullptr;
  rtl::Result<OolHandle> (*copyin)(void* context, uint64_t address, uint64_t size,
                                   bool deallocate) = nullptr;
  void (*deallocate_source)(void* context, uint64_t address, uint64_t size) = nullptr;
  rtl::Result<uint64_t> (*copyout)(void* context, OolHandle handle, uint64_t size) = nullptr;
  void (*discard)(OolHandle handle) = nullptr;
};

}  // namespace microcore::ipc
