// /dev/kbd0 through the keyboard listeners (see keyboard_device.h).
//
// open() subscribes a listener for the open file description and release()
// unsubscribes it; both run under the VFS lock and only take the fan-out's
// spinlock (never the other way round). A read sleeps inside the listener
// (a sleeping device: called without the VFS lock); the description, and so
// its listener, stays alive until every read on it has returned. Writes are
// refused, as the driver refuses them.
#include "keyboard_device.h"

#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/linux/poll.h"
#include "executive/keyboard_listeners.h"

namespace bsdlayer::keyboard_device {
namespace {

namespace listeners = executive::keyboard_listeners;

SysResult<void*> open(void*, uint32_t) {
  listeners::Listener* listener = SYS_TRY(to_sys(listeners::subscribe()));
  return static_cast<void*>(listener);
}

void release(void* listener) {
  listeners::unsubscribe(*static_cast<listeners::Listener*>(listener));
}

SysResult<size_t> read(void* listener, uint64_t, void* buffer, size_t length, uint32_t flags) {
  return to_sys(listeners::read(*static_cast<listeners::Listener*>(listener),
                                static_cast<uint8_t*>(buffer), length, flags & LINUX_O_NONBLOCK));
}

// Readable: a read returns at once (with bytes, or with ENODEV once the
// keyboard's reader has stopped).
int16_t poll(void* listener, microcore::WaitQueue** queue) {
  *queue = listeners::readers();
  return listeners::readable(*static_cast<listeners::Listener*>(listener))
             ? LINUX_POLLIN | LINUX_POLLRDNORM
             : 0;
}

SysResult<size_t> write(void*, uint64_t, const void*, size_t, uint32_t) {
  return sys_error(LINUX_EINVAL);
}

}  // namespace

CharDevice node(const char* name, uint32_t major, uint32_t minor) {
  CharDevice device{name, major, minor, 0666, read, write, nullptr, true};
  device.open = open;
  device.release = release;
  device.poll = poll;
  return device;
}

}  // namespace bsdlayer::keyboard_device
