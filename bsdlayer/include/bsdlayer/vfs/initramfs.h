// Unpacking the initramfs (a cpio "newc" archive, executive/cpio_archive.h)
// into a directory tree, as Linux's init/initramfs.c does at boot.
//
// Entries become directories, regular files (data copied), symlinks and
// character devices / fifos, with their permissions, uid, gid and mtime.
// Missing parent directories are created (0755); an entry whose name exists
// replaces it (a directory only updates its attributes), so the last entry
// of a name wins. Names are relative to `target`; leading "/" and "./" are
// ignored and any ".." component rejects the archive (EINVAL) before
// anything is created. Other entry types (sockets, block devices) are
// skipped. Hard links are not merged. Returns the entries unpacked.
#pragma once

#include <cstddef>

#include "bsdlayer/vfs/vfs.h"
#include "executive/cpio_archive.h"

namespace bsdlayer {

SysResult<size_t> unpack_initramfs(Vfs& vfs, Vnode& target, const executive::CpioArchive& archive);

}  // namespace bsdlayer
