// The keyboard's saved scancodes (see scancode_ring.h).
#include "drivers/ps2/scancode_ring.h"

namespace drivers::ps2 {
namespace {
constexpr uint8_t kMagic = 'K';
constexpr uint8_t kVersion = 1;
}  // namespace

void ScancodeRing::save(SavedState& state) const {
  state.bytes[0] = kMagic;
  state.bytes[1] = kVersion;
  for (uint32_t i = 0; i < size(); ++i) state.bytes[kSavedHeaderBytes + i] = at(i);
  state.size = kSavedHeaderBytes + size();
}

bool ScancodeRing::restore(const SavedState& state) {
  clear();
  if (state.size < kSavedHeaderBytes || state.size > SavedState::kCapacity || state.bytes[0] != kMagic ||
      state.bytes[1] != kVersion)
    return false;
  for (uint32_t i = kSavedHeaderBytes; i < state.size; ++i) push(state.bytes[i]);
  return true;
}

}  // namespace drivers::ps2
