// procfs: Linux's /proc as a filesystem whose directories and file contents
// are generated on demand from tables of content providers.
//
// The mechanics are portable (and host-tested); what the files say comes
// from the caller's ProcfsTables: the kernel's (kernel/proc_*.cpp) read
// processes, memory and CPU figures. Layout:
//   /proc/<name>        one per root entry (files, or symlinks like "self")
//   /proc/<pid>/        one per pid that list_pids reports
//   /proc/<pid>/<name>  one per pid entry; providers get the pid
// Vnodes are made afresh on every lookup (nothing is cached), with inode
// numbers derived from (pid, entry) so they stay stable. A file's text is
// generated on each read and the requested slice served from it, so a
// reader that reads in pieces sees one consistent snapshot only if the
// text fits its first read (as with Linux's seq_file for small files).
//
// Providers run with the caller's VFS serialization held (the kernel's
// BsdLock): they must not block or take that lock.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "bsdlayer/vfs/file_system.h"
#include "rtl/format.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {

// Text under construction in a caller-sized buffer. Writing past the end
// sets overflowed(); procfs then retries with a bigger buffer.
class ProcText {
 public:
  ProcText(char* buffer, size_t capacity) : data_(buffer), capacity_(capacity) {}

  void append(std::string_view text);
  void append_char(char c) { append(std::string_view(&c, 1)); }
  template <typename... Args>
  void appendf(fmt::format_string<Args...> format, Args&&... args) {
    vappendf(format, fmt::make_format_args(args...));
  }
  void vappendf(fmt::string_view format, fmt::format_args args);

  size_t size() const { return size_; }
  bool overflowed() const { return overflowed_; }
  std::string_view view() const { return {data_, size_}; }

 private:
  char* data_;
  size_t capacity_;
  size_t size_ = 0;
  bool overflowed_ = false;
};

// Fills `out`; false if the object is gone (the read fails with ENOENT).
using ProcGenerator = bool (*)(int pid, ProcText& out);

struct ProcEntry {
  const char* name;
  VnodeType type;           // regular or symlink
  ProcGenerator generate;   // the file's text, or the link's target
};

struct ProcfsTables {
  const ProcEntry* root_entries;  // /proc/<name>
  size_t root_count;
  const ProcEntry* pid_entries;  // /proc/<pid>/<name>
  size_t pid_count;             // at most kMaxPidEntries
  // Calls visit for every pid, in any order.
  void (*for_each_pid)(void (*visit)(int pid, void* context), void* context);
  bool (*pid_exists)(int pid);
};

inline constexpr size_t kProcMaxPidEntries = 63;
inline constexpr size_t kProcMaxText = 1024 * 1024;  // longer texts are cut

// `tables` must outlive the filesystem.
SysResult<rtl::OwnPtr<FileSystem>> create_procfs(uint64_t device, Clock clock, const ProcfsTables& tables);

}  // namespace bsdlayer
