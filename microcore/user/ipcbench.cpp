// ipcbench: microcore IPC costs in TSC cycles. Run two copies: "ipcbench
// server" registers the "ipcbench" service and answers; "ipcbench" (or
// "ipcbench client") measures and prints, one line per figure,
//
//   bench <name> median <cycles> p99 <cycles>
//
// then "bench done". Each figure is 2000 timed iterations after 200 warm-up
// ones, timed with lfence-fenced rdtsc around one operation:
//   null-trap       AMPHI_TRAP_NULL: user -> kernel -> user, nothing else
//   call-reply-0    one mach_msg(SEND|RCV) carrying N inline bytes to the
//   call-reply-64   server, which answers with mach_msg(SEND|RCV) echoing
//   call-reply-4096 the same N bytes; the client's clock stops when the reply
//                   has arrived (so N bytes travel each way)
//   ool-64k         as call-reply-0 plus one 64 KiB out-of-line descriptor
//                   (MACH_MSG_VIRTUAL_COPY); the server reads one byte of it
//                   and vm_deallocates it before replying
//   switch          half of call-reply-0: a 0-byte round trip is exactly two
//                   thread switches (client -> server -> client) plus their
//                   message traps, so this is a switch including its trap.
//                   (Yield ping-pong would measure the scheduler, not a switch.)
// Without a server (after a bounded search) only null-trap is measured.
#include "libmach/mach.h"

namespace {

constexpr int kWarmUp = 200;
constexpr int kIterations = 2000;
constexpr char kService[] = "ipcbench";
constexpr int kLookUpAttempts = 10000;
constexpr mach_msg_id_t kIdInline = 1;
constexpr mach_msg_id_t kIdOol = 2;
constexpr mach_msg_id_t kIdQuit = 3;
constexpr uint64_t kOolSize = 64 << 10;
constexpr uint64_t kPage = 4096;

// XNU's 64-bit user layout (pack(4)): the descriptor follows the 4-byte body
// directly, at offset 28.
struct [[gnu::packed]] OolMessage {
  mach_msg_header_t header;
  mach_msg_body_t body;
  mach_msg_ool_descriptor_t ool;
};
static_assert(offsetof(OolMessage, ool) == 28 && sizeof(OolMessage) == 44);

union Buffer {
  mach::InlineMessage inline_message;
  OolMessage ool_message;
};
Buffer buffer;
uint8_t pattern[4096];
uint64_t samples[kIterations];

inline uint64_t read_tsc() {
  uint32_t low, high;
  asm volatile("lfence\n\trdtsc\n\tlfence" : "=a"(low), "=d"(high) : : "memory");
  return (static_cast<uint64_t>(high) << 32) | low;
}

void sort(uint64_t* values, int count) {
  for (int i = 1; i < count; ++i) {
    uint64_t v = values[i];
    int j = i;
    for (; j > 0 && values[j - 1] > v; --j) values[j] = values[j - 1];
    values[j] = v;
  }
}

struct Figures {
  uint64_t median;
  uint64_t p99;
};

// Runs op (returning a kern_return_t) warm-up + timed times. False, after
// printing why, if any run fails.
template <typename Operation>
bool measure(const char* name, Operation op, Figures& out) {
  for (int i = 0; i < kWarmUp + kIterations; ++i) {
    uint64_t start = read_tsc();
    kern_return_t kr = op();
    uint64_t end = read_tsc();
    if (kr != KERN_SUCCESS) {
      mach::print("bench %s failed: %s\n", name, mach::error_name(kr));
      return false;
    }
    if (i >= kWarmUp) samples[i - kWarmUp] = end - start;
  }
  sort(samples, kIterations);
  out = {samples[kIterations / 2], samples[kIterations * 99 / 100]};
  mach::print("bench %s median %lu p99 %lu\n", name, out.median, out.p99);
  return true;
}

int serve() {
  mach_port_name_t port = MACH_PORT_NULL;
  kern_return_t kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &port);
  if (kr == KERN_SUCCESS) kr = mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND);
  if (kr == KERN_SUCCESS) kr = mach::bootstrap_register(kService, port);
  if (kr != KERN_SUCCESS) {
    mach::print("ipcbench: server cannot set up port: %s\n", mach::error_name(kr));
    return 1;
  }
  mach_msg_header_t& header = buffer.inline_message.header;
  kr = mach::mach_msg(&header, MACH_RCV_MSG, 0, sizeof(buffer), port);
  for (;;) {
    if (kr != MACH_MSG_SUCCESS) {
      mach::print("ipcbench: server: %s\n", mach::error_name(kr));
      // A failed reply (MACH_SEND_*: the client went away) left the receive
      // half undone; anything else is fatal.
      bool send_failed = (static_cast<uint32_t>(kr) & 0xffffc000u) == 0x10000000u;
      if (!send_failed) return 1;
      kr = mach::mach_msg(&header, MACH_RCV_MSG, 0, sizeof(buffer), port);
      continue;
    }
    size_t reply_bytes = 0;
    if (header.msgh_id == kIdQuit) {
      mach::print("ipcbench: server done\n");
      return 0;
    } else if (header.msgh_id == kIdOol && (header.msgh_bits & MACH_MSGH_BITS_COMPLEX)) {
      // Read one byte so the mapping is really used, then give it back.
      uint64_t address = buffer.ool_message.ool.address;
      uint64_t size = buffer.ool_message.ool.size;
      (void)*reinterpret_cast<volatile uint8_t*>(address);
      mach::vm_deallocate(address, size);
    } else {
      reply_bytes = buffer.inline_message.byte_count();  // echo them in place
    }
    header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_MOVE_SEND_ONCE, 0);
    header.msgh_size = static_cast<mach_msg_size_t>(sizeof(mach_msg_header_t) + reply_bytes);
    header.msgh_local_port = MACH_PORT_NULL;  // remote: the reply right we received
    header.msgh_voucher_port = MACH_PORT_NULL;
    kr = mach::mach_msg(&header, MACH_SEND_MSG | MACH_RCV_MSG, header.msgh_size, sizeof(buffer), port);
  }
}

int run_client() {
  mach::print("ipcbench: %d iterations after %d warm-up, figures in TSC cycles\n", kIterations, kWarmUp);
  Figures figures;
  measure("null-trap", [] { return static_cast<kern_return_t>(mach::null_trap()); }, figures);

  mach_port_name_t reply_port = MACH_PORT_NULL, server = MACH_PORT_NULL;
  kern_return_t kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &reply_port);
  for (int attempt = 0; kr == KERN_SUCCESS; ++attempt) {
    if (mach::bootstrap_look_up(kService, &server) == KERN_SUCCESS) break;
    if (attempt == kLookUpAttempts) kr = KERN_INVALID_NAME;
    mach::thread_yield();
  }
  if (kr != KERN_SUCCESS) {
    mach::print("bench skipped: no \"%s\" server (%s)\n", kService, mach::error_name(kr));
    mach::print("bench done\n");
    return 1;
  }
  for (size_t i = 0; i < sizeof(pattern); ++i) pattern[i] = static_cast<uint8_t>(i);

  Figures zero = {};
  bool have_zero = false;
  const struct {
    const char* name;
    size_t bytes;
  } sizes[] = {{"call-reply-0", 0}, {"call-reply-64", 64}, {"call-reply-4096", 4096}};
  for (const auto& size : sizes) {
    mach::make_request(&buffer.inline_message, server, reply_port, kIdInline, pattern, size.bytes);
    const mach_msg_header_t request = buffer.inline_message.header;  // the reply overwrites it
    bool ok = measure(size.name, [&] {
      buffer.inline_message.header = request;
      return mach::mach_msg(&buffer.inline_message.header, MACH_SEND_MSG | MACH_RCV_MSG, request.msgh_size,
                            sizeof(buffer), reply_port);
    }, figures);
    if (ok && size.bytes == 0) zero = figures, have_zero = true;
  }

  uint64_t region = 0;
  kr = mach::vm_allocate(&region, kOolSize, VM_FLAGS_ANYWHERE);
  if (kr != KERN_SUCCESS) {
    mach::print("bench ool-64k failed: vm_allocate: %s\n", mach::error_name(kr));
  } else {
    for (uint64_t offset = 0; offset < kOolSize; offset += kPage) *reinterpret_cast<uint8_t*>(region + offset) = 1;
    measure("ool-64k", [&] {
      OolMessage& m = buffer.ool_message;
      m.header.msgh_bits = MACH_MSGH_BITS(MACH_MSG_TYPE_COPY_SEND, MACH_MSG_TYPE_MAKE_SEND_ONCE) |
                           MACH_MSGH_BITS_COMPLEX;
      m.header.msgh_size = sizeof(OolMessage);
      m.header.msgh_remote_port = server;
      m.header.msgh_local_port = reply_port;
      m.header.msgh_voucher_port = MACH_PORT_NULL;
      m.header.msgh_id = kIdOol;
      m.body.msgh_descriptor_count = 1;
      m.ool.address = region;
      m.ool.deallocate = 0;
      m.ool.copy = MACH_MSG_VIRTUAL_COPY;
      m.ool.pad1 = 0;
      m.ool.type = MACH_MSG_OOL_DESCRIPTOR;
      m.ool.size = kOolSize;
      // The same bytes through the aligned union member (m is packed).
      return mach::mach_msg(&buffer.inline_message.header, MACH_SEND_MSG | MACH_RCV_MSG, sizeof(OolMessage),
                            sizeof(buffer), reply_port);
    }, figures);
  }

  if (have_zero) mach::print("bench switch median %lu p99 %lu\n", zero.median / 2, zero.p99 / 2);

  mach_msg_size_t size =
      mach::make_message(&buffer.inline_message, server, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, kIdQuit,
                         nullptr, 0);
  mach::mach_msg(&buffer.inline_message.header, MACH_SEND_MSG, size, 0, MACH_PORT_NULL);
  mach::print("bench done\n");
  return 0;
}

}  // namespace

int main(const char* args) {
  if (mach::string_equal(args, "server")) return serve();
  if (args[0] == '\0' || mach::string_equal(args, "client")) return run_client();
  mach::print("ipcbench: usage: ipcbench [client|server] (got \"%s\")\n", args);
  return 2;
}
