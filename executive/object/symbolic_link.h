// SymbolicLink: the body of a symbolic link object, the absolute path it
// stands for (\??\blk0 -> \Device\blk0). Checked when the link is made but
// not required to exist: a link may dangle, and then resolving it fails
// with not_found, as NT's do.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include "executive/object_path.h"

namespace executive::ob {

struct SymbolicLink {
  explicit SymbolicLink(std::string_view path) : length(static_cast<uint16_t>(path.size())) {
    memcpy(target, path.data(), path.size());
  }
  std::string_view view() const { return {target, length}; }

  char target[kMaxPath];
  uint16_t length;
};

}  // namespace executive::ob
