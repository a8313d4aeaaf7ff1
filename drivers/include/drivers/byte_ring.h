// ByteRing: bytes a device received that nobody has read yet, oldest first
// (a UART's receive buffer, a keyboard's scancodes). A full ring drops the
// newest byte and counts it, as a device's own buffer overruns; the bytes
// already in it keep their order. Not locked: it belongs to one driver
// instance (DeviceHost's threading). Tested with its drivers.
#pragma once

#include <cstdint>

namespace drivers {

template <uint32_t Capacity>
class ByteRing {
 public:
  static constexpr uint32_t kCapacity = Capacity;

  bool push(uint8_t byte) {
    if (count_ == kCapacity) {
      ++dropped_;
      return false;
    }
    bytes_[(head_ + count_++) % kCapacity] = byte;
    return true;
  }
  // Moves up to `length` of the oldest bytes to `out`; returns how many.
  uint32_t take(uint8_t* out, uint32_t length) {
    uint32_t n = 0;
    for (; n < length && count_; ++n, --count_) {
      out[n] = bytes_[head_];
      head_ = (head_ + 1) % kCapacity;
    }
    return n;
  }
  // The index-th oldest byte (index < size()), left in place.
  uint8_t at(uint32_t index) const { return bytes_[(head_ + index) % kCapacity]; }
  void clear() { head_ = count_ = 0; }
  uint32_t size() const { return count_; }
  uint64_t dropped() const { return dropped_; }

 private:
  uint8_t bytes_[kCapacity] = {};
  uint32_t head_ = 0, count_ = 0;
  uint64_t dropped_ = 0;
};

}  // namespace drivers
