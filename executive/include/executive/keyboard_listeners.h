// Keyboard listeners: programs that read the keyboard's raw scancodes
// (bsdlayer's /dev/kbd0) next to the console, each getting every byte typed
// after it started listening. The console's reader thread
// (console_input.cpp) stays the only reader of \Device\kbd0 and publishes
// each batch here before decoding it, so a listener can neither take keys
// from the console nor from another listener. Built on ScancodeFanout
// (scancode_fanout.h: per-listener rings of 256 bytes, a fixed table).
//
// Loss: a listener that does not read for 256 bytes (about 128 keystrokes)
// loses the newer ones; its next read says so in the kernel log (dmesg),
// rate-limited, with the count. The publisher never waits.
#pragma once

#include <cstddef>
#include <cstdint>

#include "executive/scancode_fanout.h"
#include "rtl/result.h"

namespace executive::io {
class DeviceObject;
}
namespace microcore {
struct WaitQueue;
}

namespace executive::keyboard_listeners {

using Listener = ScancodeFanout::Listener;

// console_input: its thread reads `keyboard` and publishes what it gets.
// Until this succeeds source() is null and nobody can subscribe.
rtl::Result<void> attach(io::DeviceObject& keyboard);
// The device whose scancodes listeners get; null when none is shared.
io::DeviceObject* source();
// From the reader thread, for every batch; never blocks or allocates.
void publish(const uint8_t* bytes, size_t length);
// The reader thread has stopped for good (the device failed): once their
// rings are empty, reads fail with no_device instead of sleeping forever.
void source_ended();

// busy when every slot is taken; not_found before attach().
rtl::Result<Listener*> subscribe();
// Must not race a read of the same listener (its opener holds it until
// every read has returned); safe against publish() at any time.
void unsubscribe(Listener& listener);
// Up to `length` bytes, sleeping until there is at least one. Errors:
// would_block (`nonblocking` and nothing queued), interrupted (a signal),
// no_device (the source ended and nothing is left).
rtl::Result<size_t> read(Listener& listener, uint8_t* out, size_t length, bool nonblocking);
// For poll: true when read() would return at once (bytes are queued, or
// the source ended); readers() is the queue woken when that may change
// (every publish and the source's end). Null before attach().
bool readable(const Listener& listener);
microcore::WaitQueue* readers();

}  // namespace executive::keyboard_listeners
