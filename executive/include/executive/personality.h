// Environment subsystems ("personalities", NT's term): a layer above the
// executive that runs user programs with its own ABI — bsdlayer's Linux ABI
// today. The executive cannot depend on them, so they register here from a
// static constructor and the executive starts the one `init=` asks for at
// the end of boot.
#pragma once

#include <cstddef>
#include <cstdint>

namespace executive {

struct PersonalityBoot {
  const uint8_t* initramfs;
  size_t initramfs_size;
  const char* init_path;
  const char* const* init_argv;
  size_t init_argc;
  const char* release;  // uname -r
  const char* version;  // uname -v
};

// Returns false (after logging why) when the personality could not start.
using PersonalityStart = bool (*)(const PersonalityBoot& boot);
void register_personality(const char* name, PersonalityStart start);

// Starts the registered personality; false if none or it failed.
bool start_personality(const PersonalityBoot& boot);

}  // namespace executive
