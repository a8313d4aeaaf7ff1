// pong: the server half of the first IPC demonstration. Registers "pong",
// then for each request prints it and replies "pong k" (id k + 1000) on the
// send-once reply right that came with it (MOVE_SEND_ONCE). Runs forever,
// or for N requests if the argument string is a number.
#include "libmach/mach.h"

namespace {

constexpr mach_msg_id_t kReplyIdOffset = 1000;
mach::InlineMessage request;
mach::InlineMessage reply;

}  // namespace

int main(const char* args) {
  uint64_t limit = mach::parse_decimal(args, 0);  // 0: serve forever

  mach_port_name_t port = MACH_PORT_NULL;
  kern_return_t kr = mach::port_allocate(MACH_PORT_RIGHT_RECEIVE, &port);
  if (kr == KERN_SUCCESS) kr = mach::port_insert_right(port, MACH_MSG_TYPE_MAKE_SEND);
  if (kr == KERN_SUCCESS) kr = mach::bootstrap_register("pong", port);
  if (kr != KERN_SUCCESS) {
    mach::print("pong: cannot set up port: %s\n", mach::error_name(kr));
    return 1;
  }

  for (uint64_t served = 0; limit == 0 || served < limit; ++served) {
    kr = mach::mach_msg(&request.header, MACH_RCV_MSG, 0, sizeof(request), port);
    if (kr != MACH_MSG_SUCCESS) {
      mach::print("pong: receive failed: %s\n", mach::error_name(kr));
      return 1;
    }
    const char* text;
    size_t length = mach::message_text(request, &text);
    mach::print("pong: received \"%.*s\" (id %d)\n", static_cast<int>(length), text, request.header.msgh_id);

    // "ping k" -> "pong k": same length, same number.
    char answer[64];
    size_t answer_length = length < sizeof(answer) - 1 ? length : sizeof(answer) - 1;
    memcpy(answer, text, answer_length);
    answer[answer_length++] = '\0';
    if (answer_length > 2) answer[1] = 'o';
    mach_msg_size_t size =
        mach::make_reply(&reply, request.header, request.header.msgh_id + kReplyIdOffset, answer, answer_length);
    kr = mach::mach_msg(&reply.header, MACH_SEND_MSG, size, 0, MACH_PORT_NULL);
    if (kr != MACH_MSG_SUCCESS) mach::print("pong: reply failed: %s\n", mach::error_name(kr));
  }
  return 0;
}
