// Bringing the POSIX personality up (see bsdlayer/bsdlayer.h).
#include <new>

#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/process.h"
#include "bsdlayer/syscall_table.h"
#include "bsdlayer/vfs/devfs.h"
#include "bsdlayer/vfs/initramfs.h"
#include "bsdlayer/vfs/tmpfs.h"
#include "bsdlayer/vfs/vfs.h"
#include "executive/cpio_archive.h"
#include "executive/personality.h"
#include "proc_providers.h"
#include "driver_devices.h"
#include "random_device.h"
#include "rtl/log.h"

namespace bsdlayer {

void install_process_hooks();  // kernel/process.cpp

namespace {

alignas(Vfs) uint8_t g_vfs_storage[sizeof(Vfs)];
Vfs* g_vfs = nullptr;
const char* g_release = "";
const char* g_version = "";

uint64_t clock_ns() { return microcore::now_ns(); }

rtl::Result<void> check(SysResult<void>&& result, const char* what) {
  if (result.is_error()) {
    rtl::pr_err("bsdlayer: {}: errno {}", what, -result.error());
    return rtl::Error(rtl::Errc::io_error, what);
  }
  return {};
}

rtl::Result<void> build_filesystems(const StartOptions& options) {
  auto root = create_tmpfs(1, clock_ns);
  if (root.is_error()) return rtl::Error(rtl::Errc::no_memory, "root tmpfs");
  TRY(check(g_vfs->mount_root(root.release_value(), "rootfs", "rw"), "mount the root"));
  if (options.initramfs) {
    auto archive = executive::CpioArchive::open(options.initramfs, options.initramfs_size);
    if (archive.is_error()) return archive.error();
    auto unpacked = unpack_initramfs(*g_vfs, *g_vfs->root(), archive.value());
    if (unpacked.is_error()) return rtl::Error(rtl::Errc::io_error, "unpacking the initramfs");
    rtl::pr_info("bsdlayer: unpacked {} initramfs entries into the root tmpfs", unpacked.value());
  }
  TRY(check(register_memory_devices(g_vfs->devices()), "memory devices"));
  TRY(console_tty::init());
  TRY(random_device::init());  // /dev/random, /dev/urandom
  TRY(driver_devices::init());  // the I/O manager's devices and /dev/drvctl
  for (const char* directory : {"/dev", "/tmp", "/proc", "/sys"}) (void)g_vfs->mkdir(nullptr, directory, 0755);
  auto devfs = create_devfs(2, clock_ns, g_vfs->devices());
  if (devfs.is_error()) return rtl::Error(rtl::Errc::no_memory, "devfs");
  TRY(check(g_vfs->mount(nullptr, "/dev", devfs.release_value(), "devtmpfs", "rw"), "mount /dev"));
  auto tmp = create_tmpfs(3, clock_ns, 01777);
  if (tmp.is_error()) return rtl::Error(rtl::Errc::no_memory, "tmpfs for /tmp");
  TRY(check(g_vfs->mount(nullptr, "/tmp", tmp.release_value(), "tmpfs", "rw"), "mount /tmp"));
  auto proc = create_procfs(4, clock_ns, proc::tables());
  if (proc.is_error()) return rtl::Error(rtl::Errc::no_memory, "procfs");
  TRY(check(g_vfs->mount(nullptr, "/proc", proc.release_value(), "proc", "rw"), "mount /proc"));
  return {};
}

}  // namespace

Vfs& vfs() { return *g_vfs; }
const char* uname_release() { return g_release; }
const char* uname_version() { return g_version; }

rtl::Result<void> start(const StartOptions& options) {
  g_release = options.release;
  g_version = options.version;
  g_vfs = new (g_vfs_storage) Vfs();
  TRY(build_filesystems(options));
  register_process_syscalls();
  register_memory_syscalls();
  register_file_syscalls();
  register_time_syscalls();
  register_resource_syscalls();
  register_signal_syscalls();
  register_system_syscalls();
  register_module_syscalls();
  register_log_syscalls();
  install_process_hooks();
  microcore::set_personality_syscall(dispatch_syscall);
  return start_init(options.init_path, options.init_argv, options.init_argc);
}

}  // namespace bsdlayer

namespace bsdlayer {
namespace {

bool start_from_executive(const executive::PersonalityBoot& boot) {
  StartOptions options{boot.initramfs, boot.initramfs_size, boot.init_path, boot.init_argv, boot.init_argc,
                       boot.release, boot.version};
  auto started = start(options);
  if (started.is_error()) {
    rtl::pr_err("bsdlayer: cannot start: {}", started.error().what());
    return false;
  }
  return true;
}

// Registers the Linux personality with the executive before kernel_main runs.
struct Registration {
  Registration() { executive::register_personality("linux", start_from_executive); }
} g_registration;

}  // namespace
}  // namespace bsdlayer
