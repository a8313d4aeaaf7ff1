// Fault injection (drvctl inject): the server runtime misbehaves on
// purpose, never the driver code, so every driver can be tested against
// the kernel's recovery without carrying test code of its own.
#pragma once

#include "drivers/server_protocol.h"
#include "server_host.h"

namespace drvserver {

// crash, hang, wild_write and fail_start do not return; bad_reply and
// refuse_stop arm the host.
void perform_fault(ServerHost& host, drivers::protocol::Fault fault);

}  // namespace drvserver
