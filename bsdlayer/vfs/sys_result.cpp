// rtl::Errc -> Linux errno, for errors that come from rtl (allocation) or
// from other layers (executive's cpio reader) into a system call.
#include "bsdlayer/vfs/sys_result.h"

namespace bsdlayer {

int errno_from_errc(rtl::Errc code) {
  switch (code) {
    case rtl::Errc::ok: break;
    case rtl::Errc::no_memory: return LINUX_ENOMEM;
    case rtl::Errc::invalid_argument: return LINUX_EINVAL;
    case rtl::Errc::not_found: return LINUX_ENOENT;
    case rtl::Errc::already_exists: return LINUX_EEXIST;
    case rtl::Errc::busy: return LINUX_EBUSY;
    case rtl::Errc::timed_out: return LINUX_ETIMEDOUT;
    case rtl::Errc::out_of_range: return LINUX_EFAULT;
    case rtl::Errc::not_supported: return LINUX_EOPNOTSUPP;
    case rtl::Errc::io_error: return LINUX_EIO;
    case rtl::Errc::bad_format: return LINUX_ENOEXEC;
    case rtl::Errc::permission_denied: return LINUX_EPERM;
    case rtl::Errc::would_block: return LINUX_EAGAIN;
    case rtl::Errc::too_big: return LINUX_E2BIG;
    case rtl::Errc::interrupted: return LINUX_EINTR;
    case rtl::Errc::no_device: return LINUX_ENODEV;
    case rtl::Errc::not_a_directory: return LINUX_ENOTDIR;
    case rtl::Errc::too_many_links: return LINUX_ELOOP;
  }
  return LINUX_EIO;
}

}  // namespace bsdlayer
