// Pipes (kernel/pipe.cpp): a 64 KiB ring buffer between a read end and a
// write end. Each end is its own fifo vnode on an unmounted "pipefs" whose
// VnodeOps read or write the shared ring, so an end is an ordinary OpenFile
// (dup, fork, close-on-exec and fstat need nothing special) and the VFS
// needed no hook: when the last OpenFile of an end goes, its vnode's
// release() marks that side closed and wakes the other.
//
// The ops never block: an empty pipe with writers reads as EAGAIN, a full
// one (or one without room for an atomic write of <= PIPE_BUF bytes) writes
// as EAGAIN, and the system-call layer (sys_file.cpp) sleeps on
// pipe_wait_queue() outside the lock and retries. No readers: EPIPE.
//
// Locking: every function here runs under BsdLock (the ops too: the VFS is
// only called under it), including the final release of an end.
#pragma once

#include <cstddef>
#include <cstdint>

#include "bsdlayer/vfs/open_file.h"
#include "microcore/personality.h"

namespace bsdlayer {

inline constexpr size_t kPipeCapacity = 64 * 1024;
inline constexpr size_t kPipeAtomicWrite = 4096;  // PIPE_BUF

// `status_flags` may hold O_NONBLOCK (shared by both ends' OpenFiles, as
// pipe2 sets it on both).
SysResult<void> create_pipe(uint32_t status_flags, rtl::RefPtr<OpenFile>& read_end,
                            rtl::RefPtr<OpenFile>& write_end);

bool is_pipe(const Vnode& vnode);
// Where a reader (for_write false) or a writer waits for the other side.
microcore::WaitQueue* pipe_wait_queue(const Vnode& vnode, bool for_write);
// poll(2) bits (POLLIN/POLLOUT/POLLHUP/POLLERR) for this end.
uint32_t pipe_poll_events(const Vnode& vnode);
size_t pipe_readable_bytes(const Vnode& vnode);  // FIONREAD

// Woken on every pipe state change (data, room, an end closed): poll and
// select sleep here when they watch pipes. Null only if it could not be
// made (out of memory before the first pipe).
microcore::WaitQueue* pipe_poll_queue();

}  // namespace bsdlayer
