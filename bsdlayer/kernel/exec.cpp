// execve for static ELF64 programs, and the start of init.
//
// The image is read whole into a kernel buffer and validated before the old
// address space is touched, so every error before the point of no return is
// an ordinary errno for the caller. After it (the old image is gone) a
// failure can only end the process, as on Linux.
#include <cstring>

#include "bsdlayer/exec/initial_stack.h"
#include "bsdlayer/linux/errno.h"
#include "bsdlayer/linux/fcntl.h"
#include "bsdlayer/process.h"
#include "bsdlayer/vfs/vfs.h"
#include "microcore/elf_image.h"
#include "rtl/alloc.h"
#include "rtl/log.h"

namespace bsdlayer {

rtl::Result<Process*> create_process(Process* parent);  // kernel/process.cpp
void discard_unstarted_process(Process* process);

namespace {

constexpr uint64_t kStackTop = 0x00007ffffffff000;
constexpr uint64_t kStackSize = 8ull << 20;
constexpr uint64_t kMmapBase = 0x00007f0000000000;
constexpr uint64_t kMaxImage = 64ull << 20;
constexpr uint32_t kProtRead = 1, kProtWrite = 2, kProtExec = 4;
constexpr uint64_t kPage = 4096;

struct KernelBuffer {
  explicit KernelBuffer(size_t bytes) : size(bytes), data(static_cast<uint8_t*>(rtl::allocate(bytes, 16))) {}
  ~KernelBuffer() {
    if (data) rtl::deallocate(data, size, 16);
  }
  size_t size;
  uint8_t* data;
};

uint32_t protection_of(const microcore::ElfSegment& segment) {
  return (segment.readable() ? kProtRead : 0) | (segment.writable() ? kProtWrite : 0) |
         (segment.executable() ? kProtExec : 0);
}

// Reads the whole file at `path` (regular files only).
int64_t read_image(const char* path, KernelBuffer*& out) {
  Process* process = current_process();
  BsdLock lock;
  auto file = vfs().open(process ? process->cwd.get() : nullptr, path, LINUX_O_RDONLY, 0);
  if (file.is_error()) return file.error();
  linux_stat st = file.value()->stat();
  if ((st.st_mode & 0170000) != 0100000) return -LINUX_EACCES;
  if (st.st_size == 0 || uint64_t(st.st_size) > kMaxImage) return -LINUX_ENOEXEC;
  auto* buffer = static_cast<KernelBuffer*>(rtl::allocate(sizeof(KernelBuffer), alignof(KernelBuffer)));
  if (!buffer) return -LINUX_ENOMEM;
  new (buffer) KernelBuffer(st.st_size);
  if (!buffer->data) {
    buffer->~KernelBuffer();
    rtl::deallocate(buffer, sizeof(KernelBuffer), alignof(KernelBuffer));
    return -LINUX_ENOMEM;
  }
  auto read = file.value()->read_at(0, buffer->data, buffer->size);
  if (read.is_error() || read.value() != buffer->size) {
    buffer->~KernelBuffer();
    rtl::deallocate(buffer, sizeof(KernelBuffer), alignof(KernelBuffer));
    return read.is_error() ? read.error() : -LINUX_EIO;
  }
  out = buffer;
  return 0;
}

void free_image(KernelBuffer* buffer) {
  buffer->~KernelBuffer();
  rtl::deallocate(buffer, sizeof(KernelBuffer), alignof(KernelBuffer));
}

uint64_t page_down(uint64_t value) { return value & ~(kPage - 1); }
uint64_t page_up(uint64_t value) { return (value + kPage - 1) & ~(kPage - 1); }

// Past the point of no return: map the image and the stack into the (now
// empty) address space of the current task.
rtl::Result<uint64_t> load_image(microcore::Task& task, const microcore::ElfImage& image, const uint8_t* elf,
                                 const uint8_t* stack_image, const InitialStack& stack) {
  for (size_t i = 0; i < image.segment_count; ++i) {
    const microcore::ElfSegment& segment = image.segments[i];
    uint64_t start = page_down(segment.vaddr);
    uint64_t end = page_up(segment.vaddr + segment.memsz);
    TRY(microcore::map_anonymous(task, start, end - start, kProtRead | kProtWrite, true));
    if (!microcore::copy_to_user(segment.vaddr, elf + segment.file_offset, segment.filesz))
      return rtl::Error(rtl::Errc::io_error, "could not fill a segment");
    TRY(microcore::protect(task, start, end - start, protection_of(segment)));
  }
  TRY(microcore::map_anonymous(task, kStackTop - kStackSize, kStackSize, kProtRead | kProtWrite, true));
  if (!microcore::copy_to_user(stack.rsp, stack_image, stack.size))
    return rtl::Error(rtl::Errc::io_error, "could not build the stack");
  return page_up(image.highest_address());
}

const char* basename_of(const char* path) {
  const char* base = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) base = p + 1;
  return base;
}

uint64_t hardware_capabilities() {
  uint32_t eax = 1, ebx, ecx = 0, edx;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  return edx;
}

void fill_random(uint8_t (&bytes)[16]) {
  for (int i = 0; i < 16; i += 8) {
    uint64_t value = 0;
    unsigned char ok = 0;
    asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
    if (!ok) value = microcore::now_ns() * 0x9e3779b97f4a7c15ull;
    std::memcpy(bytes + i, &value, 8);
  }
}

}  // namespace

int64_t exec_current(microcore::UserFrame& frame, const char* path, const char* const* argv, size_t argc,
                     const char* const* envp, size_t envc) {
  Process* process = current_process();
  KernelBuffer* elf = nullptr;
  if (int64_t error = read_image(path, elf); error < 0) return error;
  auto image = microcore::parse_elf_image(elf->data, elf->size);
  if (image.is_error()) {
    free_image(elf);
    return image.error().code() == rtl::Errc::not_supported ? -LINUX_ENOEXEC : -LINUX_ENOEXEC;
  }
  InitialStackInput input;
  input.argv = argv;
  input.argc = argc;
  input.envp = envp;
  input.envc = envc;
  input.execfn = path;
  input.image = &image.value();
  input.hwcap = hardware_capabilities();
  input.stack_top = kStackTop;
  fill_random(input.random);
  auto measured = measure_initial_stack(input);
  if (measured.is_error()) {
    free_image(elf);
    return measured.error().code() == rtl::Errc::too_big ? -LINUX_E2BIG : -LINUX_EINVAL;
  }
  KernelBuffer stack_image(measured.value().size);
  if (!stack_image.data) {
    free_image(elf);
    return -LINUX_ENOMEM;
  }
  auto built = build_initial_stack(input, stack_image.data, stack_image.size);
  if (built.is_error()) {
    free_image(elf);
    return -LINUX_E2BIG;
  }

  // The point of no return. Other threads go first (they use the memory).
  become_single_threaded();
  microcore::Task& task = microcore::current_task();
  rtl::Result<uint64_t> loaded = microcore::reset_address_space(task).is_ok()
                                     ? load_image(task, image.value(), elf->data, stack_image.data, built.value())
                                     : rtl::Result<uint64_t>(rtl::Error(rtl::Errc::no_memory));
  free_image(elf);
  if (loaded.is_error()) {
    rtl::pr_err("bsdlayer: execve of {} failed after the old image was gone: {}", path, loaded.error().what());
    exit_current(128 + 9);
  }
  {
    BsdLock lock;
    process->brk_start = process->brk_end = loaded.value();
    process->mmap_hint = kMmapBase;
    process->files->close_on_exec();
    process->signals.reset_for_exec();  // caught signals revert to default
    process->alt_stack = {0, linux_abi::kSS_DISABLE, 0, 0};
    const char* name = basename_of(path);
    size_t length = std::strlen(name);
    if (length >= sizeof process->name) length = sizeof process->name - 1;
    std::memcpy(process->name, name, length);
    process->name[length] = '\0';
    size_t path_length = std::strlen(path);
    if (path_length >= sizeof process->exe) path_length = sizeof process->exe - 1;
    std::memcpy(process->exe, path, path_length);
    process->exe[path_length] = '\0';
    // /proc/PID/cmdline: the arguments, NUL-separated, cut to the buffer.
    process->cmdline_length = 0;
    for (size_t i = 0; i < argc && argv[i]; ++i) {
      size_t room = sizeof process->cmdline - process->cmdline_length;
      size_t count = std::strlen(argv[i]) + 1;
      if (count > room) count = room;
      std::memcpy(process->cmdline + process->cmdline_length, argv[i], count);
      process->cmdline_length = static_cast<uint16_t>(process->cmdline_length + count);
    }
  }
  microcore::set_thread_pointer(0);
  frame = {};
  frame.rip = image.value().entry;
  frame.rsp = built.value().rsp;
  frame.rflags = 0x202;
  frame.cs = 0x23;
  frame.ss = 0x1b;
  return 0;
}

namespace {

struct InitArguments {
  const char* path;
  const char* const* argv;
  size_t argc;
};
InitArguments g_init;

// The first thread of pid 1: open the console as fds 0-2, exec the program,
// enter user mode.
void run_init(void*) {
  Process* process = current_process();
  {
    BsdLock lock;
    for (int fd = 0; fd < 3; ++fd) {
      auto console = vfs().open(nullptr, "/dev/console", LINUX_O_RDWR, 0);
      if (console.is_ok()) (void)process->files->install(console.release_value(), false, fd);
    }
  }
  static const char* const kEnvironment[] = {"HOME=/", "PATH=/sbin:/bin:/usr/sbin:/usr/bin", "TERM=linux",
                                             "SHELL=/bin/sh"};
  microcore::UserFrame frame{};
  int64_t result = exec_current(frame, g_init.path, g_init.argv, g_init.argc, kEnvironment, 4);
  if (result < 0) {
    rtl::pr_emerg("bsdlayer: cannot run init {}: error {}", g_init.path, -result);
    exit_current(127);
  }
  rtl::pr_info("bsdlayer: init (pid 1) is {}", g_init.path);
  microcore::resume_user_frame(frame);
}

}  // namespace

rtl::Result<void> start_init(const char* path, const char* const* argv, size_t argc) {
  Process* process = TRY(create_process(nullptr));
  auto files = FdTable::create();
  if (files.is_error()) {
    discard_unstarted_process(process);
    return rtl::Error(rtl::Errc::no_memory);
  }
  process->files = files.release_value();
  process->cwd = vfs().root();
  std::memcpy(process->name, "init", 5);
  g_init = {path, argv, argc};
  auto task = microcore::create_personality_task("init", run_init, nullptr);
  if (task.is_error()) {
    discard_unstarted_process(process);
    return task.error();
  }
  process->task = task.value();
  task.value()->personality = process;
  microcore::resume_task(*task.value());
  return {};
}

}  // namespace bsdlayer
