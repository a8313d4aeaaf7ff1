#include "bsdlayer/exec/initial_stack.h"

#include "bsdlayer/linux/auxv.h"

namespace bsdlayer {

using namespace linux_abi;

namespace {

constexpr uint64_t kClockTicks = 100;  // AT_CLKTCK: USER_HZ
constexpr size_t kAuxvPairs = 18;      // AT_HWCAP .. AT_PLATFORM; AT_NULL comes on top
const char* const kEmptyArgv[1] = {""};

uint64_t round_down16(uint64_t value) { return value & ~uint64_t{15}; }

// Every address of the image, computed once for measure and build.
struct Plan {
  const char* const* argv;
  size_t argc;
  uint64_t strings;         // first argv string
  uint64_t execfn;
  uint64_t platform;
  uint64_t random;
  uint64_t rsp;
  size_t platform_length;   // with NUL
};

rtl::Result<size_t> string_size(const char* s) {
  if (!s) return rtl::Error(rtl::Errc::invalid_argument, "null exec string");
  size_t n = 0;
  while (s[n]) {
    if (++n >= kMaxArgStringLength) return rtl::Error(rtl::Errc::too_big, "exec string longer than MAX_ARG_STRLEN");
  }
  return n + 1;
}

rtl::Result<size_t> list_size(const char* const* list, size_t count, size_t& total) {
  if (count && !list) return rtl::Error(rtl::Errc::invalid_argument, "null exec string list");
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    bytes += TRY(string_size(list[i]));
    total += sizeof(uint64_t);
    if (total + bytes > kMaxArgBytes) return rtl::Error(rtl::Errc::too_big, "arguments and environment exceed ARG_MAX");
  }
  total += bytes;
  return bytes;
}

rtl::Result<Plan> plan(const InitialStackInput& in) {
  if (!in.image || !in.execfn || !in.platform) return rtl::Error(rtl::Errc::invalid_argument, "exec input incomplete");
  if (in.stack_top & 15 || in.stack_top > microcore::ElfImage::kUserEnd)
    return rtl::Error(rtl::Errc::invalid_argument, "stack top misaligned or outside user space");

  Plan p{};
  p.argv = in.argc ? in.argv : kEmptyArgv;
  p.argc = in.argc ? in.argc : 1;
  size_t total = 0;  // what Linux charges against the limit: strings plus pointers
  const size_t argv_bytes = TRY(list_size(p.argv, p.argc, total));
  const size_t envp_bytes = TRY(list_size(in.envp, in.envc, total));
  const size_t execfn_bytes = TRY(string_size(in.execfn));
  if (total + execfn_bytes > kMaxArgBytes) return rtl::Error(rtl::Errc::too_big, "arguments and environment exceed ARG_MAX");
  p.platform_length = TRY(string_size(in.platform));

  // Everything below is bounded by ~2 * kMaxArgBytes: no overflow as long
  // as the image stays above kUserMin, checked at the end.
  const size_t strings = argv_bytes + envp_bytes + execfn_bytes;
  const size_t table_words = 1 + (p.argc + 1) + (in.envc + 1) + 2 * (kAuxvPairs + 1);
  const size_t worst = 8 + strings + 16 + p.platform_length + 16 + 16 + 8 * table_words + 16;
  if (in.stack_top < microcore::ElfImage::kUserMin + worst)
    return rtl::Error(rtl::Errc::out_of_range, "initial stack below user space");

  uint64_t sp = in.stack_top - 8;  // Linux's terminating null word
  sp -= execfn_bytes;
  p.execfn = sp;
  sp -= argv_bytes + envp_bytes;
  p.strings = sp;
  sp = round_down16(sp);
  sp -= p.platform_length;
  p.platform = sp;
  sp -= 16;
  p.random = sp;
  sp = round_down16(sp);
  p.rsp = round_down16(sp - 8 * table_words);
  return p;
}

}  // namespace

rtl::Result<InitialStack> measure_initial_stack(const InitialStackInput& input) {
  const Plan p = TRY(plan(input));
  return InitialStack{p.rsp, static_cast<size_t>(input.stack_top - p.rsp)};
}

rtl::Result<InitialStack> build_initial_stack(const InitialStackInput& in, uint8_t* out, size_t capacity) {
  const Plan p = TRY(plan(in));
  const size_t size = in.stack_top - p.rsp;
  if (!out || capacity < size) return rtl::Error(rtl::Errc::too_big, "initial stack buffer too small");
  __builtin_memset(out, 0, size);

  auto put_bytes = [&](uint64_t address, const void* bytes, size_t length) {
    __builtin_memcpy(out + (address - p.rsp), bytes, length);
  };
  uint64_t word_address = p.rsp;
  auto put_word = [&](uint64_t value) {
    put_bytes(word_address, &value, sizeof value);
    word_address += sizeof value;
  };
  // Copies a list's strings from `cursor` on, writing each one's pointer.
  uint64_t cursor = p.strings;
  auto put_strings = [&](const char* const* list, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      const size_t length = __builtin_strlen(list[i]) + 1;
      put_bytes(cursor, list[i], length);
      put_word(cursor);
      cursor += length;
    }
    put_word(0);
  };

  put_word(p.argc);
  put_strings(p.argv, p.argc);
  put_strings(in.envp, in.envc);
  put_bytes(p.execfn, in.execfn, __builtin_strlen(in.execfn) + 1);
  put_bytes(p.platform, in.platform, p.platform_length);
  put_bytes(p.random, in.random, sizeof in.random);

  // Linux's order (create_elf_tables), minus what Amphi lacks: no vDSO
  // (AT_SYSINFO_EHDR), no AT_MINSIGSTKSZ (libc falls back to MINSIGSTKSZ).
  const microcore::ElfImage& image = *in.image;
  const uint64_t auxv[kAuxvPairs][2] = {
      {kAT_HWCAP, in.hwcap},
      {kAT_PAGESZ, microcore::ElfImage::kPageSize},
      {kAT_CLKTCK, kClockTicks},
      {kAT_PHDR, image.phdr_vaddr},
      {kAT_PHENT, image.phdr_entry_size},
      {kAT_PHNUM, image.phdr_count},
      {kAT_BASE, 0},  // no interpreter: static binaries only
      {kAT_FLAGS, 0},
      {kAT_ENTRY, image.entry},
      {kAT_UID, in.uid},
      {kAT_EUID, in.euid},
      {kAT_GID, in.gid},
      {kAT_EGID, in.egid},
      {kAT_SECURE, 0},
      {kAT_RANDOM, p.random},
      {kAT_HWCAP2, in.hwcap2},
      {kAT_EXECFN, p.execfn},
      {kAT_PLATFORM, p.platform},
  };
  for (const auto& pair : auxv) {
    put_word(pair[0]);
    put_word(pair[1]);
  }
  put_word(kAT_NULL);
  put_word(0);
  RTL_ASSERT(word_address <= p.random && cursor == p.execfn);
  return InitialStack{p.rsp, size};
}

}  // namespace bsdlayer
