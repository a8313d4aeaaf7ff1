// bsdlayer's Linux system-call table and uname(2) filler: numbers against
// the host's <sys/syscall.h> (x86-64 Linux, the same ABI), names, holes.
#include <sys/syscall.h>

#include <gtest/gtest.h>

#include <cstring>

#include "bsdlayer/linux/syscall_numbers.h"
#include "bsdlayer/syscall/uname.h"

namespace {

using bsdlayer::linux_abi::Syscall;
using bsdlayer::linux_abi::syscall_name;

constexpr uint32_t n(Syscall s) { return static_cast<uint32_t>(s); }

TEST(BsdSyscallNumbers, MatchTheHostKernelHeaders) {
  EXPECT_EQ(n(Syscall::read), SYS_read);
  EXPECT_EQ(n(Syscall::write), SYS_write);
  EXPECT_EQ(n(Syscall::open), SYS_open);
  EXPECT_EQ(n(Syscall::mmap), SYS_mmap);
  EXPECT_EQ(n(Syscall::rt_sigaction), SYS_rt_sigaction);
  EXPECT_EQ(n(Syscall::rt_sigreturn), SYS_rt_sigreturn);
  EXPECT_EQ(n(Syscall::ioctl), SYS_ioctl);
  EXPECT_EQ(n(Syscall::fork), SYS_fork);
  EXPECT_EQ(n(Syscall::vfork), SYS_vfork);
  EXPECT_EQ(n(Syscall::execve), SYS_execve);
  EXPECT_EQ(n(Syscall::exit), SYS_exit);
  EXPECT_EQ(n(Syscall::wait4), SYS_wait4);
  EXPECT_EQ(n(Syscall::uname), SYS_uname);
  EXPECT_EQ(n(Syscall::arch_prctl), SYS_arch_prctl);
  EXPECT_EQ(n(Syscall::set_tid_address), SYS_set_tid_address);
  EXPECT_EQ(n(Syscall::exit_group), SYS_exit_group);
  EXPECT_EQ(n(Syscall::openat), SYS_openat);
  EXPECT_EQ(n(Syscall::getrandom), SYS_getrandom);
  EXPECT_EQ(n(Syscall::clone3), SYS_clone3);
  EXPECT_EQ(n(Syscall::futex_waitv), SYS_futex_waitv);
}

TEST(BsdSyscallNumbers, LiteralValuesOfTheAbi) {
  // Independent of any header: the numbers busybox's static binary uses.
  EXPECT_EQ(n(Syscall::read), 0u);
  EXPECT_EQ(n(Syscall::write), 1u);
  EXPECT_EQ(n(Syscall::rt_sigreturn), 15u);
  EXPECT_EQ(n(Syscall::execve), 59u);
  EXPECT_EQ(n(Syscall::wait4), 61u);
  EXPECT_EQ(n(Syscall::arch_prctl), 158u);
  EXPECT_EQ(n(Syscall::exit_group), 231u);
  EXPECT_EQ(n(Syscall::getrandom), 318u);
  EXPECT_EQ(n(Syscall::clone3), 435u);
}

TEST(BsdSyscallNumbers, NamesAndHoles) {
  EXPECT_STREQ(syscall_name(0), "read");
  EXPECT_STREQ(syscall_name(SYS_clone3), "clone3");
  EXPECT_STREQ(syscall_name(SYS_arch_prctl), "arch_prctl");
  EXPECT_EQ(syscall_name(335), nullptr);  // x86-64 leaves 335..423 unassigned
  EXPECT_EQ(syscall_name(423), nullptr);
  EXPECT_EQ(syscall_name(bsdlayer::linux_abi::kSyscallCount), nullptr);
  EXPECT_EQ(syscall_name(0xffffffff), nullptr);
  // Assigned numbers have non-empty names; 0..334 are all assigned.
  for (uint32_t i = 0; i < bsdlayer::linux_abi::kSyscallCount; ++i) {
    const char* name = syscall_name(i);
    if (i < 335) {
      EXPECT_NE(name, nullptr) << i;
    }
    if (name) {
      EXPECT_GT(std::strlen(name), 0u) << i;
    }
  }
}

TEST(BsdUname, FillsAndTruncates) {
  bsdlayer::linux_abi::NewUtsname u;
  std::memset(&u, 'x', sizeof u);
  bsdlayer::UtsIdentity id;
  id.release = "6.1.0-amphi";
  id.version = "#1 SMP";
  bsdlayer::fill_utsname(u, id);
  EXPECT_STREQ(u.sysname, "Linux");
  EXPECT_STREQ(u.release, "6.1.0-amphi");
  EXPECT_STREQ(u.version, "#1 SMP");
  EXPECT_STREQ(u.machine, "x86_64");
  EXPECT_STREQ(u.nodename, "amphi");
  for (size_t i = std::strlen(u.release); i < sizeof u.release; ++i) EXPECT_EQ(u.release[i], 0);

  char long_name[200];
  std::memset(long_name, 'n', sizeof long_name - 1);
  long_name[sizeof long_name - 1] = 0;
  id.nodename = long_name;
  id.domainname = nullptr;
  bsdlayer::fill_utsname(u, id);
  EXPECT_EQ(std::strlen(u.nodename), 64u);
  EXPECT_STREQ(u.domainname, "");
}

}  // namespace
