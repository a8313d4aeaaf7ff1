// libmach's out-of-line parts: print(), message helpers, error names.
#include "mach.h"

#include <stdarg.h>

namespace mach {

namespace {

// Appends to a fixed buffer, silently dropping what does not fit.
struct Output {
  char* buffer;
  size_t capacity;
  size_t length = 0;

  void put(char c) {
    if (length < capacity) buffer[length++] = c;
  }
  void put(const char* s, size_t n) {
    for (size_t i = 0; i < n; ++i) put(s[i]);
  }
  void put_unsigned(uint64_t value, unsigned base) {
    char digits[20];
    size_t n = 0;
    do {
      unsigned digit = static_cast<unsigned>(value % base);
      digits[n++] = static_cast<char>(digit < 10 ? '0' + digit : 'a' + digit - 10);
      value /= base;
    } while (value);
    while (n) put(digits[--n]);
  }
  void put_signed(int64_t value) {
    if (value < 0) {
      put('-');
      put_unsigned(0 - static_cast<uint64_t>(value), 10);
    } else {
      put_unsigned(static_cast<uint64_t>(value), 10);
    }
  }
};

void format(Output& out, const char* f, va_list args) {
  while (*f) {
    if (*f != '%') {
      out.put(*f++);
      continue;
    }
    ++f;
    int precision = -1;
    if (f[0] == '.' && f[1] == '*') {
      precision = va_arg(args, int);
      f += 2;
    }
    int longs = 0;
    while (*f == 'l' || *f == 'z') {
      longs += *f == 'z' ? 2 : 1;
      ++f;
    }
    char conversion = *f ? *f++ : '%';
    switch (conversion) {
      case 'c':
        out.put(static_cast<char>(va_arg(args, int)));
        break;
      case 's': {
        const char* s = va_arg(args, const char*);
        if (!s) s = "(null)";
        size_t n = 0;
        while ((precision < 0 || n < static_cast<size_t>(precision)) && s[n]) ++n;
        out.put(s, n);
        break;
      }
      case 'd':
      case 'i':
        out.put_signed(longs ? va_arg(args, int64_t) : va_arg(args, int));
        break;
      case 'u':
        out.put_unsigned(longs ? va_arg(args, uint64_t) : va_arg(args, unsigned), 10);
        break;
      case 'x':
        out.put_unsigned(longs ? va_arg(args, uint64_t) : va_arg(args, unsigned), 16);
        break;
      case 'p':
        out.put("0x", 2);
        out.put_unsigned(reinterpret_cast<uint64_t>(va_arg(args, void*)), 16);
        break;
      default:
        out.put('%');
        out.put(conversion);
        break;
    }
  }
}

}  // namespace

kern_return_t print(const char* format_string, ...) {
  char buffer[256];
  Output out{buffer, sizeof(buffer)};
  va_list args;
  va_start(args, format_string);
  format(out, format_string, args);
  va_end(args);
  return debug_write(buffer, out.length);
}

kern_return_t bootstrap_register(const char* service, mach_port_name_t send_right) {
  return static_cast<kern_return_t>(trap(AMPHI_TRAP_BOOTSTRAP_REGISTER, reinterpret_cast<uint64_t>(service),
                                         string_length(service), send_right));
}

kern_return_t bootstrap_look_up(const char* service, mach_port_name_t* send_right) {
  int64_t result =
      trap(AMPHI_TRAP_BOOTSTRAP_LOOK_UP, reinterpret_cast<uint64_t>(service), string_length(service));
  if (result < 0) return static_cast<kern_return_t>(-result);
  *send_right = static_cast<mach_port_name_t>(result);
  return KERN_SUCCESS;
}

mach_msg_size_t make_message(InlineMessage* m, mach_port_name_t remote, uint32_t remote_disposition,
                             mach_port_name_t local, uint32_t local_disposition, mach_msg_id_t id,
                             const void* bytes, size_t length) {
  if (length > InlineMessage::kMaxBytes) length = InlineMessage::kMaxBytes;
  size_t padded = (length + 3) & ~size_t{3};
  memcpy(m->bytes, bytes, length);
  memset(m->bytes + length, 0, padded - length);
  m->header.msgh_bits = MACH_MSGH_BITS(remote_disposition, local_disposition);
  m->header.msgh_size = static_cast<mach_msg_size_t>(sizeof(mach_msg_header_t) + padded);
  m->header.msgh_remote_port = remote;
  m->header.msgh_local_port = local;
  m->header.msgh_voucher_port = MACH_PORT_NULL;
  m->header.msgh_id = id;
  return m->header.msgh_size;
}

size_t message_text(const InlineMessage& m, const char** text) {
  size_t limit = m.header.msgh_size < sizeof(mach_msg_header_t) ? 0 : m.byte_count();
  if (limit > InlineMessage::kMaxBytes) limit = InlineMessage::kMaxBytes;
  size_t n = 0;
  while (n < limit && m.bytes[n]) ++n;
  *text = reinterpret_cast<const char*>(m.bytes);
  return n;
}

const char* error_name(kern_return_t code) {
  switch (code) {
    case KERN_SUCCESS: return "KERN_SUCCESS";
    case KERN_INVALID_ADDRESS: return "KERN_INVALID_ADDRESS";
    case KERN_PROTECTION_FAILURE: return "KERN_PROTECTION_FAILURE";
    case KERN_NO_SPACE: return "KERN_NO_SPACE";
    case KERN_INVALID_ARGUMENT: return "KERN_INVALID_ARGUMENT";
    case KERN_FAILURE: return "KERN_FAILURE";
    case KERN_RESOURCE_SHORTAGE: return "KERN_RESOURCE_SHORTAGE";
    case KERN_INVALID_NAME: return "KERN_INVALID_NAME";
    case KERN_INVALID_RIGHT: return "KERN_INVALID_RIGHT";
    case KERN_INVALID_VALUE: return "KERN_INVALID_VALUE";
    case KERN_UREFS_OVERFLOW: return "KERN_UREFS_OVERFLOW";
    case KERN_INVALID_CAPABILITY: return "KERN_INVALID_CAPABILITY";
    case KERN_NOT_SUPPORTED: return "KERN_NOT_SUPPORTED";
    case KERN_OPERATION_TIMED_OUT: return "KERN_OPERATION_TIMED_OUT";
    case MACH_SEND_INVALID_DATA: return "MACH_SEND_INVALID_DATA";
    case MACH_SEND_INVALID_DEST: return "MACH_SEND_INVALID_DEST";
    case MACH_SEND_TIMED_OUT: return "MACH_SEND_TIMED_OUT";
    case MACH_SEND_INVALID_REPLY: return "MACH_SEND_INVALID_REPLY";
    case MACH_SEND_INVALID_RIGHT: return "MACH_SEND_INVALID_RIGHT";
    case MACH_SEND_MSG_TOO_SMALL: return "MACH_SEND_MSG_TOO_SMALL";
    case MACH_SEND_INVALID_MEMORY: return "MACH_SEND_INVALID_MEMORY";
    case MACH_SEND_NO_BUFFER: return "MACH_SEND_NO_BUFFER";
    case MACH_SEND_TOO_LARGE: return "MACH_SEND_TOO_LARGE";
    case MACH_SEND_INVALID_TYPE: return "MACH_SEND_INVALID_TYPE";
    case MACH_SEND_INVALID_HEADER: return "MACH_SEND_INVALID_HEADER";
    case MACH_RCV_INVALID_NAME: return "MACH_RCV_INVALID_NAME";
    case MACH_RCV_TIMED_OUT: return "MACH_RCV_TIMED_OUT";
    case MACH_RCV_TOO_LARGE: return "MACH_RCV_TOO_LARGE";
    case MACH_RCV_INTERRUPTED: return "MACH_RCV_INTERRUPTED";
    case MACH_RCV_INVALID_DATA: return "MACH_RCV_INVALID_DATA";
    case MACH_RCV_PORT_DIED: return "MACH_RCV_PORT_DIED";
    default: return "unknown error";
  }
}

size_t string_length(const char* s) {
  size_t n = 0;
  while (s[n]) ++n;
  return n;
}

bool string_equal(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

uint64_t parse_decimal(const char* s, uint64_t fallback) {
  while (*s == ' ') ++s;
  if (*s < '0' || *s > '9') return fallback;
  uint64_t value = 0;
  while (*s >= '0' && *s <= '9') value = value * 10 + static_cast<uint64_t>(*s++ - '0');
  return value;
}

}  // namespace mach
