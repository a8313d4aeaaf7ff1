// Object path syntax (see object_path.h).
#include "executive/object_path.h"

#include "executive/object.h"

namespace executive::ob {
namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

rtl::Result<void> check_name(std::string_view name) {
  if (name.empty()) return rtl::Error(rtl::Errc::invalid_argument, "empty name in object path");
  if (name.size() > Object::kMaxName) return rtl::Error(rtl::Errc::too_big, "object name longer than 31");
  for (char c : name) {
    if (c == '\\') return rtl::Error(rtl::Errc::invalid_argument, "backslash in object name");
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return rtl::Error(rtl::Errc::invalid_argument, "control character in object name");
  }
  return {};
}

rtl::Result<void> check_path(std::string_view path) {
  if (path.empty() || path.front() != '\\')
    return rtl::Error(rtl::Errc::invalid_argument, "object paths start with \\");
  if (path.size() > kMaxPath) return rtl::Error(rtl::Errc::too_big, "object path longer than 255");
  if (path.size() == 1) return {};  // the root
  size_t depth = 0;
  std::string_view rest = path.substr(1);
  for (;;) {
    size_t cut = rest.find('\\');
    TRY(check_name(rest.substr(0, cut)));
    if (++depth > kMaxDepth) return rtl::Error(rtl::Errc::too_big, "object path deeper than 16");
    if (cut == std::string_view::npos) return {};
    rest.remove_prefix(cut + 1);
  }
}

int compare_names(std::string_view a, std::string_view b) {
  size_t common = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < common; ++i) {
    char x = fold(a[i]), y = fold(b[i]);
    if (x != y) return static_cast<unsigned char>(x) < static_cast<unsigned char>(y) ? -1 : 1;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

SplitPath split_last(std::string_view path) {
  size_t cut = path.rfind('\\');
  if (path.size() <= 1 || cut == std::string_view::npos) return {"\\", {}};
  return {cut == 0 ? path.substr(0, 1) : path.substr(0, cut), path.substr(cut + 1)};
}

}  // namespace executive::ob
