#include "rtl/error.h"

namespace rtl {

const char* errc_name(Errc code) {
  switch (code) {
    case Errc::ok: return "success";
    case Errc::no_memory: return "out of memory";
    case Errc::invalid_argument: return "invalid argument";
    case Errc::not_found: return "not found";
    case Errc::already_exists: return "already exists";
    case Errc::busy: return "busy";
    case Errc::timed_out: return "timed out";
    case Errc::out_of_range: return "out of range";
    case Errc::not_supported: return "not supported";
    case Errc::io_error: return "I/O error";
    case Errc::bad_format: return "bad format";
    case Errc::permission_denied: return "permission denied";
    case Errc::would_block: return "would block";
    case Errc::too_big: return "too big";
    case Errc::interrupted: return "interrupted";
    case Errc::no_device: return "no such device";
    case Errc::not_a_directory: return "not a directory";
    case Errc::too_many_links: return "too many levels of symbolic links";
  }
  return "unknown error";
}

}  // namespace rtl
