// Kernel ports (see kernel_port.h). transport.cpp's send() does the
// delivery; this file makes and ends them.
#include "microcore/ipc/kernel_port.h"

#include "microcore/ipc/rights.h"
#include "rtl/ref_ptr.h"

namespace microcore::ipc {

Port* create_kernel_port(KernelReceiver receiver) {
  RTL_ASSERT(receiver.deliver);
  auto made = rtl::try_make_ref_counted<Port>();
  if (made.is_error()) return nullptr;
  Port* port = made.value().leak_ref();  // the kernel's receive right
  port->kernel_receiver = receiver;
  return port;
}

bool deliver_plain_to_kernel(IpcSpace& sender, const uint8_t* bytes, size_t size) {
  mach_msg_header_t header;
  if (size < sizeof header || size % 4 != 0 || size > AMPHI_MSG_MAX_INLINE) return false;
  __builtin_memcpy(&header, bytes, sizeof header);
  if (header.msgh_size != size || header.msgh_bits != MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, 0) ||
      header.msgh_local_port != MACH_PORT_NULL || header.msgh_voucher_port != MACH_PORT_NULL)
    return false;
  SpaceEntry* entry = sender.lookup(header.msgh_remote_port);
  if (!entry || !(entry->bits & RightSend) || !entry->port) return false;
  Port& port = *entry->port;
  if (!port.active() || !is_kernel_port(port)) return false;
  port.kernel_receiver.deliver(port.kernel_receiver.context, header.msgh_id, bytes + sizeof header,
                               size - sizeof header);
  return true;
}

void destroy_kernel_port(Port* port) {
  RTL_ASSERT(is_kernel_port(*port));
  port->kernel_receiver = {};
  destroy_receive(port);  // dead names for the holders, drops our reference
}

}  // namespace microcore::ipc
