// PCI enumeration and decoding, portable and pure.
//
// Why: the kernel finds its devices by walking PCI configuration space. The
// walk and the decoding of what it reads are machine-independent; only the
// access method differs (ECAM MMIO from the MCFG in the kernel, a fake bus in
// the host tests), so it comes in as a ConfigReader.
//
// Invariants:
//  - Enumeration only reads configuration space. BAR sizing writes it (and
//    briefly disables decoding), so it is a separate, explicit call that
//    needs a ConfigAccess with write32.
//  - Each bus is scanned at most once (a visited set), so bridges pointing
//    backwards or at each other cannot recurse forever; scanning never leaves
//    [start_bus, end_bus], the range the accessor can reach.
//  - No allocation: the device list has fixed capacity and an overflow count.
//    Devices come out sorted by bus:device.function, like lspci.
#pragma once

#include <cstddef>
#include <cstdint>

#include "rtl/result.h"

namespace hal::pci {

// Offsets are byte offsets, 4-aligned, below 4096 (ECAM) or 256 (legacy).
// A missing device reads as all ones.
struct ConfigReader {
  void* context;
  uint32_t (*read32)(void* context, uint8_t bus, uint8_t device, uint8_t function,
                     uint16_t offset);
};

struct ConfigAccess {
  void* context;
  uint32_t (*read32)(void* context, uint8_t bus, uint8_t device, uint8_t function,
                     uint16_t offset);
  void (*write32)(void* context, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                  uint32_t value);

  ConfigReader reader() const { return {context, read32}; }
};

inline constexpr uint8_t kHeaderTypeGeneral = 0;
inline constexpr uint8_t kHeaderTypeBridge = 1;
inline constexpr uint8_t kHeaderTypeCardBus = 2;
inline constexpr size_t kMaxBars = 6;

enum class BarKind : uint8_t {
  none,            // reads as zero: not implemented (or not yet assigned)
  io,
  memory32,        // includes the legacy below-1 MiB type
  memory64,
  memory64_upper,  // the high dword of the preceding memory64 BAR
};

struct Bar {
  BarKind kind;
  bool prefetchable;
  uint64_t address;  // decoded base, flag bits masked off
};

struct Device {
  uint8_t bus, device, function;
  uint16_t vendor_id, device_id;
  uint8_t class_code, subclass, prog_if, revision;
  uint8_t header_type;  // layout, bit 7 (multifunction) masked off
  bool multifunction;
  uint8_t secondary_bus, subordinate_bus;  // PCI-to-PCI bridges only, else 0
  uint8_t bar_count;                       // 6 general, 2 bridge, 0 other
  Bar bars[kMaxBars];
};

struct DeviceList {
  static constexpr size_t kCapacity = 256;
  Device devices[kCapacity];
  size_t count;
  size_t overflow;
};

// Scans start_bus recursively (functions 1-7 when the multifunction bit is
// set, bridges' secondary buses), then any bus of the range not reached
// that way (extra host bridges' root buses).
void enumerate(const ConfigReader& config, uint8_t start_bus, uint8_t end_bus, DeviceList& out);

// Decodes one BAR from raw dwords; `next` is the following BAR's raw value
// (used for 64-bit BARs; pass 0 if there is none).
Bar decode_bar(uint32_t raw, uint32_t next);

// Size in bytes of BAR `index` (0-5), by the write-all-ones probe. Saves
// and restores the BAR(s) and the command register, with I/O and memory
// decoding disabled meanwhile. 0 for an unimplemented BAR; invalid_argument
// for a bad index or the upper half of a 64-bit BAR.
rtl::Result<uint64_t> size_bar(const ConfigAccess& config, uint8_t bus, uint8_t device,
                               uint8_t function, uint8_t index);

// Byte, word and dword accesses over the dword-only `config` (offset
// aligned to width, below 4096). A narrow write reads the dword, replaces
// its bytes and writes it back, except that the status register beside the
// command register is written as zeros unless targeted: its bits clear when
// written as 1s, so writing back what was read would wipe them.
uint32_t read_config(const ConfigAccess& config, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                     uint8_t width);
void write_config(const ConfigAccess& config, uint8_t bus, uint8_t device, uint8_t function, uint16_t offset,
                  uint8_t width, uint32_t value);

// lspci's name for a class/subclass ("SATA controller"); unknown classes
// give "Unclassified device". Never null.
const char* pci_class_name(uint8_t class_code, uint8_t subclass);

// "00:1f.2 8086:2922 SATA controller". Returns chars written (NUL excluded).
size_t format_device(const Device& device, char* out, size_t capacity);

}  // namespace hal::pci
