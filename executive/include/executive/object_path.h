// Object manager paths, as NT writes them: absolute, `\` between names,
// `\` alone for the root (\Device\blk0, \??\rd0, \ObjectTypes\Device).
//
// A well-formed path has no empty names (no `\\`, no trailing `\`), names of
// 1..31 printable characters (anything but `\` and control characters), at
// most kMaxDepth names and kMaxPath characters. Names compare without
// regard to ASCII case, as NT's object manager does by default, so
// \DEVICE\BLK0 names the same object as \Device\blk0.
#pragma once

#include <cstddef>
#include <string_view>

#include "rtl/result.h"

namespace executive::ob {

inline constexpr size_t kMaxPath = 255;
inline constexpr size_t kMaxDepth = 16;

// Errors: invalid_argument for a malformed path or name, too_big for one
// over the limits.
rtl::Result<void> check_name(std::string_view name);
rtl::Result<void> check_path(std::string_view path);

// Case-insensitive (ASCII) order of two names: <0, 0, >0 like strcmp.
int compare_names(std::string_view a, std::string_view b);
inline bool names_equal(std::string_view a, std::string_view b) { return compare_names(a, b) == 0; }

// A well-formed path cut before its last name: "\Device\blk0" gives
// "\Device" and "blk0", "\Device" gives "\" and "Device"; the root gives
// "\" and an empty leaf.
struct SplitPath {
  std::string_view parent;
  std::string_view leaf;
};
SplitPath split_last(std::string_view path);

}  // namespace executive::ob
