// tmpfs: the in-memory filesystem behind /, /tmp and /dev (devfs is a tmpfs
// with device nodes, as Linux's devtmpfs). Directories are lists of named
// entries, regular files page-sized chunks allocated on first write (holes
// read as zeros), symlinks a stored target. Nothing is ever written back.
//
// Limits: names up to 255 bytes, files up to kTmpfsMaxFileSize; data pages
// up to page_limit (ENOSPC) when one is given, else until the heap runs out
// (ENOMEM). Every operation either completes or leaves the tree unchanged,
// except write(), which may stop short after a page allocation fails (it
// then reports the bytes written, as Linux does).
#pragma once

#include <cstdint>

#include "bsdlayer/vfs/file_system.h"
#include "rtl/own_ptr.h"

namespace bsdlayer {

inline constexpr uint64_t kTmpfsPageSize = 4096;
inline constexpr uint64_t kTmpfsMaxFileSize = uint64_t{1} << 40;

// A new tmpfs whose root is an empty directory with `root_permissions`.
SysResult<rtl::OwnPtr<FileSystem>> create_tmpfs(uint64_t device, Clock clock,
                                                uint32_t root_permissions = 0755,
                                                uint64_t page_limit = 0,
                                                const char* type_name = "tmpfs");

}  // namespace bsdlayer
