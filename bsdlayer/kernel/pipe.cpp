// Pipes: see bsdlayer/pipe.h. Every function runs under BsdLock.
#include "bsdlayer/pipe.h"

#include <cstring>

#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/linux/poll.h"
#include "bsdlayer/vfs/file_system.h"
#include "rtl/alloc.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {
namespace {


// Shared by both ends; freed when both are closed.
struct Pipe {
  uint8_t* buffer = nullptr;  // kPipeCapacity bytes
  size_t head = 0;            // oldest byte
  size_t count = 0;
  bool reader_open = false;  // the read end's vnode exists
  bool writer_open = false;
  microcore::WaitQueue* readers = nullptr;  // readers wait for data or EOF
  microcore::WaitQueue* writers = nullptr;  // writers wait for room or EPIPE
};

// The filesystem pipe vnodes belong to: never mounted, never destroyed
// (created on first use; a static with a destructor would need atexit).
FileSystem* g_pipefs = nullptr;
microcore::WaitQueue* g_poll_queue = nullptr;

uint64_t pipe_clock() { return microcore::now_ns(); }

void destroy_pipe(Pipe* pipe) {
  if (pipe->buffer) rtl::deallocate(pipe->buffer, kPipeCapacity);
  if (pipe->readers) microcore::destroy_wait_queue(pipe->readers);
  if (pipe->writers) microcore::destroy_wait_queue(pipe->writers);
  rtl::OwnPtr<Pipe>::adopt(pipe).reset();
}

void wake_poll() {
  if (g_poll_queue) microcore::wake_waiters(*g_poll_queue);
}

class ReadEndOps final : public VnodeOps {
 public:
  SysResult<size_t> read(Vnode& vnode, uint64_t, void* buffer, size_t length) const override {
    Pipe* pipe = static_cast<Pipe*>(vnode.fs_private);
    if (length == 0) return size_t{0};
    if (pipe->count == 0) {
      if (!pipe->writer_open) return size_t{0};  // end of file
      return sys_error(LINUX_EAGAIN);
    }
    size_t n = length < pipe->count ? length : pipe->count;
    size_t first = kPipeCapacity - pipe->head;
    if (first > n) first = n;
    memcpy(buffer, pipe->buffer + pipe->head, first);
    memcpy(static_cast<uint8_t*>(buffer) + first, pipe->buffer, n - first);
    pipe->head = (pipe->head + n) % kPipeCapacity;
    pipe->count -= n;
    if (pipe->count == 0) pipe->head = 0;
    vnode.atime_ns = pipe_clock();
    microcore::wake_waiters(*pipe->writers);
    wake_poll();
    return n;
  }
  SysResult<size_t> write(Vnode&, uint64_t, const void*, size_t) const override {
    return sys_error(LINUX_EBADF);
  }
  void release(Vnode& vnode) const override {
    Pipe* pipe = static_cast<Pipe*>(vnode.fs_private);
    if (!pipe) return;
    pipe->reader_open = false;
    microcore::wake_waiters(*pipe->writers);
    wake_poll();
    if (!pipe->writer_open) destroy_pipe(pipe);
  }
};

class WriteEndOps final : public VnodeOps {
 public:
  SysResult<size_t> read(Vnode&, uint64_t, void*, size_t) const override {
    return sys_error(LINUX_EBADF);
  }
  // Writes of at most PIPE_BUF bytes go in whole or not at all.
  SysResult<size_t> write(Vnode& vnode, uint64_t, const void* buffer, size_t length) const override {
    Pipe* pipe = static_cast<Pipe*>(vnode.fs_private);
    if (!pipe->reader_open) return sys_error(LINUX_EPIPE);
    if (length == 0) return size_t{0};
    size_t room = kPipeCapacity - pipe->count;
    if (room == 0 || (length <= kPipeAtomicWrite && room < length)) return sys_error(LINUX_EAGAIN);
    size_t n = length < room ? length : room;
    size_t tail = (pipe->head + pipe->count) % kPipeCapacity;
    size_t first = kPipeCapacity - tail;
    if (first > n) first = n;
    memcpy(pipe->buffer + tail, buffer, first);
    memcpy(pipe->buffer, static_cast<const uint8_t*>(buffer) + first, n - first);
    pipe->count += n;
    vnode.mtime_ns = vnode.ctime_ns = pipe_clock();
    microcore::wake_waiters(*pipe->readers);
    wake_poll();
    return n;
  }
  void release(Vnode& vnode) const override {
    Pipe* pipe = static_cast<Pipe*>(vnode.fs_private);
    if (!pipe) return;
    pipe->writer_open = false;
    microcore::wake_waiters(*pipe->readers);
    wake_poll();
    if (!pipe->reader_open) destroy_pipe(pipe);
  }
};

const ReadEndOps g_read_ops;
const WriteEndOps g_write_ops;

Pipe* pipe_of(const Vnode& vnode) { return static_cast<Pipe*>(vnode.fs_private); }
bool is_read_end(const Vnode& vnode) { return &vnode.ops() == &g_read_ops; }

SysResult<void> ensure_globals() {
  if (!g_poll_queue) g_poll_queue = SYS_TRY(to_sys(microcore::create_wait_queue()));
  if (!g_pipefs) {
    auto fs = rtl::try_make<FileSystem>("pipefs", uint64_t{12}, pipe_clock);
    if (fs.is_error()) return sys_error(LINUX_ENOMEM);
    g_pipefs = fs.value().leak();
  }
  return {};
}

}  // namespace

SysResult<void> create_pipe(uint32_t status_flags, rtl::RefPtr<OpenFile>& read_end,
                            rtl::RefPtr<OpenFile>& write_end) {
  SYS_TRY(ensure_globals());
  auto made = rtl::try_make<Pipe>();
  if (made.is_error()) return sys_error(LINUX_ENFILE);
  Pipe* pipe = made.value().leak();
  pipe->buffer = static_cast<uint8_t*>(rtl::allocate(kPipeCapacity));
  auto readers = microcore::create_wait_queue();
  auto writers = microcore::create_wait_queue();
  if (readers.is_ok()) pipe->readers = readers.value();
  if (writers.is_ok()) pipe->writers = writers.value();
  if (!pipe->buffer || !pipe->readers || !pipe->writers) {
    destroy_pipe(pipe);
    return sys_error(LINUX_ENOMEM);
  }
  // From here on the vnodes own the pipe: each release() closes its side
  // and the last one frees it.
  auto read_vnode = rtl::try_make_ref_counted<Vnode>(*g_pipefs, VnodeType::fifo, 0600, g_read_ops);
  if (read_vnode.is_error()) {
    destroy_pipe(pipe);
    return sys_error(LINUX_ENFILE);
  }
  read_vnode.value()->fs_private = pipe;
  pipe->reader_open = true;
  auto write_vnode = rtl::try_make_ref_counted<Vnode>(*g_pipefs, VnodeType::fifo, 0600, g_write_ops);
  if (write_vnode.is_error()) return sys_error(LINUX_ENFILE);  // the read vnode frees the pipe
  write_vnode.value()->fs_private = pipe;
  write_vnode.value()->ino = read_vnode.value()->ino;  // one inode, as on Linux
  pipe->writer_open = true;

  uint32_t flags = (status_flags & LINUX_O_NONBLOCK) | LINUX_O_LARGEFILE;
  auto reader = rtl::try_make_ref_counted<OpenFile>(read_vnode.release_value(), flags | LINUX_O_RDONLY,
                                                    nullptr);
  if (reader.is_error()) return sys_error(LINUX_ENFILE);
  auto writer = rtl::try_make_ref_counted<OpenFile>(write_vnode.release_value(), flags | LINUX_O_WRONLY,
                                                    nullptr);
  if (writer.is_error()) return sys_error(LINUX_ENFILE);
  read_end = reader.release_value();
  write_end = writer.release_value();
  return {};
}

bool is_pipe(const Vnode& vnode) { return &vnode.ops() == &g_read_ops || &vnode.ops() == &g_write_ops; }

microcore::WaitQueue* pipe_wait_queue(const Vnode& vnode, bool for_write) {
  if (!is_pipe(vnode)) return nullptr;
  return for_write ? pipe_of(vnode)->writers : pipe_of(vnode)->readers;
}

uint32_t pipe_poll_events(const Vnode& vnode) {
  const Pipe* pipe = pipe_of(vnode);
  if (is_read_end(vnode)) {
    uint32_t events = pipe->count ? LINUX_POLLIN : 0;
    if (!pipe->writer_open) events |= LINUX_POLLHUP;
    return events;
  }
  if (!pipe->reader_open) return LINUX_POLLOUT | LINUX_POLLERR;
  return kPipeCapacity - pipe->count >= kPipeAtomicWrite ? LINUX_POLLOUT : 0;
}

size_t pipe_readable_bytes(const Vnode& vnode) { return is_read_end(vnode) ? pipe_of(vnode)->count : 0; }

microcore::WaitQueue* pipe_poll_queue() {
  if (!g_poll_queue) (void)ensure_globals();
  return g_poll_queue;
}

}  // namespace bsdlayer
