// Vocabulary of the portable VM: page size, protections, fault access kinds,
// cache attributes and the user address range.
#pragma once

#include <cstdint>

namespace microcore::vm {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageShift = 12;
// User space is [kUserBase, kUserEnd): page 0 stays unmapped so null
// pointers fault; the top page below the canonical hole is left out too.
inline constexpr uint64_t kUserBase = 0x1000;
inline constexpr uint64_t kUserEnd = 0x0000'7fff'ffff'f000;

struct Protection {
  bool read = false;
  bool write = false;
  bool execute = false;
  bool user = false;

  static constexpr Protection none() { return {}; }
  static constexpr Protection read_only() { return {true, false, false, true}; }
  static constexpr Protection read_write() { return {true, true, false, true}; }
  static constexpr Protection read_execute() { return {true, false, true, true}; }
  static constexpr Protection all() { return {true, true, true, true}; }

  // True when every right of `other` is also in *this.
  constexpr bool includes(Protection other) const {
    return (read || !other.read) && (write || !other.write) && (execute || !other.execute) &&
           (user || !other.user);
  }
  constexpr Protection without_write() const { return {read, false, execute, user}; }
  constexpr bool operator==(const Protection&) const = default;
};

// Memory type of a mapping (x86: PAT/PCD/PWT bits).
enum class CacheMode : uint8_t { write_back, uncached, write_combining };

enum class Access : uint8_t { read, write, execute };

// What a child gets of a region on copy_on_write_clone (Mach's
// vm_inherit_t): a copy-on-write copy, the same object shared, or nothing.
enum class Inheritance : uint8_t { copy, share, none };

}  // namespace microcore::vm
