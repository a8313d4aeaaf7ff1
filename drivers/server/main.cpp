// drvserver: one driver instance as a Ring 3 server. The kernel's server
// backend (executive/io/server_backend.cpp) starts it suspended, grants it
// exactly its device's resources, maps the transfer area and persistent
// memory, and gives it two port names as arguments:
//
//   drvserver <device> <request port> <kernel port>
//
// The request port (a receive right) brings, in arrival order, the kernel's
// kStart / kCancelParked / kStop / kInject, and ahead of them port signals:
// the device's interrupts and the kernel's doorbell. The requests themselves
// wait in the shared RequestRing, which the loop empties before it handles
// a message and before it sleeps. Signals raised while the loop works wait
// in the ring page's mailbox, which it also looks at before it sleeps.
// Answers go to the kernel port, which the kernel itself receives on. The
// server is single-threaded: the driver's entry points run one at a time,
// as the DeviceHost contract requires.
//
// The driver code is the same the kernel runs (drivers/catalog.h); only the
// host beneath it differs.
#include "drivers/catalog.h"
#include "drivers/request_intake.h"
#include "faults.h"
#include "libmach/mach.h"
#include "server_host.h"

namespace {

namespace protocol = drivers::protocol;

using Received = mach::InlineMessage;

// The driver instance lives here; no heap in the server.
constexpr size_t kInstanceBytes = 16 * 1024;
alignas(64) uint8_t g_instance[kInstanceBytes];

struct Server {
  drvserver::ServerHost& host;
  const drivers::DriverKind* kind = nullptr;
  drivers::Driver* driver = nullptr;
};

template <typename T>
bool read_body(const Received& message, T* out) {
  if (message.byte_count() < sizeof *out) return false;
  memcpy(out, message.bytes, sizeof *out);
  return true;
}

void start(Server& server, const Received& message) {
  static protocol::StartBody body;  // large: not on the 64 KiB stack
  protocol::StartedBody started{};
  started.status = int32_t(drivers::StartStatus::failed);
  if (server.driver || !read_body(message, &body)) {
    server.host.send_to_kernel(protocol::kStarted, &started, sizeof started);
    return;
  }
  body.kind[sizeof body.kind - 1] = '\0';
  if (body.fail_start) drvserver::perform_fault(server.host, protocol::Fault::fail_start);
  server.kind = drivers::find_driver_kind(body.kind);
  if (!server.kind || server.kind->instance_size > kInstanceBytes ||
      server.kind->instance_align > 64) {
    mach::print("drvserver: no driver \"%s\" fits this server\n", body.kind);
    server.host.send_to_kernel(protocol::kStarted, &started, sizeof started);
    return;
  }
  server.host.configure(body);
  drivers::Driver* driver = server.kind->construct(g_instance);
  drivers::StartStatus status =
      driver->start(server.host, body.info, body.has_state ? &body.state : nullptr);
  started.status = int32_t(status);
  if (status == drivers::StartStatus::ok) {
    started.geometry = driver->geometry();
    server.driver = driver;
  } else {
    server.kind->destroy(driver);
  }
  server.host.send_to_kernel(protocol::kStarted, &started, sizeof started);
}

// Answers a request the driver never saw.
void refuse(Server& server, drivers::IoRequest& request, int32_t status) {
  request.status = status;
  request.transferred = 0;
  server.host.answer(request);
}

void stop(Server& server) {
  if (server.host.take_refuse_stop()) {
    server.host.log("injected fault: not answering this stop");
    return;  // the kernel gives up waiting and keeps this instance
  }
  drivers::SavedState state;
  if (server.driver) {
    server.driver->stop(state);
    server.kind->destroy(server.driver);
    server.driver = nullptr;
  }
  // The kernel ends this task once it has the state.
  server.host.send_to_kernel(protocol::kStopped, &state, sizeof state);
}

void inject(Server& server, const Received& message) {
  protocol::InjectBody body{};
  if (!read_body(message, &body)) return;
  if (body.fault == protocol::Fault::none) {
    server.host.send_to_kernel(protocol::kAlive, nullptr, 0);
    return;
  }
  drvserver::perform_fault(server.host, body.fault);
}

// Mach's receive errors start here; below are the send errors.
constexpr mach_msg_return_t kFirstReceiveError = 0x10004000;

// Port signals, from a signal message (AMPHI_MSG_ID_SIGNALS) or the
// mailbox: bits other than the doorbell are the device's interrupts (an ISA
// line or the MSI vector: the server binds only its own device's).
bool has_interrupt(uint32_t signals) {
  return (signals & ~protocol::kDoorbellSignal) != 0;
}

uint32_t signals_of(const Received& message) {
  if (message.byte_count() < sizeof(uint32_t)) return 0;
  uint32_t bits;
  __builtin_memcpy(&bits, message.bytes, sizeof bits);  // one load, not a call (-ffreestanding)
  return bits;
}

// Every request the kernel queued so far, in its order
// (drivers/request_intake.h).
void take_requests(Server& server) {
  drivers::take_queued_requests(
      server.host, [&] { return server.host.slots().take(); },
      [&](drivers::IoRequest& slot) {
        if (server.driver) return server.driver->submit(slot);
        server.host.slots().release(slot);
        refuse(server, slot, drivers::kIoNoDevice);
      },
      [&](drivers::IoRequest& overflow) { refuse(server, overflow, drivers::kIoError); });
}

}  // namespace

int main(const char* args) {
  // Arguments: "<device> <request port> <kernel port>".
  static char device[16];
  size_t length = 0;
  while (args[length] && args[length] != ' ' && length + 1 < sizeof device) {
    device[length] = args[length];
    ++length;
  }
  const char* rest = args + length;
  while (*rest == ' ') ++rest;
  mach_port_name_t requests = mach_port_name_t(mach::parse_decimal(rest, 0));
  while (*rest && *rest != ' ') ++rest;
  while (*rest == ' ') ++rest;
  mach_port_name_t kernel = mach_port_name_t(mach::parse_decimal(rest, 0));
  if (!requests || !kernel) {
    mach::print("drvserver: usage: drvserver <device> <request port> <kernel port>\n");
    return 2;
  }

  static drvserver::ServerHost host(device, requests,
                                    kernel);  // buffers and slots: not on the stack
  Server server{host};
  for (;;) {
    // The driver may have asked its device not to interrupt while we were
    // busy with it (Driver::arm_interrupt). It asks again before the
    // handshake below, so an interrupt from now on wakes us or waits in the
    // mailbox; what finished before that is handled first.
    if (server.driver && server.driver->arm_interrupt()) {
      server.driver->interrupt();
      continue;
    }
    uint32_t signals;
    if (!host.prepare_to_sleep(&signals)) {  // requests or interrupts came while we worked
      // Completions first: the device stays quiet while we pass new
      // requests on.
      if (server.driver && has_interrupt(signals)) server.driver->interrupt();
      take_requests(server);
      continue;
    }
    // The answers so far go out with this receive: one trap, one buffer.
    mach_msg_size_t reply_size;
    Received& message = host.exchange(&reply_size);
    mach_msg_return_t result =
        mach::mach_msg(&message.header, MACH_RCV_MSG | (reply_size ? MACH_SEND_MSG : 0), reply_size,
                       sizeof message, requests);
    host.awake();
    if (result != MACH_MSG_SUCCESS && result < kFirstReceiveError && reply_size) {
      // The send half failed and nothing was received: the kernel's port is
      // gone with this instance. Say so and keep listening.
      mach::print("drvserver %s: send to the kernel: %s\n", device, mach::error_name(result));
      continue;
    }
    if (result != MACH_MSG_SUCCESS) {
      mach::print("drvserver %s: receive failed: %s\n", device, mach::error_name(result));
      return 1;
    }
    mach_msg_id_t id = message.header.msgh_id;
    if (id == int32_t(AMPHI_MSG_ID_SIGNALS)) {
      // As above: completions, then the requests queued (the doorbell
      // signal itself says only that there are some).
      if (server.driver && has_interrupt(signals_of(message))) server.driver->interrupt();
      take_requests(server);
      continue;
    }
    // Requests queued before this message was sent come first.
    take_requests(server);
    if (id == protocol::kStart) {
      start(server, message);
    } else if (id == protocol::kStop) {
      stop(server);
    } else if (id == protocol::kInject) {
      inject(server, message);
    } else if (id == protocol::kCancelParked && server.driver) {
      server.driver->cancel_parked();
    }
  }
}

// The abstract classes' vtables (Driver, DeviceHost) name this; reaching it
// is a bug, and a crash is the honest answer.
extern "C" [[noreturn]] void __cxa_pure_virtual() {
  __builtin_trap();
}
