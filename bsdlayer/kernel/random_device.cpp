// The kernel's random-number generator: ChaCha20 (RFC 8439's block
// function) run as a keystream generator with "fast key erasure" — after
// every request the next keystream block replaces the key, so a later
// compromise of the state does not reveal output already handed out.
//
// Strength, honestly: the construction is a sound CSPRNG, but its output is
// only as unpredictable as its seed. The seed comes from RDSEED/RDRAND
// when the CPU has them (QEMU's -cpu max does; under TCG they are QEMU's
// host-seeded generator, not hardware entropy), and every request mixes in
// one more RDRAND word. Without them it falls back to TSC jitter sampled
// around short busy loops, which under emulation or on an idle machine may
// carry very little entropy. There is no entropy accounting: /dev/random
// never blocks and behaves exactly like /dev/urandom (as Linux >= 5.6 does
// once seeded). Not reviewed or tested against known-answer vectors beyond
// the RFC's block test in spirit; good for ASLR canaries, hash seeds and
// mktemp, not for long-term key generation you care about.
//
// State is under the process lock (BsdLock): device reads already hold it;
// getrandom takes it via fill().
#include "random_device.h"

#include <cstring>

#include "bsdlayer/bsdlayer.h"
#include "bsdlayer/process.h"
#include "bsdlayer/vfs/vfs.h"

namespace bsdlayer::random_device {
namespace {

constexpr uint32_t kMemMajor = 1;  // Linux: /dev/random 1:8, /dev/urandom 1:9
constexpr uint64_t kReseedBytes = 1ull << 20;

struct State {
  uint32_t key[8] = {};
  uint64_t counter = 0;
  uint64_t since_reseed = 0;
  bool seeded = false;
  bool has_rdrand = false;
  bool has_rdseed = false;
};
State g_state;  // under BsdLock

inline uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

inline void quarter(uint32_t& a, uint32_t& b, uint32_t& c, uint32_t& d) {
  a += b; d ^= a; d = rotl(d, 16);
  c += d; b ^= c; b = rotl(b, 12);
  a += b; d ^= a; d = rotl(d, 8);
  c += d; b ^= c; b = rotl(b, 7);
}

// One 64-byte ChaCha20 block for (key, counter); the nonce is zero (the
// 64-bit counter occupies words 12-13, as in the original ChaCha).
void chacha_block(const uint32_t (&key)[8], uint64_t counter, uint32_t (&out)[16]) {
  uint32_t in[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574,
                     key[0], key[1], key[2], key[3], key[4], key[5], key[6], key[7],
                     static_cast<uint32_t>(counter), static_cast<uint32_t>(counter >> 32), 0, 0};
  uint32_t x[16];
  std::memcpy(x, in, sizeof x);
  for (int round = 0; round < 10; ++round) {
    quarter(x[0], x[4], x[8], x[12]);
    quarter(x[1], x[5], x[9], x[13]);
    quarter(x[2], x[6], x[10], x[14]);
    quarter(x[3], x[7], x[11], x[15]);
    quarter(x[0], x[5], x[10], x[15]);
    quarter(x[1], x[6], x[11], x[12]);
    quarter(x[2], x[7], x[8], x[13]);
    quarter(x[3], x[4], x[9], x[14]);
  }
  for (int i = 0; i < 16; ++i) out[i] = x[i] + in[i];
}

inline uint64_t rdtsc() {
  uint32_t lo, hi;
  asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
  return (uint64_t{hi} << 32) | lo;
}

bool rdrand64(uint64_t& value) {
  unsigned char ok = 0;
  for (int tries = 0; tries < 10 && !ok; ++tries) asm volatile("rdrand %0; setc %1" : "=r"(value), "=qm"(ok));
  return ok;
}

bool rdseed64(uint64_t& value) {
  unsigned char ok = 0;
  for (int tries = 0; tries < 100 && !ok; ++tries) asm volatile("rdseed %0; setc %1" : "=r"(value), "=qm"(ok));
  return ok;
}

// The TSC's low bits around a data-dependent busy loop, folded 64 times.
uint64_t tsc_jitter() {
  uint64_t acc = rdtsc();
  for (int i = 0; i < 64; ++i) {
    uint64_t before = rdtsc();
    volatile uint64_t spin = acc;
    for (uint64_t n = 0; n < 16 + (before & 15); ++n) spin = spin * 6364136223846793005ull + 1;
    uint64_t delta = rdtsc() - before;
    acc = rotl(static_cast<uint32_t>(acc), 5) ^ (acc << 7) ^ delta ^ spin;
    acc *= 0x9e3779b97f4a7c15ull;
  }
  return acc;
}

uint64_t entropy_word(const State& s) {
  uint64_t value = 0;
  if (s.has_rdseed && rdseed64(value)) return value ^ rdtsc();
  if (s.has_rdrand && rdrand64(value)) return value ^ rdtsc();
  return tsc_jitter();
}

void detect(State& s) {
  uint32_t eax = 1, ebx = 0, ecx = 0, edx = 0;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  s.has_rdrand = (ecx >> 30) & 1;
  eax = 0;
  asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
  if (eax >= 7) {
    eax = 7;
    ecx = 0;
    asm volatile("cpuid" : "+a"(eax), "=b"(ebx), "+c"(ecx), "=d"(edx));
    s.has_rdseed = (ebx >> 18) & 1;
  }
}

// XORs fresh entropy into the key (never replaces it: a bad source cannot
// make the state worse).
void reseed(State& s) {
  for (int i = 0; i < 8; i += 2) {
    uint64_t word = entropy_word(s);
    s.key[i] ^= static_cast<uint32_t>(word);
    s.key[i + 1] ^= static_cast<uint32_t>(word >> 32);
  }
  s.since_reseed = 0;
  s.seeded = true;
}

}  // namespace

void fill_locked(void* buffer, size_t length) {
  State& s = g_state;
  if (!s.seeded) {
    detect(s);
    reseed(s);
  } else if (s.since_reseed >= kReseedBytes) {
    reseed(s);
  } else if (uint64_t word; s.has_rdrand && rdrand64(word)) {
    s.key[0] ^= static_cast<uint32_t>(word);
    s.key[1] ^= static_cast<uint32_t>(word >> 32);
  }
  uint8_t* out = static_cast<uint8_t*>(buffer);
  uint32_t block[16];
  while (length) {
    chacha_block(s.key, s.counter++, block);
    size_t chunk = length < sizeof block ? length : sizeof block;
    std::memcpy(out, block, chunk);
    out += chunk;
    length -= chunk;
    s.since_reseed += chunk;
  }
  // Fast key erasure: the next block becomes the key.
  chacha_block(s.key, s.counter++, block);
  std::memcpy(s.key, block, sizeof s.key);
  std::memset(block, 0, sizeof block);
}

void fill(void* buffer, size_t length) {
  BsdLock lock;
  fill_locked(buffer, length);
}

namespace {

SysResult<size_t> random_read(void*, uint64_t, void* buffer, size_t length, uint32_t) {
  fill_locked(buffer, length);  // the VFS calls device reads under the process lock
  return length;
}

// Writing is allowed (as on Linux) and mixes nothing in: accepted and dropped.
SysResult<size_t> random_write(void*, uint64_t, const void*, size_t length, uint32_t) { return length; }

}  // namespace

rtl::Result<void> init() {
  // Boot is single-threaded here: no lock needed yet.
  detect(g_state);
  reseed(g_state);
  CharDeviceRegistry& devices = vfs().devices();
  for (CharDevice device : {CharDevice{"random", kMemMajor, 8, 0666, random_read, random_write, nullptr},
                            CharDevice{"urandom", kMemMajor, 9, 0666, random_read, random_write, nullptr}}) {
    if (devices.add(device).is_error()) return rtl::Error(rtl::Errc::already_exists, "random device numbers taken");
  }
  return {};
}

}  // namespace bsdlayer::random_device
