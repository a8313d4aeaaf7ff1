// ipctest: the microcore's answer to bad input, checked from Ring 3 against
// the live kernel. Each check asserts the exact Mach code the kernel must
// return for one kind of malformed request (messages, rights the task does
// not hold, absurd sizes, invalid names, user pointers into the kernel or
// into unmapped memory), plus the IPC behaviour the error paths sit next to
// (queue back-pressure, port sets, out-of-line copy-on-write, dead-name and
// no-senders notifications). One line per check:
//
//   ipctest: ok <name>
//   ipctest: FAIL <name>: got <code> expected <code>
//
// then "ipctest: <N> passed, <M> failed"; the exit status is M.
//
// Run two copies (demo=ipctest): "ipctest peer" registers "ipctest-peer",
// waits for one message and exits, so its receive right dies and the main
// copy ("ipctest") sees the dead-name notification it asked for. Whether the
// kernel leaked anything on the error paths is checked kernel-side; this
// program only sees the codes and its own memory.
#include "libmach/mach.h"

namespace {

constexpr uint64_t kKernelAddress = 0xffff800000000000;
constexpr uint64_t kUnmappedAddress = 0x0000100000000000;  // user half, never mapped here
constexpr uint64_t kPage = 4096;
constexpr uint64_t kOolSize = 64 << 10;
constexpr mach_port_name_t kBogusName = 0x00abcdef;  // index far past any table
constexpr char kPeerService[] = "ipctest-peer";
constexpr int kLookUpAttempts = 10000;                   // each followed by thread_yield
constexpr uint64_t kNotificationTimeoutNs = 5000000000;  // a missing notification fails, not hangs
constexpr int64_t kEnosys = -38;

// XNU's 64-bit user layout (pack(4)): descriptors follow the 4-byte body
// directly, at offset 28.
struct [[gnu::packed]] OolMessage {
  mach_msg_header_t header;
  mach_msg_body_t body;
  mach_msg_ool_descriptor_t ool;
};
static_assert(offsetof(OolMessage, ool) == 28 && sizeof(OolMessage) == 44);

struct [[gnu::packed]] TwoOolMessage {
  mach_msg_header_t header;
  mach_msg_body_t body;
  mach_msg_ool_descriptor_t ool[2];
};
static_assert(sizeof(TwoOolMessage) == 60);

struct [[gnu::packed]] PortMessage {
  mach_msg_header_t header;
  mach_msg_body_t body;
  mach_msg_port_descriptor_t port;
  uint32_t slot_pad;  // a port descriptor occupies a 16-byte slot
};
static_assert(sizeof(PortMessage) == 44);

// Big enough for any message plus slack, so oversize sends read our memory.
union Buffer {
  mach::InlineMessage inline_message;
  OolMessage ool;
  TwoOolMessage two_ool;
  PortMessage port;
  mach_dead_name_notification_t dead_name;
  mach_no_senders_notification_t no_senders;
  uint8_t raw[AMPHI_MSG_MAX_INLINE + 64];
};
Buffer g_send;
Buffer g_receive;

int g_passed = 0;
int g_failed = 0;

void describe(char* out, size_t capacity, int64_t code) {
  // "0x10000003 MACH_SEND_INVALID_DEST" or "-38": short, greppable.
  const char* name = code >= 0 && code <= 0x7fffffff
                         ? mach::error_name(static_cast<kern_return_t>(code))
                         : "unknown error";
  static const char kHex[] = "0123456789abcdef";
  size_t n = 0;
  auto put = [&](char c) {
    if (n + 1 < capacity) out[n++] = c;
  };
  if (code < 0) {
    put('-');
    uint64_t v = 0 - static_cast<uint64_t>(code);
    char digits[20];
    int count = 0;
    do digits[count++] = static_cast<char>('0' + v % 10), v /= 10;
    while (v);
    while (count) put(digits[--count]);
  } else {
    put('0');
    put('x');
    uint64_t v = static_cast<uint64_t>(code);
    char digits[16];
    int count = 0;
    do digits[count++] = kHex[v & 15], v >>= 4;
    while (v);
    while (count) put(digits[--count]);
    if (!mach::string_equal(name, "unknown error")) {
      put(' ');
      for (const char* s = name; *s; ++s) put(*s);
    }
  }
  out[n] = '\0';
}

void expect(const char* name, int64_t got, int64_t expected) {
  if (got == expected) {
    ++g_passed;
    mach::print("ipctest: ok %s\n", name);
    return;
  }
  ++g_failed;
  char got_text[64], expected_text[64];
  describe(got_text, sizeof got_text, got);
  describe(expected_text, sizeof expected_text, expected);
  mach::print("ipctest: FAIL %s: got %s expected %s\n", name, got_text, expected_text);
}

// For facts that are not return codes (a byte count, an id): plain numbers.
void expect_value(const char* name, uint64_t got, uint64_t expected) {
  if (got == expected) {
    ++g_passed;
    mach::print("ipctest: ok %s\n", name);
    return;
  }
  ++g_failed;
  mach::print("ipctest: FAIL %s: got %lu expected %lu\n", name, got, expected);
}

int64_t raw_syscall(uint64_t number) {
  uint64_t rax = number;
  asm volatile("syscall"
               : "+a"(rax)
               :
               : "rcx", "r11", "rdi", "rsi", "rdx", "r10", "r8", "r9", "memory");
  return static_cast<int64_t>(rax);
}

mach_port_name_t new_port() {
  mach_port_name_t name = MACH_PORT_NULL;
  kern_return_t kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &name);
  if (kr != KERN_SUCCESS) mach::print("ipctest: port_allocate failed: %s\n", mach::error_name(kr));
  return name;
}

// A header-only message to `dest` (which we hold the receive right for).
mach_msg_size_t simple(mach_port_name_t dest, uint32_t disposition, mach_msg_id_t id) {
  memset(&g_send, 0, sizeof(mach_msg_header_t) + 16);
  g_send.inline_message.header.msgh_bits = MACH_MSGH_BITS(disposition, 0);
  g_send.inline_message.header.msgh_size = sizeof(mach_msg_header_t);
  g_send.inline_message.header.msgh_remote_port = dest;
  g_send.inline_message.header.msgh_id = id;
  return sizeof(mach_msg_header_t);
}

mach_msg_return_t send(mach_msg_size_t size, uint32_t extra_options = 0, uint64_t timeout = 0) {
  return mach::mach_msg(&g_send.inline_message.header, MACH_SEND_MSG | extra_options, size, 0,
                        MACH_PORT_NULL, timeout);
}

mach_msg_return_t receive(mach_port_name_t name,
                          uint32_t rcv_size = sizeof(g_receive.inline_message),
                          uint32_t extra_options = MACH_RCV_TIMEOUT, uint64_t timeout = 0) {
  return mach::mach_msg(&g_receive.inline_message.header, MACH_RCV_MSG | extra_options, 0, rcv_size,
                        name, timeout);
}

// ---- mach_msg send: malformed messages ----

void check_send_header(mach_port_name_t port) {
  mach_msg_size_t size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  expect("send size smaller than a header", send(size - 4), MACH_SEND_MSG_TOO_SMALL);
  expect("send size zero", send(0), MACH_SEND_MSG_TOO_SMALL);

  simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_size = 26;
  expect("send size not a multiple of 4", send(26), MACH_SEND_MSG_TOO_SMALL);

  simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_size = AMPHI_MSG_MAX_INLINE + 4;
  expect("send size past AMPHI_MSG_MAX_INLINE", send(AMPHI_MSG_MAX_INLINE + 4),
         MACH_SEND_TOO_LARGE);
  expect("send size 4 GiB - 4", send(0xfffffffc), MACH_SEND_TOO_LARGE);

  simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_size = 28;
  expect("send_size != msgh_size", send(32), MACH_SEND_INVALID_HEADER);

  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_bits |= 0x00002000;
  expect("unused header bits", send(size), MACH_SEND_INVALID_HEADER);

  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_voucher_port = port;
  expect("non-null voucher", send(size), MACH_SEND_INVALID_HEADER);

  size = simple(port, MACH_MSG_TYPE_MOVE_RECEIVE, 1);
  expect("destination disposition MOVE_RECEIVE", send(size), MACH_SEND_INVALID_HEADER);
  size = simple(port, 0, 1);
  expect("destination disposition 0", send(size), MACH_SEND_INVALID_HEADER);
  size = simple(port, 99, 1);
  expect("destination disposition 99", send(size), MACH_SEND_INVALID_HEADER);

  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 99);
  g_send.inline_message.header.msgh_local_port = port;
  expect("reply disposition 99", send(size), MACH_SEND_INVALID_HEADER);
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_local_port = port;  // a reply port with no disposition
  expect("reply port without disposition", send(size), MACH_SEND_INVALID_HEADER);
}

void check_send_rights(mach_port_name_t port) {
  mach_msg_size_t size = simple(kBogusName, MACH_MSG_TYPE_COPY_SEND, 1);
  expect("destination name that does not exist", send(size), MACH_SEND_INVALID_DEST);
  size = simple(MACH_PORT_NULL, MACH_MSG_TYPE_COPY_SEND, 1);
  expect("destination MACH_PORT_NULL", send(size), MACH_SEND_INVALID_DEST);
  size = simple(MACH_PORT_DEAD, MACH_MSG_TYPE_COPY_SEND, 1);
  expect("destination MACH_PORT_DEAD", send(size), MACH_SEND_INVALID_DEST);
  // `port` holds only a receive right: no send right to copy or move.
  size = simple(port, MACH_MSG_TYPE_COPY_SEND, 1);
  expect("COPY_SEND of a receive-only name", send(size), MACH_SEND_INVALID_DEST);
  size = simple(port, MACH_MSG_TYPE_MOVE_SEND, 1);
  expect("MOVE_SEND of a receive-only name", send(size), MACH_SEND_INVALID_DEST);
  size = simple(port, MACH_MSG_TYPE_MOVE_SEND_ONCE, 1);
  expect("MOVE_SEND_ONCE of a receive-only name", send(size), MACH_SEND_INVALID_DEST);

  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_bits =
      MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE);
  g_send.inline_message.header.msgh_local_port = kBogusName;
  expect("reply port name that does not exist", send(size), MACH_SEND_INVALID_REPLY);
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_bits =
      MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, MACH_MSG_TYPE_MOVE_SEND_ONCE);
  g_send.inline_message.header.msgh_local_port = port;
  expect("reply MOVE_SEND_ONCE of a receive-only name", send(size), MACH_SEND_INVALID_REPLY);
}

mach_msg_size_t complex_ool(mach_port_name_t port, uint64_t address, uint32_t size_bytes) {
  memset(&g_send.ool, 0, sizeof g_send.ool);
  g_send.ool.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
  g_send.ool.header.msgh_size = sizeof(OolMessage);
  g_send.ool.header.msgh_remote_port = port;
  g_send.ool.header.msgh_id = 7;
  g_send.ool.body.msgh_descriptor_count = 1;
  g_send.ool.ool.address = address;
  g_send.ool.ool.size = size_bytes;
  g_send.ool.ool.copy = MACH_MSG_VIRTUAL_COPY;
  g_send.ool.ool.type = MACH_MSG_OOL_DESCRIPTOR;
  return sizeof(OolMessage);
}

void check_send_descriptors(mach_port_name_t port, uint64_t buffer) {
  // Count says 2 descriptors, the message holds 1.
  mach_msg_size_t size = complex_ool(port, buffer, kPage);
  g_send.ool.body.msgh_descriptor_count = 2;
  expect("descriptor count past the message end", send(size), MACH_SEND_MSG_TOO_SMALL);
  size = complex_ool(port, buffer, kPage);
  g_send.ool.body.msgh_descriptor_count = 0xffffffff;
  expect("descriptor count 0xffffffff", send(size), MACH_SEND_TOO_LARGE);
  // Complex bit, but no room for the body.
  simple(port, MACH_MSG_TYPE_MAKE_SEND, 1);
  g_send.inline_message.header.msgh_bits |= MACH_MSGH_BITS_COMPLEX;
  expect("complex message without a body", send(sizeof(mach_msg_header_t)),
         MACH_SEND_MSG_TOO_SMALL);

  size = complex_ool(port, buffer, AMPHI_MSG_MAX_OOL + 1);
  expect("OOL size past AMPHI_MSG_MAX_OOL", send(size), MACH_SEND_TOO_LARGE);
  size = complex_ool(port, kKernelAddress, kPage);
  expect("OOL address in the kernel", send(size), MACH_SEND_INVALID_MEMORY);
  size = complex_ool(port, kUnmappedAddress, kPage);
  expect("OOL address unmapped", send(size), MACH_SEND_INVALID_MEMORY);
  size = complex_ool(port, buffer, kOolSize + kPage);  // runs off the end of the allocation
  expect("OOL range running into unmapped memory", send(size), MACH_SEND_INVALID_MEMORY);
  size = complex_ool(port, 0x00007ffffffff000, 0x2000);  // crosses the top of the user half
  expect("OOL range crossing the user/kernel boundary", send(size), MACH_SEND_INVALID_MEMORY);
  size = complex_ool(port, buffer, kPage);
  g_send.ool.ool.copy = 7;
  expect("OOL copy option 7", send(size), MACH_SEND_INVALID_TYPE);
  size = complex_ool(port, buffer, kPage);
  g_send.ool.ool.type = 9;
  expect("descriptor type 9", send(size), MACH_SEND_INVALID_TYPE);

  // A port descriptor naming a right we do not hold.
  memset(&g_send.port, 0, sizeof g_send.port);
  g_send.port.header.msgh_bits =
      MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
  g_send.port.header.msgh_size = sizeof(PortMessage);
  g_send.port.header.msgh_remote_port = port;
  g_send.port.body.msgh_descriptor_count = 1;
  g_send.port.port.name = kBogusName;
  g_send.port.port.disposition = MACH_MSG_TYPE_COPY_SEND;
  g_send.port.port.type = MACH_MSG_PORT_DESCRIPTOR;
  expect("port descriptor name we do not hold", send(sizeof(PortMessage)), MACH_SEND_INVALID_RIGHT);
  g_send.port.port.name = port;  // receive right only
  expect("port descriptor COPY_SEND of a receive-only name", send(sizeof(PortMessage)),
         MACH_SEND_INVALID_RIGHT);
  g_send.port.port.disposition = MACH_MSG_TYPE_MOVE_RECEIVE;  // to the port itself
  expect("port descriptor moving the destination's receive right", send(sizeof(PortMessage)),
         MACH_SEND_INVALID_RIGHT);
  g_send.port.port.disposition = 99;
  expect("port descriptor disposition 99", send(sizeof(PortMessage)), MACH_SEND_INVALID_TYPE);

  // All-or-nothing: the first region is good, the second is not. The first
  // one's copy must be discarded and our buffer left writable.
  memset(&g_send.two_ool, 0, sizeof g_send.two_ool);
  g_send.two_ool.header.msgh_bits =
      MACH_MSGH_BITS(MACH_MSG_TYPE_MAKE_SEND, 0) | MACH_MSGH_BITS_COMPLEX;
  g_send.two_ool.header.msgh_size = sizeof(TwoOolMessage);
  g_send.two_ool.header.msgh_remote_port = port;
  g_send.two_ool.body.msgh_descriptor_count = 2;
  for (int i = 0; i < 2; ++i) {
    mach_msg_ool_descriptor_t d{};
    d.address = i == 0 ? buffer : kKernelAddress;
    d.copy = MACH_MSG_VIRTUAL_COPY;
    d.type = MACH_MSG_OOL_DESCRIPTOR;
    d.size = kPage;
    memcpy(reinterpret_cast<uint8_t*>(&g_send.two_ool) + 28 + 16 * i, &d, sizeof d);
  }
  expect("second OOL region in the kernel", send(sizeof(TwoOolMessage)), MACH_SEND_INVALID_MEMORY);
  auto* bytes = reinterpret_cast<volatile uint8_t*>(buffer);
  bytes[0] = 0x5a;
  expect_value("OOL source writable after a failed send", bytes[0], 0x5a);

  // The message buffer pointer itself.
  expect("send buffer in the kernel",
         mach::mach_msg(reinterpret_cast<mach_msg_header_t*>(kKernelAddress), MACH_SEND_MSG, 24, 0,
                        MACH_PORT_NULL),
         MACH_SEND_INVALID_DATA);
  expect("send buffer unmapped",
         mach::mach_msg(reinterpret_cast<mach_msg_header_t*>(kUnmappedAddress), MACH_SEND_MSG, 24,
                        0, MACH_PORT_NULL),
         MACH_SEND_INVALID_DATA);
  // Valid start, but the message runs past the end of the mapping.
  auto* edge = reinterpret_cast<mach_msg_header_t*>(buffer + kOolSize - 16);
  expect("send buffer running into unmapped memory",
         mach::mach_msg(edge, MACH_SEND_MSG, 64, 0, MACH_PORT_NULL), MACH_SEND_INVALID_DATA);

  expect("nothing queued by the failed sends", receive(port), MACH_RCV_TIMED_OUT);
}

// ---- mach_msg receive ----

void check_receive(mach_port_name_t port, mach_port_name_t send_only) {
  expect("receive on a name that does not exist", receive(kBogusName), MACH_RCV_INVALID_NAME);
  expect("receive on MACH_PORT_NULL", receive(MACH_PORT_NULL), MACH_RCV_INVALID_NAME);
  if (send_only != MACH_PORT_NULL)
    expect("receive on a send-only name", receive(send_only), MACH_RCV_INVALID_NAME);

  expect("receive timeout 0 on an empty port",
         receive(port, sizeof(g_receive.inline_message), MACH_RCV_TIMEOUT, 0), MACH_RCV_TIMED_OUT);
  uint64_t start = mach::clock_ns();
  mach_msg_return_t kr =
      receive(port, sizeof(g_receive.inline_message), MACH_RCV_TIMEOUT, 10000000);
  uint64_t elapsed = mach::clock_ns() - start;
  expect("receive timeout 10 ms", kr, MACH_RCV_TIMED_OUT);
  expect_value("receive timeout 10 ms waited >= 10 ms", elapsed >= 10000000, 1);

  // A 64-byte message, a 32-byte buffer: too large, and it stays queued.
  mach_msg_size_t size =
      mach::make_message(&g_send.inline_message, port, MACH_MSG_TYPE_MAKE_SEND, MACH_PORT_NULL, 0,
                         42, "0123456789abcdef0123456789abcdefABCDEFGHIJ", 40);
  expect("send 64-byte message to own port", send(size), MACH_MSG_SUCCESS);
  expect("receive into a too-small buffer", receive(port, 32), MACH_RCV_TOO_LARGE);
  expect("receive size below a header", receive(port, 8), MACH_RCV_TOO_LARGE);
  g_receive.inline_message.header.msgh_id = 0;
  expect("receive again with a big buffer", receive(port), MACH_MSG_SUCCESS);
  expect_value("message kept its id after MACH_RCV_TOO_LARGE",
               uint64_t(g_receive.inline_message.header.msgh_id), 42);
  expect_value("message kept its size after MACH_RCV_TOO_LARGE",
               g_receive.inline_message.header.msgh_size, 64);

  // A queued message received into a bad buffer: the message is consumed
  // (its rights released), the caller told.
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 43);
  expect("send for the bad receive buffer", send(size), MACH_MSG_SUCCESS);
  expect(
      "receive into a kernel buffer",
      mach::mach_msg(reinterpret_cast<mach_msg_header_t*>(kKernelAddress),
                     MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(g_receive.inline_message), port, 0),
      MACH_RCV_INVALID_DATA);
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 44);
  expect("send for the unmapped receive buffer", send(size), MACH_MSG_SUCCESS);
  expect(
      "receive into an unmapped buffer",
      mach::mach_msg(reinterpret_cast<mach_msg_header_t*>(kUnmappedAddress),
                     MACH_RCV_MSG | MACH_RCV_TIMEOUT, 0, sizeof(g_receive.inline_message), port, 0),
      MACH_RCV_INVALID_DATA);
  expect("bad-buffer receives consumed their messages", receive(port), MACH_RCV_TIMED_OUT);
}

// ---- queue limit back-pressure ----

void check_queue_limit(mach_port_name_t port) {
  int sent = 0;
  for (uint32_t i = 0; i < AMPHI_PORT_QUEUE_LIMIT; ++i) {
    mach_msg_size_t size =
        simple(port, MACH_MSG_TYPE_MAKE_SEND, static_cast<mach_msg_id_t>(100 + i));
    if (send(size, MACH_SEND_TIMEOUT, 0) == MACH_MSG_SUCCESS) ++sent;
  }
  expect_value("queue takes AMPHI_PORT_QUEUE_LIMIT messages", sent, AMPHI_PORT_QUEUE_LIMIT);
  mach_msg_size_t size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 200);
  expect("send to a full queue, timeout 0", send(size, MACH_SEND_TIMEOUT, 0), MACH_SEND_TIMED_OUT);
  uint64_t start = mach::clock_ns();
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 201);
  expect("send to a full queue, timeout 10 ms", send(size, MACH_SEND_TIMEOUT, 10000000),
         MACH_SEND_TIMED_OUT);
  expect_value("send timeout 10 ms waited >= 10 ms", mach::clock_ns() - start >= 10000000, 1);
  expect("drain one", receive(port), MACH_MSG_SUCCESS);
  expect_value("queue is FIFO", uint64_t(g_receive.inline_message.header.msgh_id), 100);
  size = simple(port, MACH_MSG_TYPE_MAKE_SEND, 202);
  expect("send after draining one", send(size, MACH_SEND_TIMEOUT, 0), MACH_MSG_SUCCESS);
  int drained = 0;
  mach_msg_id_t last = 0;
  while (receive(port) == MACH_MSG_SUCCESS) {
    ++drained;
    last = g_receive.inline_message.header.msgh_id;
  }
  expect_value("drained the rest", drained, AMPHI_PORT_QUEUE_LIMIT);
  expect_value("last message is the one sent after draining", uint64_t(last), 202);
}

// ---- port traps ----

void check_port_traps(mach_port_name_t port) {
  expect("port_allocate right SEND", -mach::trap(AMPHI_TRAP_PORT_ALLOCATE, MACH_PORT_RIGHT_SEND),
         KERN_INVALID_VALUE);
  expect("port_allocate right 77", -mach::trap(AMPHI_TRAP_PORT_ALLOCATE, 77), KERN_INVALID_VALUE);
  expect("port_deallocate of a name that does not exist", mach::port_deallocate(kBogusName),
         KERN_INVALID_NAME);
  expect("port_deallocate of MACH_PORT_NULL", mach::port_deallocate(MACH_PORT_NULL),
         KERN_INVALID_NAME);
  expect("port_deallocate of a receive-only name", mach::port_deallocate(port), KERN_INVALID_RIGHT);

  expect("mod_refs of a name that does not exist",
         mach::port_mod_refs(kBogusName, MACH_PORT_RIGHT_SEND, -1), KERN_INVALID_NAME);
  expect("mod_refs right 9", mach::port_mod_refs(port, 9, -1), KERN_INVALID_VALUE);
  expect("mod_refs SEND on a receive-only name", mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, 1),
         KERN_INVALID_RIGHT);
  expect("mod_refs RECEIVE delta +1", mach::port_mod_refs(port, MACH_PORT_RIGHT_RECEIVE, 1),
         KERN_INVALID_VALUE);
  expect("insert_right MAKE_SEND", mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND),
         KERN_SUCCESS);
  expect("mod_refs SEND overflow", mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, 0xffff),
         KERN_UREFS_OVERFLOW);
  expect("mod_refs SEND delta INT32_MAX",
         mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, 0x7fffffff), KERN_UREFS_OVERFLOW);
  expect("mod_refs SEND below zero", mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, -2),
         KERN_INVALID_VALUE);
  expect("mod_refs SEND delta INT32_MIN",
         mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, -0x7fffffff - 1), KERN_INVALID_VALUE);
  expect("mod_refs SEND -1 drops the send right",
         mach::port_mod_refs(port, MACH_PORT_RIGHT_SEND, -1), KERN_SUCCESS);
  expect("send right gone after mod_refs -1", mach::port_deallocate(port), KERN_INVALID_RIGHT);

  expect("insert_right disposition MOVE_RECEIVE",
         mach::port_insert_right(port, MACH_MSG_TYPE_MOVE_RECEIVE), KERN_INVALID_VALUE);
  expect("insert_right disposition COPY_SEND",
         mach::port_insert_right(port, MACH_MSG_TYPE_COPY_SEND), KERN_INVALID_VALUE);
  expect("insert_right disposition 99", mach::port_insert_right(port, 99), KERN_INVALID_VALUE);
  expect("insert_right on a name that does not exist",
         mach::port_insert_right(kBogusName, MACH_MSG_TYPE_MAKE_SEND), KERN_INVALID_NAME);

  expect("move_member of a name that does not exist",
         mach::port_move_member(kBogusName, MACH_PORT_NULL), KERN_INVALID_NAME);
  expect("move_member into a name that does not exist", mach::port_move_member(port, kBogusName),
         KERN_INVALID_NAME);
  expect("move_member into a receive right", mach::port_move_member(port, port),
         KERN_INVALID_RIGHT);

  expect("request_notification id 0", mach::port_request_notification(port, 0, MACH_PORT_NULL),
         KERN_INVALID_VALUE);
  expect("request_notification on a name that does not exist",
         mach::port_request_notification(kBogusName, MACH_NOTIFY_NO_SENDERS, MACH_PORT_NULL),
         KERN_INVALID_NAME);
  expect("request_notification with a bogus notify name",
         mach::port_request_notification(port, MACH_NOTIFY_NO_SENDERS, kBogusName),
         KERN_INVALID_CAPABILITY);
  expect("request_notification DEAD_NAME on a receive-only name",
         mach::port_request_notification(port, MACH_NOTIFY_DEAD_NAME, MACH_PORT_NULL),
         KERN_INVALID_RIGHT);
}

// ---- other traps ----

void check_other_traps() {
  expect("debug_write from a kernel pointer",
         mach::debug_write(reinterpret_cast<const char*>(kKernelAddress), 8), KERN_INVALID_ADDRESS);
  expect("debug_write from an unmapped pointer",
         mach::debug_write(reinterpret_cast<const char*>(kUnmappedAddress), 8),
         KERN_INVALID_ADDRESS);
  expect("debug_write length 513", mach::debug_write("x", 513), KERN_INVALID_ARGUMENT);
  expect("debug_write length 2^63", mach::debug_write("x", uint64_t{1} << 63),
         KERN_INVALID_ARGUMENT);

  uint64_t address = 0;
  expect("vm_allocate size 0", mach::vm_allocate(&address, 0, VM_FLAGS_ANYWHERE),
         KERN_INVALID_ARGUMENT);
  expect("vm_allocate size 2^41", mach::vm_allocate(&address, uint64_t{1} << 41, VM_FLAGS_ANYWHERE),
         KERN_INVALID_ARGUMENT);
  expect("vm_allocate size 2^64-1", mach::vm_allocate(&address, ~uint64_t{0}, VM_FLAGS_ANYWHERE),
         KERN_INVALID_ARGUMENT);
  expect("vm_allocate out-pointer in the kernel",
         mach::vm_allocate(reinterpret_cast<uint64_t*>(kKernelAddress), kPage, VM_FLAGS_ANYWHERE),
         KERN_INVALID_ADDRESS);
  expect("vm_allocate out-pointer unmapped",
         mach::vm_allocate(reinterpret_cast<uint64_t*>(kUnmappedAddress), kPage, VM_FLAGS_ANYWHERE),
         KERN_INVALID_ADDRESS);
  address = 0;
  expect("vm_allocate one page", mach::vm_allocate(&address, kPage, VM_FLAGS_ANYWHERE),
         KERN_SUCCESS);
  expect("vm_deallocate unaligned", mach::vm_deallocate(address + 8, kPage), KERN_INVALID_ARGUMENT);
  expect("vm_deallocate in the kernel", mach::vm_deallocate(kKernelAddress, kPage),
         KERN_INVALID_ADDRESS);
  expect("vm_deallocate size wrapping past 2^64", mach::vm_deallocate(address, ~uint64_t{0}),
         KERN_INVALID_ARGUMENT);
  expect("vm_deallocate one page", mach::vm_deallocate(address, kPage), KERN_SUCCESS);

  auto look_up = [](uint64_t name, uint64_t length) {
    return -mach::trap(AMPHI_TRAP_BOOTSTRAP_LOOK_UP, name, length);
  };
  const char* service =
      "ipctest-no-such-service-here-at-all-at-all-at-all-at-all-at-all-at-all-at-all-at-all-";
  expect("bootstrap_look_up length 0", look_up(reinterpret_cast<uint64_t>(service), 0),
         KERN_INVALID_ARGUMENT);
  expect("bootstrap_look_up length 100", look_up(reinterpret_cast<uint64_t>(service), 100),
         KERN_INVALID_ARGUMENT);
  expect("bootstrap_look_up kernel pointer", look_up(kKernelAddress, 8), KERN_INVALID_ADDRESS);
  expect("bootstrap_look_up unmapped pointer", look_up(kUnmappedAddress, 8), KERN_INVALID_ADDRESS);
  expect("bootstrap_look_up of an unknown service",
         look_up(reinterpret_cast<uint64_t>(service), 20), KERN_INVALID_NAME);
  expect("bootstrap_register with a bogus name",
         mach::trap(AMPHI_TRAP_BOOTSTRAP_REGISTER, reinterpret_cast<uint64_t>(service), 10,
                    kBogusName),
         KERN_INVALID_NAME);

  expect("unknown Mach trap (base + 999)", mach::trap(999), kEnosys);
  expect("Linux getpid (39) without a personality", raw_syscall(39), kEnosys);
  expect("task_self_info into the kernel",
         mach::task_self_info(reinterpret_cast<amphi_task_info*>(kKernelAddress)),
         KERN_INVALID_ADDRESS);
}

// ---- port sets ----

void check_port_set() {
  mach_port_name_t set = MACH_PORT_NULL;
  expect("allocate a port set", mach::port_allocate(MACH_PORT_RIGHT_PORT_SET, &set), KERN_SUCCESS);
  mach_port_name_t member = new_port();
  expect("move a port into the set", mach::port_move_member(member, set), KERN_SUCCESS);
  expect("send to a set member on a set",
         mach::mach_msg(&g_send.inline_message.header, MACH_SEND_MSG,
                        simple(set, MACH_MSG_TYPE_MAKE_SEND, 1), 0, 0),
         MACH_SEND_INVALID_DEST);
  expect("send to the member", send(simple(member, MACH_MSG_TYPE_MAKE_SEND, 300)),
         MACH_MSG_SUCCESS);
  expect("receive on the set", receive(set), MACH_MSG_SUCCESS);
  expect_value("set receive: id", uint64_t(g_receive.inline_message.header.msgh_id), 300);
  expect_value("set receive: local port names the member",
               g_receive.inline_message.header.msgh_local_port, member);
  expect("empty set times out", receive(set), MACH_RCV_TIMED_OUT);
  expect("destroy the member", mach::port_mod_refs(member, MACH_PORT_RIGHT_RECEIVE, -1),
         KERN_SUCCESS);
  expect("destroy the set", mach::port_mod_refs(set, MACH_PORT_RIGHT_PORT_SET, -1), KERN_SUCCESS);
  expect("set name gone", receive(set), MACH_RCV_INVALID_NAME);
}

// ---- out-of-line memory ----

uint8_t pattern_byte(uint64_t i) {
  return static_cast<uint8_t>((i * 7 + (i >> 12)) ^ 0xa5);
}

void check_ool(mach_port_name_t port, uint64_t buffer) {
  auto* source = reinterpret_cast<uint8_t*>(buffer);
  for (uint64_t i = 0; i < kOolSize; ++i) source[i] = pattern_byte(i);
  expect("send 64 KiB out of line", send(complex_ool(port, buffer, kOolSize)), MACH_MSG_SUCCESS);
  expect("receive 64 KiB out of line", receive(port), MACH_MSG_SUCCESS);
  const OolMessage& got = g_receive.ool;
  expect_value("OOL: complex bit", (got.header.msgh_bits & MACH_MSGH_BITS_COMPLEX) != 0, 1);
  expect_value("OOL: descriptor count", got.body.msgh_descriptor_count, 1);
  expect_value("OOL: size", got.ool.size, kOolSize);
  uint64_t copy_address = got.ool.address;
  if (copy_address == 0 || got.ool.size != kOolSize) {
    expect_value("OOL: mapped", copy_address != 0, 1);
    return;
  }
  expect_value("OOL: a new mapping", copy_address != buffer, 1);
  auto* copy = reinterpret_cast<uint8_t*>(copy_address);
  uint64_t mismatches = 0;
  for (uint64_t i = 0; i < kOolSize; ++i) mismatches += copy[i] != pattern_byte(i);
  expect_value("OOL: bytes arrived", mismatches, 0);
  // Copy-on-write both ways: writes to either side stay on that side.
  for (uint64_t i = 0; i < kOolSize; i += 512) copy[i] = static_cast<uint8_t>(~pattern_byte(i));
  mismatches = 0;
  for (uint64_t i = 0; i < kOolSize; ++i) mismatches += source[i] != pattern_byte(i);
  expect_value("OOL: writing the copy leaves the original", mismatches, 0);
  source[1] = 0;
  expect_value("OOL: writing the original leaves the copy", copy[1], pattern_byte(1));
  expect("OOL: vm_deallocate the copy", mach::vm_deallocate(copy_address, kOolSize), KERN_SUCCESS);
}

// ---- notifications ----

void check_no_senders() {
  mach_port_name_t port = new_port();
  mach_port_name_t notify = new_port();
  expect("no-senders: make a send right", mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND),
         KERN_SUCCESS);
  expect("no-senders: request",
         mach::port_request_notification(port, MACH_NOTIFY_NO_SENDERS, notify), KERN_SUCCESS);
  expect("no-senders: nothing while a send right exists", receive(notify), MACH_RCV_TIMED_OUT);
  expect("no-senders: deallocate the send right", mach::port_deallocate(port), KERN_SUCCESS);
  expect("no-senders: notification arrives", receive(notify), MACH_MSG_SUCCESS);
  expect_value("no-senders: id", uint64_t(g_receive.no_senders.header.msgh_id),
               MACH_NOTIFY_NO_SENDERS);
  expect_value("no-senders: size", g_receive.no_senders.header.msgh_size,
               sizeof(mach_no_senders_notification_t));
  expect_value("no-senders: make-send count", g_receive.no_senders.not_count, 1);
  expect_value("no-senders: arrives on the notify port",
               g_receive.no_senders.header.msgh_local_port, notify);
  expect("no-senders: exactly one", receive(notify), MACH_RCV_TIMED_OUT);
  expect("no-senders: destroy the port", mach::port_mod_refs(port, MACH_PORT_RIGHT_RECEIVE, -1),
         KERN_SUCCESS);
  expect("no-senders: destroy the notify port",
         mach::port_mod_refs(notify, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
}

mach_port_name_t look_up_peer() {
  mach_port_name_t peer = MACH_PORT_NULL;
  kern_return_t kr = KERN_SUCCESS;
  for (int attempt = 0; attempt < kLookUpAttempts; ++attempt) {
    kr = mach::bootstrap_look_up(kPeerService, &peer);
    if (kr == KERN_SUCCESS) break;
    mach::thread_yield();
  }
  expect("dead-name: look up the peer", kr, KERN_SUCCESS);
  return kr == KERN_SUCCESS ? peer : MACH_PORT_NULL;
}

void check_dead_name(mach_port_name_t peer) {
  mach_port_name_t notify = new_port();
  expect("dead-name: request", mach::port_request_notification(peer, MACH_NOTIFY_DEAD_NAME, notify),
         KERN_SUCCESS);
  expect("dead-name: send the peer its message", send(simple(peer, MACH_MSG_TYPE_COPY_SEND, 500)),
         MACH_MSG_SUCCESS);
  mach_msg_return_t kr =
      receive(notify, sizeof(g_receive.inline_message), MACH_RCV_TIMEOUT, kNotificationTimeoutNs);
  expect("dead-name: notification arrives", kr, MACH_MSG_SUCCESS);
  if (kr == MACH_MSG_SUCCESS) {
    expect_value("dead-name: id", uint64_t(g_receive.dead_name.header.msgh_id),
                 MACH_NOTIFY_DEAD_NAME);
    expect_value("dead-name: size", g_receive.dead_name.header.msgh_size,
                 sizeof(mach_dead_name_notification_t));
    expect_value("dead-name: names our send right", g_receive.dead_name.not_port, peer);
  }
  expect("dead-name: sending to the dead name", send(simple(peer, MACH_MSG_TYPE_COPY_SEND, 501)),
         MACH_SEND_INVALID_DEST);
  // The name is a dead name now with two urefs: ours and the notification's.
  expect("dead-name: mod_refs DEAD_NAME -2",
         mach::port_mod_refs(peer, MACH_PORT_RIGHT_DEAD_NAME, -2), KERN_SUCCESS);
  expect("dead-name: name gone", mach::port_deallocate(peer), KERN_INVALID_NAME);
  expect("dead-name: look up the dead service", mach::bootstrap_look_up(kPeerService, &peer),
         KERN_INVALID_NAME);

  // A restarted server must be able to take its name back.
  mach_port_name_t successor = new_port();
  mach::port_insert_right(successor, MACH_MSG_TYPE_MAKE_SEND);
  expect("dead-name: re-register the dead service",
         mach::bootstrap_register(kPeerService, successor), KERN_SUCCESS);
  expect("dead-name: destroy the notify port",
         mach::port_mod_refs(notify, MACH_PORT_RIGHT_RECEIVE, -1), KERN_SUCCESS);
}

int run_peer() {
  mach_port_name_t port = new_port();
  kern_return_t kr = mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND);
  if (kr == KERN_SUCCESS) kr = mach::bootstrap_register(kPeerService, port);
  if (kr != KERN_SUCCESS) {
    mach::print("ipctest peer: cannot register: %s\n", mach::error_name(kr));
    return 1;
  }
  kr = mach::mach_msg(&g_receive.inline_message.header, MACH_RCV_MSG, 0,
                      sizeof(g_receive.inline_message), port);
  mach::print("ipctest peer: received id %d (%s), exiting\n",
              g_receive.inline_message.header.msgh_id, mach::error_name(kr));
  return kr == MACH_MSG_SUCCESS ? 0 : 1;
}

}  // namespace

int main(const char* args) {
  if (mach::string_equal(args, "peer")) return run_peer();

  mach_port_name_t port = new_port();
  uint64_t buffer = 0;
  // The OOL buffer with a guaranteed hole after it: allocate a page more
  // and give that page back.
  if (port == MACH_PORT_NULL ||
      mach::vm_allocate(&buffer, kOolSize + kPage, VM_FLAGS_ANYWHERE) != KERN_SUCCESS ||
      mach::vm_deallocate(buffer + kOolSize, kPage) != KERN_SUCCESS) {
    mach::print("ipctest: cannot set up\n");
    return 1;
  }
  memset(reinterpret_cast<void*>(buffer), 0, kOolSize);
  mach_port_name_t peer = look_up_peer();

  check_send_header(port);
  check_send_rights(port);
  check_send_descriptors(port, buffer);
  check_receive(port, peer);
  check_queue_limit(port);
  check_port_traps(port);
  check_other_traps();
  check_port_set();
  check_ool(port, buffer);
  check_no_senders();
  if (peer != MACH_PORT_NULL) check_dead_name(peer);

  expect("own port still empty at the end", receive(port), MACH_RCV_TIMED_OUT);
  mach::print("ipctest: %d passed, %d failed\n", g_passed, g_failed);
  return g_failed;
}
