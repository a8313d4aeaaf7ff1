// The messages between the executive's server host and a driver server
// (drivers/server/): the server mode's whole wire format.
//
// Ports: the server receives on one port: control messages in arrival order
// and, ahead of them, port signals (AMPHI_MSG_ID_SIGNALS) for its device's
// interrupts and for kDoorbellSignal; it answers on a send right to a
// port the kernel itself receives on, whose messages the host handles as
// they are sent. Every body follows a mach_msg_header_t; msgh_id says which.
// Requests themselves and their completions travel in a shared RequestRing
// (request_ring.h), not in messages. The server takes every queued request
// before it handles any message, so a message is handled after the requests
// queued before it was sent; the kernel takes every published completion
// before it handles the server's next message, and whenever the server
// enters a receive, so it hears everything in the order it happened.
//
// Trust: nothing a server says is believed. The host checks every reply
// (known tag, sane status and length, expected id) and treats anything else
// as a "bad reply" fault, like a crash: the server is killed and restarted
// and its requests replayed.
#pragma once

#include <cstdint>

#include "drivers/driver.h"
#include "drivers/io_request.h"
#include "drivers/request_ring.h"

namespace drivers::protocol {

// Kernel -> server.
constexpr int32_t kStart = 0x44520001;         // StartBody; answered by kStarted
constexpr int32_t kStop = 0x44520003;          // no body; answered by kStopped
constexpr int32_t kInject = 0x44520004;        // InjectBody; the server misbehaves on purpose
constexpr int32_t kCancelParked = 0x44520005;  // no body: Driver::cancel_parked()
// Server -> kernel.
constexpr int32_t kStarted = 0x44528001;  // StartedBody
// 0x44528002 was kComplete: completions now go through the ring.
constexpr int32_t kStopped = 0x44528003;  // SavedState
// No body: the answer to a watchdog probe (kInject with fault none).
constexpr int32_t kAlive = 0x44528004;
constexpr int32_t kParked = 0x44528005;  // ParkedBody: DeviceHost::park()

// The port signal the kernel raises when the request ring has new entries
// and the server said it sleeps (request_ring.h). A signal, not a message:
// raising it allocates nothing.
constexpr uint32_t kDoorbellSignal = 1u << 24;  // AMPHI_SIGNAL_SERVICE(0)

// Faults `drvctl inject` asks for. The same fault in kernel mode is
// performed by the kernel host, where it brings the kernel down.
enum class Fault : uint32_t {
  none = 0,        // a liveness probe
  crash = 1,       // a null-pointer write: the server dies
  hang = 2,        // spins forever: the watchdog must notice
  wild_write = 3,  // writes a kernel address: the CPU refuses
  bad_reply = 4,   // completes the next request with a reply that cannot be right
  // Lifecycle faults, for a mode switch's error paths; survivable in both
  // modes (a monolith's driver may refuse to stop or fail its probe too).
  refuse_stop = 5,  // ignores the next stop: the switch gives up, the instance keeps running
  fail_start = 6,   // the device's next instance dies while starting: the switch rolls back
};

struct StartBody {
  DeviceInfo info;
  uint8_t has_state;
  uint8_t fail_start;  // Fault::fail_start was injected: die before answering
  SavedState state;
  // Where the host mapped the instance's memory into the server.
  uint64_t transfer_address, transfer_device, transfer_size;
  uint64_t persistent_address, persistent_device, persistent_size;
  uint64_t ring_address;  // the RequestRing page
  char kind[24];          // DriverKind::name
};

struct StartedBody {
  int32_t status;  // StartStatus
  Geometry geometry;
};

struct InjectBody {
  Fault fault;
};

struct ParkedBody {
  uint64_t tag;  // of a request in flight, which the watchdog then leaves alone
};

}  // namespace drivers::protocol
