// Devices in the ACPI namespace, found by walking AML term lists without an
// interpreter (see hal/acpi_devices.h).
//
// The walk understands the terms that declare the namespace's shape and
// can skip everything else that carries its own length: Scope and Device
// (entered), Name (its data object skipped or decoded), Method, Field,
// If/Else and the other PkgLength-delimited terms (skipped whole), and the
// fixed-shape declarations (OperationRegion with constant operands, Mutex,
// Event, External, Alias). Any other opcode has no length we could trust,
// so it ends the walk of that one term list; the enclosing PkgLength still
// says where the scope ends, so the rest of the table is walked.
//
// Each Device body is read twice: first its own Name/Method objects
// (_HID, _STA, _CRS), so the device is listed before the devices it
// contains, then its child scopes and devices.
#include "aml_reader.h"
#include "hal/acpi_devices.h"

namespace hal::acpi {
namespace {

using aml::Cursor;
using aml::NamePath;

constexpr size_t kMaxDepth = 16;  // nested Scope/Device bodies walked
static_assert(NamespaceDevice::kMaxPath >= 1 + NamePath::kMaxSegments * 5, "a formatted path fits");

constexpr uint8_t kAliasOp = 0x06;
constexpr uint8_t kNameOp = 0x08;
constexpr uint8_t kStringPrefix = 0x0d;
constexpr uint8_t kScopeOp = 0x10;
constexpr uint8_t kBufferOp = 0x11;
constexpr uint8_t kPackageOp = 0x12;
constexpr uint8_t kVarPackageOp = 0x13;
constexpr uint8_t kMethodOp = 0x14;
constexpr uint8_t kExternalOp = 0x15;
constexpr uint8_t kExtOpPrefix = 0x5b;
constexpr uint8_t kIfOp = 0xa0;
constexpr uint8_t kElseOp = 0xa1;
constexpr uint8_t kWhileOp = 0xa2;
// After kExtOpPrefix.
constexpr uint8_t kMutexOp = 0x01;
constexpr uint8_t kEventOp = 0x02;
constexpr uint8_t kRevisionOp = 0x30;
constexpr uint8_t kOpRegionOp = 0x80;
constexpr uint8_t kDeviceOp = 0x82;

// What a Device body says about itself.
struct DeviceFacts {
  enum class State : uint8_t { absent, usable, unusable };  // unusable: a method, or malformed
  State hid = State::absent;
  State crs = State::absent;
  bool sta_static = false;
  bool complete = false;  // the whole body was understood
  uint32_t sta = 0;
  uint32_t eisa_id = 0;
  char hid_text[10] = {};
  ResourceList resources{};
};

bool is_integer_op(uint8_t op) {
  return op == 0x00 || op == 0x01 || op == 0xff || op == 0x0a || op == 0x0b || op == 0x0c ||
         op == 0x0e;
}

// String: ASCII bytes up to a NUL; false if unterminated or not ASCII.
// Copies it into `out` if it fits (`fits`), else leaves `out` empty.
bool take_string(Cursor& c, char* out, size_t capacity, bool& fits) {
  size_t length = 0;
  fits = true;
  for (;;) {
    uint8_t byte;
    if (!c.take(byte) || byte > 0x7f) return false;
    if (byte == 0) break;
    if (length + 1 >= capacity) fits = false;
    if (fits) out[length] = static_cast<char>(byte);
    ++length;
  }
  out[fits ? length : 0] = '\0';
  return true;
}

// Buffer: BufferOp PkgLength BufferSize ByteList. `bytes` gets the
// initializer (at most BufferSize bytes; AML pads the rest with zeros).
bool take_buffer(Cursor& c, Cursor& bytes) {
  Cursor body;
  uint32_t size;
  if (!aml::take_package(c, body) || !aml::decode_integer(body, size)) return false;
  bytes = Cursor{body.p, body.remaining < size ? body.remaining : size};
  return true;
}

// The DataRefObject after Name's NameString: decoded when it is one of the
// device's own identification objects, otherwise only skipped.
bool take_name_value(Cursor& c, const NamePath& name, const NamePath& device, DeviceFacts* facts) {
  uint8_t op;
  if (!c.peek(op)) return false;
  bool own = facts != nullptr && name.is_child_of(device);
  if (is_integer_op(op)) {
    uint32_t value;
    if (!aml::decode_integer(c, value)) return false;
    if (own && name.last_is("_HID")) {
      facts->hid = op == 0x0c ? DeviceFacts::State::usable : DeviceFacts::State::unusable;
      facts->eisa_id = value;
    } else if (own && name.last_is("_STA")) {
      facts->sta_static = true;
      facts->sta = value;
    }
    return true;
  }
  c.skip(1);
  switch (op) {
    case kStringPrefix: {
      char text[sizeof facts->hid_text];
      bool fits;
      if (!take_string(c, text, sizeof text, fits)) return false;
      if (own && name.last_is("_HID")) {
        facts->hid =
            fits && text[0] != '\0' ? DeviceFacts::State::usable : DeviceFacts::State::unusable;
        for (size_t i = 0; i < sizeof text; ++i) facts->hid_text[i] = text[i];
      }
      return true;
    }
    case kBufferOp: {
      Cursor bytes;
      if (!take_buffer(c, bytes)) return false;
      if (own && name.last_is("_CRS")) {
        auto resources = decode_resource_template(bytes.p, bytes.remaining);
        facts->crs = resources.is_ok() ? DeviceFacts::State::usable : DeviceFacts::State::unusable;
        if (resources.is_ok()) facts->resources = resources.value();
      }
      return true;
    }
    case kPackageOp:
    case kVarPackageOp: {
      Cursor body;
      return aml::take_package(c, body);
    }
    case kExtOpPrefix: {
      uint8_t ext;
      return c.take(ext) && ext == kRevisionOp;
    }
    default:
      return false;
  }
}

struct Walk {
  NamespaceDeviceList& out;
};

void walk_terms(Cursor c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk);

void list_device(const NamePath& path, const DeviceFacts& facts, Walk& walk) {
  NamespaceDeviceList& out = walk.out;
  if (facts.hid == DeviceFacts::State::absent) return;  // not an identified device (_ADR children)
  if (facts.sta_static && (facts.sta & 1) == 0) {
    ++out.absent;
    return;
  }
  bool usable = facts.hid == DeviceFacts::State::usable &&
                facts.crs != DeviceFacts::State::unusable &&
                (facts.crs == DeviceFacts::State::usable || facts.complete);
  if (!usable) {
    ++out.skipped;
    return;
  }
  if (out.count == NamespaceDeviceList::kCapacity) {
    ++out.overflow;
    return;
  }
  NamespaceDevice& device = out.devices[out.count++];
  device = {};
  path.format(device.path, sizeof device.path);
  if (facts.hid_text[0] != '\0') {
    for (size_t i = 0; i < sizeof device.hid; ++i) device.hid[i] = facts.hid_text[i];
  } else {
    device.eisa_id = facts.eisa_id;
    format_eisa_id(facts.eisa_id, device.hid);
  }
  device.resources = facts.resources;
}

// `c` is at the Device's PkgLength.
bool take_device(Cursor& c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk) {
  Cursor body;
  NamePath path;
  if (!aml::take_package(c, body) || !aml::decode_name_string(body, scope, path)) return false;
  if (facts != nullptr || depth >= kMaxDepth) return true;  // a parent's first pass: skipped whole
  DeviceFacts own;
  walk_terms(body, path, depth + 1, &own, walk);
  list_device(path, own, walk);
  walk_terms(body, path, depth + 1, nullptr, walk);
  return true;
}

bool take_scope(Cursor& c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk) {
  Cursor body;
  NamePath path;
  if (!aml::take_package(c, body) || !aml::decode_name_string(body, scope, path)) return false;
  if (facts == nullptr && depth < kMaxDepth) walk_terms(body, path, depth + 1, nullptr, walk);
  return true;
}

bool take_method(Cursor& c, const NamePath& scope, DeviceFacts* facts) {
  Cursor body;
  NamePath name;
  if (!aml::take_package(c, body) || !aml::decode_name_string(body, scope, name)) return false;
  if (facts != nullptr && name.is_child_of(scope)) {
    if (name.last_is("_HID")) facts->hid = DeviceFacts::State::unusable;
    if (name.last_is("_CRS")) facts->crs = DeviceFacts::State::unusable;
    // A method _STA cannot be run here: the device counts as present, as
    // when there is no _STA, and its driver's own probe decides.
  }
  return true;
}

bool take_extended(Cursor& c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk) {
  uint8_t op;
  NamePath name;
  Cursor body;
  if (!c.take(op)) return false;
  switch (op) {
    case kDeviceOp:
      return take_device(c, scope, depth, facts, walk);
    case kOpRegionOp: {  // NameString RegionSpace RegionOffset RegionLen
      uint32_t offset, length;
      return aml::decode_name_string(c, scope, name) && c.skip(1) &&
             aml::decode_integer(c, offset) && aml::decode_integer(c, length);
    }
    case kMutexOp:
      return aml::decode_name_string(c, scope, name) && c.skip(1);
    case kEventOp:
      return aml::decode_name_string(c, scope, name);
    case 0x81:  // Field
    case 0x83:  // Processor
    case 0x84:  // PowerResource
    case 0x85:  // ThermalZone
    case 0x86:  // IndexField
    case 0x87:  // BankField
      return aml::take_package(c, body);
    default:
      return false;
  }
}

// One term; false when it is not understood (or malformed) and the rest of
// this term list cannot be located.
bool take_term(Cursor& c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk) {
  uint8_t op;
  NamePath name, target;
  Cursor body;
  if (!c.take(op)) return false;
  switch (op) {
    case kScopeOp:
      return take_scope(c, scope, depth, facts, walk);
    case kNameOp:
      return aml::decode_name_string(c, scope, name) && take_name_value(c, name, scope, facts);
    case kMethodOp:
      return take_method(c, scope, facts);
    case kIfOp:
    case kElseOp:
    case kWhileOp:  // conditional declarations are not static: skipped
      return aml::take_package(c, body);
    case kExternalOp:
      return aml::decode_name_string(c, scope, name) && c.skip(2);
    case kAliasOp:
      return aml::decode_name_string(c, scope, name) && aml::decode_name_string(c, scope, target);
    case kExtOpPrefix:
      return take_extended(c, scope, depth, facts, walk);
    default:
      return false;
  }
}

void walk_terms(Cursor c, const NamePath& scope, size_t depth, DeviceFacts* facts, Walk& walk) {
  while (c.remaining > 0)
    if (!take_term(c, scope, depth, facts, walk)) return;
  if (facts != nullptr) facts->complete = true;
}

}  // namespace

void format_eisa_id(uint32_t eisa_id, char out[8]) {
  // The DWORD holds the id big-endian: three 5-bit letters ('A' = 1), then
  // four hex digits of product and revision.
  uint32_t id =
      (eisa_id >> 24) | ((eisa_id >> 8) & 0xff00) | ((eisa_id << 8) & 0xff0000) | (eisa_id << 24);
  static constexpr char kHex[] = "0123456789ABCDEF";
  out[0] = static_cast<char>('@' + ((id >> 26) & 0x1f));
  out[1] = static_cast<char>('@' + ((id >> 21) & 0x1f));
  out[2] = static_cast<char>('@' + ((id >> 16) & 0x1f));
  for (int i = 0; i < 4; ++i) out[3 + i] = kHex[(id >> (12 - 4 * i)) & 0xf];
  out[7] = '\0';
}

const NamespaceDevice* NamespaceDeviceList::find(const char* hid, size_t instance) const {
  for (size_t i = 0; i < count; ++i) {
    const char* a = devices[i].hid;
    size_t k = 0;
    while (a[k] != '\0' && a[k] == hid[k]) ++k;
    if (a[k] == hid[k] && instance-- == 0) return &devices[i];
  }
  return nullptr;
}

rtl::Result<void> find_namespace_devices(const uint8_t* aml, size_t length,
                                         NamespaceDeviceList& out) {
  out.count = out.overflow = out.absent = out.skipped = 0;
  if (aml == nullptr) return rtl::Error(rtl::Errc::invalid_argument, "no AML");
  Walk walk{out};
  NamePath root{};
  walk_terms(Cursor{aml, length}, root, 0, nullptr, walk);
  return {};
}

rtl::Result<void> find_namespace_devices(const Table& dsdt_or_ssdt, NamespaceDeviceList& out) {
  return find_namespace_devices(dsdt_or_ssdt.data + kTableHeaderSize,
                                dsdt_or_ssdt.length - kTableHeaderSize, out);
}

}  // namespace hal::acpi
