// ping: the client half of the first IPC demonstration. Registers "ping"
// with the bootstrap server, finds "pong", then does N call/reply rounds
// (N from the argument string, default 5): each request carries "ping k"
// (id k) and a send-once right to our own port, and we print the reply.
// Shows port allocation, bootstrap registration and look-up, and a combined
// send+receive mach_msg with a MAKE_SEND_ONCE reply port.
#include "libmach/mach.h"

namespace {

constexpr int kLookUpAttempts = 10000;  // each followed by thread_yield
mach::InlineMessage message;

// "ping 12" into buffer (NUL included in the returned length).
size_t ping_text(char* buffer, uint64_t round) {
  const char prefix[] = "ping ";
  size_t n = sizeof(prefix) - 1;
  memcpy(buffer, prefix, n);
  char digits[20];
  size_t count = 0;
  do digits[count++] = static_cast<char>('0' + round % 10), round /= 10;
  while (round);
  while (count) buffer[n++] = digits[--count];
  buffer[n++] = '\0';
  return n;
}

}  // namespace

int main(const char* args) {
  uint64_t rounds = mach::parse_decimal(args, 5);

  mach_port_name_t port = MACH_PORT_NULL;
  kern_return_t kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &port);
  if (kr == KERN_SUCCESS) kr = mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND);
  if (kr == KERN_SUCCESS) kr = mach::bootstrap_register("ping", port);
  if (kr != KERN_SUCCESS) {
    mach::print("ping: cannot set up port: %s\n", mach::error_name(kr));
    return 1;
  }

  mach_port_name_t pong = MACH_PORT_NULL;
  int attempt = 0;
  while ((kr = mach::bootstrap_look_up("pong", &pong)) != KERN_SUCCESS) {
    if (++attempt == kLookUpAttempts) {
      mach::print("ping: no \"pong\" service: %s\n", mach::error_name(kr));
      return 1;
    }
    mach::thread_yield();
  }

  for (uint64_t k = 1; k <= rounds; ++k) {
    char text[32];
    size_t length = ping_text(text, k);
    mach_msg_size_t size =
        mach::make_request(&message, pong, port, static_cast<mach_msg_id_t>(k), text, length);
    kr = mach::mach_msg(&message.header, MACH_SEND_MSG | MACH_RCV_MSG, size, sizeof(message), port);
    if (kr != MACH_MSG_SUCCESS) {
      mach::print("ping: round %lu failed: %s\n", k, mach::error_name(kr));
      return 1;
    }
    const char* reply;
    size_t reply_length = mach::message_text(message, &reply);
    mach::print("ping: received \"%.*s\" (id %d)\n", static_cast<int>(reply_length), reply,
                message.header.msgh_id);
  }
  mach::print("ping: done, %lu rounds\n", rounds);
  return 0;
}
