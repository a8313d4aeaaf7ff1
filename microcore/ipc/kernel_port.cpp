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

void destroy_kernel_port(Port* port) {
  RTL_ASSERT(is_kernel_port(*port));
  port->kernel_receiver = {};
  destroy_receive(port);  // dead names for the holders, drops our reference
}

}  // namespace microcore::ipc
