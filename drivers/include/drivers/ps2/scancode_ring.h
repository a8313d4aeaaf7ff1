// ScancodeRing: the keyboard driver's bytes received and not yet read, and
// their encoding in a SavedState, so keys typed just before a mode switch
// reach the reader after it. Portable, host-tested
// (tests/host/drivers_ps2_keyboard_test.cpp).
//
// Saved state: 'K', a version byte, then the buffered bytes oldest first.
// Anything else (another driver's state, a corrupt blob) restores as empty.
#pragma once

#include <cstdint>

#include "drivers/byte_ring.h"
#include "drivers/driver.h"

namespace drivers::ps2 {

inline constexpr uint32_t kSavedHeaderBytes = 2;

class ScancodeRing : public ByteRing<SavedState::kCapacity - kSavedHeaderBytes> {
 public:
  void save(SavedState& state) const;
  // Replaces the contents with a saved ring; false (and empty) when the
  // blob is not one.
  bool restore(const SavedState& state);
};

}  // namespace drivers::ps2
