// bsdlayer's execve initial stack: build it, then read it back the way
// glibc's and musl's _start do (argc at rsp, argv, envp, auxv, strings).
#include <elf.h>

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include "bsdlayer/exec/initial_stack.h"
#include "bsdlayer/linux/auxv.h"

namespace {

using namespace bsdlayer::linux_abi;

constexpr uint64_t kStackTop = 0x7ffffffff000;

struct Parsed {
  uint64_t argc = 0;
  std::vector<std::string> argv, envp;
  std::map<uint64_t, uint64_t> auxv;
  std::vector<uint64_t> auxv_order;
};

struct Image {
  uint64_t rsp;
  std::vector<uint8_t> bytes;
  uint64_t word(uint64_t address) const {
    EXPECT_GE(address, rsp);
    EXPECT_LE(address + 8, kStackTop);
    uint64_t v;
    std::memcpy(&v, bytes.data() + (address - rsp), 8);
    return v;
  }
  std::string string(uint64_t address) const {
    EXPECT_GE(address, rsp);
    EXPECT_LT(address, kStackTop);
    const char* p = reinterpret_cast<const char*>(bytes.data() + (address - rsp));
    const size_t max = kStackTop - address;
    const size_t n = strnlen(p, max);
    EXPECT_LT(n, max) << "string runs off the stack";
    return std::string(p, n);
  }
  Parsed parse() const {
    Parsed out;
    uint64_t at = rsp;
    out.argc = word(at);
    at += 8;
    for (uint64_t i = 0; i < out.argc; ++i, at += 8) out.argv.push_back(string(word(at)));
    EXPECT_EQ(word(at), 0u);
    at += 8;
    for (uint64_t p; (p = word(at)) != 0; at += 8) out.envp.push_back(string(p));
    at += 8;
    for (;; at += 16) {
      const uint64_t type = word(at);
      out.auxv_order.push_back(type);
      out.auxv[type] = word(at + 8);
      if (type == kAT_NULL) break;
    }
    return out;
  }
};

struct Builder {
  microcore::ElfImage elf;
  std::vector<std::string> args, env;
  std::vector<const char*> argv, envp;
  bsdlayer::InitialStackInput input;

  Builder() {
    elf.entry = 0x401000;
    elf.phdr_vaddr = 0x400040;
    elf.phdr_entry_size = 56;
    elf.phdr_count = 9;
    input.image = &elf;
    input.execfn = "/bin/busybox";
    for (int i = 0; i < 16; ++i) input.random[i] = static_cast<uint8_t>(0xa0 + i);
    input.hwcap = 0x178bfbff;
    input.uid = 1000;
    input.euid = 1001;
    input.gid = 100;
    input.egid = 101;
    input.stack_top = kStackTop;
  }
  rtl::Result<Image> build() {
    argv.clear();
    envp.clear();
    for (auto& a : args) argv.push_back(a.c_str());
    for (auto& e : env) envp.push_back(e.c_str());
    input.argv = argv.data();
    input.argc = argv.size();
    input.envp = envp.data();
    input.envc = envp.size();
    auto measured = bsdlayer::measure_initial_stack(input);
    if (measured.is_error()) return measured.error();
    Image image{measured.value().rsp, std::vector<uint8_t>(measured.value().size)};
    auto built = bsdlayer::build_initial_stack(input, image.bytes.data(), image.bytes.size());
    if (built.is_error()) return built.error();
    EXPECT_EQ(built.value().rsp, measured.value().rsp);
    EXPECT_EQ(built.value().size, measured.value().size);
    EXPECT_EQ(image.rsp + image.bytes.size(), input.stack_top);
    return image;
  }
};

TEST(BsdExecStack, AuxvTypesMatchTheHost) {
  EXPECT_EQ(kAT_PHDR, static_cast<uint64_t>(AT_PHDR));
  EXPECT_EQ(kAT_ENTRY, static_cast<uint64_t>(AT_ENTRY));
  EXPECT_EQ(kAT_SECURE, static_cast<uint64_t>(AT_SECURE));
  EXPECT_EQ(kAT_RANDOM, static_cast<uint64_t>(AT_RANDOM));
  EXPECT_EQ(kAT_HWCAP2, static_cast<uint64_t>(AT_HWCAP2));
  EXPECT_EQ(kAT_EXECFN, static_cast<uint64_t>(AT_EXECFN));
  EXPECT_EQ(kAT_PLATFORM, static_cast<uint64_t>(AT_PLATFORM));
  EXPECT_EQ(kAT_CLKTCK, static_cast<uint64_t>(AT_CLKTCK));
  EXPECT_EQ(kAT_MINSIGSTKSZ, static_cast<uint64_t>(AT_MINSIGSTKSZ));
}

TEST(BsdExecStack, ReadsBackForSeveralSizes) {
  for (size_t argc : {1u, 2u, 3u, 7u, 100u}) {
    for (size_t envc : {0u, 1u, 4u}) {
      Builder b;
      for (size_t i = 0; i < argc; ++i) b.args.push_back(i == 0 ? "sh" : "arg" + std::string(i, 'x'));
      for (size_t i = 0; i < envc; ++i) b.env.push_back("VAR" + std::to_string(i) + "=value");
      auto image = b.build();
      ASSERT_TRUE(image.is_ok());
      const Image& img = image.value();
      EXPECT_EQ(img.rsp % 16, 0u) << argc << " " << envc;
      const Parsed p = img.parse();
      EXPECT_EQ(p.argc, argc);
      EXPECT_EQ(p.argv, b.args);
      EXPECT_EQ(p.envp, b.env);
      EXPECT_EQ(p.auxv.at(kAT_PHDR), 0x400040u);
      EXPECT_EQ(p.auxv.at(kAT_PHENT), 56u);
      EXPECT_EQ(p.auxv.at(kAT_PHNUM), 9u);
      EXPECT_EQ(p.auxv.at(kAT_PAGESZ), 4096u);
      EXPECT_EQ(p.auxv.at(kAT_BASE), 0u);
      EXPECT_EQ(p.auxv.at(kAT_FLAGS), 0u);
      EXPECT_EQ(p.auxv.at(kAT_ENTRY), 0x401000u);
      EXPECT_EQ(p.auxv.at(kAT_UID), 1000u);
      EXPECT_EQ(p.auxv.at(kAT_EUID), 1001u);
      EXPECT_EQ(p.auxv.at(kAT_GID), 100u);
      EXPECT_EQ(p.auxv.at(kAT_EGID), 101u);
      EXPECT_EQ(p.auxv.at(kAT_SECURE), 0u);
      EXPECT_EQ(p.auxv.at(kAT_HWCAP), 0x178bfbffu);
      EXPECT_EQ(p.auxv.at(kAT_CLKTCK), 100u);
      EXPECT_EQ(img.string(p.auxv.at(kAT_PLATFORM)), "x86_64");
      EXPECT_EQ(img.string(p.auxv.at(kAT_EXECFN)), "/bin/busybox");
      const uint64_t random = p.auxv.at(kAT_RANDOM);
      for (int i = 0; i < 16; ++i) EXPECT_EQ(img.bytes[random - img.rsp + i], 0xa0 + i);
      EXPECT_EQ(p.auxv_order.back(), kAT_NULL);
      EXPECT_EQ(p.auxv_order.size(), 19u);
      // The top word is zero, as Linux leaves it.
      EXPECT_EQ(img.word(kStackTop - 8), 0u);
    }
  }
}

TEST(BsdExecStack, StringsAreInOrderAboveTheTables) {
  Builder b;
  b.args = {"a", "bb"};
  b.env = {"X=1"};
  auto image = b.build();
  ASSERT_TRUE(image.is_ok());
  const Image& img = image.value();
  const uint64_t argv0 = img.word(img.rsp + 8), argv1 = img.word(img.rsp + 16);
  const uint64_t env0 = img.word(img.rsp + 32);
  EXPECT_EQ(argv1, argv0 + 2);
  EXPECT_EQ(env0, argv1 + 3);
  const Parsed p = img.parse();
  EXPECT_EQ(p.auxv.at(kAT_EXECFN), env0 + 4);
  EXPECT_GT(p.auxv.at(kAT_RANDOM), img.rsp + 8 * (1 + 3 + 2 + 2 * 19) - 8);
}

TEST(BsdExecStack, EmptyArgvGetsAnEmptyString) {
  Builder b;
  auto image = b.build();
  ASSERT_TRUE(image.is_ok());
  const Parsed p = image.value().parse();
  EXPECT_EQ(p.argc, 1u);
  EXPECT_EQ(p.argv[0], "");
}

TEST(BsdExecStack, TooBig) {
  Builder b;
  b.args = {"sh", std::string(bsdlayer::kMaxArgStringLength, 'a')};
  auto image = b.build();
  ASSERT_TRUE(image.is_error());
  EXPECT_EQ(image.error(), rtl::Errc::too_big);

  Builder total;
  total.args = {"sh"};
  for (int i = 0; i < 40; ++i) total.env.push_back(std::string(4000, 'e'));
  auto too_much = total.build();
  ASSERT_TRUE(too_much.is_error());
  EXPECT_EQ(too_much.error(), rtl::Errc::too_big);

  // Just under the limit works.
  Builder fits;
  fits.args = {"sh"};
  for (int i = 0; i < 30; ++i) fits.env.push_back(std::string(4000, 'e'));
  EXPECT_TRUE(fits.build().is_ok());

  // A short output buffer is refused, not overrun.
  Builder small;
  small.args = {"sh"};
  small.argv = {"sh"};
  small.input.argv = small.argv.data();
  small.input.argc = 1;
  uint8_t buffer[64];
  EXPECT_EQ(bsdlayer::build_initial_stack(small.input, buffer, sizeof buffer).error(), rtl::Errc::too_big);
}

TEST(BsdExecStack, BadInput) {
  Builder b;
  b.args = {"sh"};
  b.input.stack_top = kStackTop + 8;
  EXPECT_EQ(b.build().error(), rtl::Errc::invalid_argument);
  b.input.stack_top = 0x1010;  // the image would reach below kUserMin
  EXPECT_EQ(b.build().error(), rtl::Errc::out_of_range);
  b.input.stack_top = kStackTop;
  b.input.execfn = nullptr;
  EXPECT_EQ(b.build().error(), rtl::Errc::invalid_argument);
}

}  // namespace
