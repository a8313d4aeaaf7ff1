// The kernel's procfs content (see bsdlayer/vfs/procfs.h for the
// mechanics): system-wide files in proc_system.cpp, per-process ones in
// proc_pid.cpp. Providers run under BsdLock (the VFS lock), never block.
#pragma once

#include "bsdlayer/process.h"
#include "bsdlayer/vfs/procfs.h"

namespace bsdlayer::proc {

// The tables create_procfs gets (proc_system.cpp).
const ProcfsTables& tables();
// /proc/<pid>/ entries (proc_pid.cpp).
extern const ProcEntry kPidEntries[];
extern const size_t kPidEntryCount;

// Shared figures.
inline constexpr uint64_t kUserHz = 100;  // Linux's USER_HZ: clock ticks in /proc
inline uint64_t ns_to_ticks(uint64_t ns) { return ns / (1'000'000'000 / kUserHz); }
// 'R', 'S' or 'Z' as Linux's state letters.
char process_state(const Process& process);

}  // namespace bsdlayer::proc
