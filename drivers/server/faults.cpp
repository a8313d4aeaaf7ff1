// Faults the server performs on request (see faults.h). Each is what a
// buggy driver would do; each must end in the kernel restarting the
// server with nothing lost.
#include "faults.h"

namespace drvserver {

namespace {

// The start of the kernel's higher half: never user-accessible.
constexpr uint64_t kKernelAddress = 0xffffffff80000000ull;

}  // namespace

void perform_fault(ServerHost& host, drivers::protocol::Fault fault) {
  using drivers::protocol::Fault;
  host.flush();  // what the driver answered before its fault still counts
  switch (fault) {
    case Fault::none: break;
    case Fault::crash:
      host.log("injected fault: null-pointer write");
      *reinterpret_cast<volatile uint32_t*>(uintptr_t(0)) = 0xdead;
      break;
    case Fault::hang:
      host.log("injected fault: spinning forever");
      // No pause: under QEMU -icount every pause leaves the translated code,
      // which would make the watchdog's 500 ms take minutes of real time.
      for (;;) asm volatile("" ::: "memory");
    case Fault::wild_write:
      host.log("injected fault: writing a kernel address");
      *reinterpret_cast<volatile uint64_t*>(kKernelAddress) = 0xbadc0de;
      break;
    case Fault::bad_reply:
      host.log("injected fault: the next completion lies");
      host.arm_bad_reply();
      break;
    case Fault::refuse_stop:
      host.log("injected fault: the next stop goes unanswered");
      host.arm_refuse_stop();
      break;
    case Fault::fail_start:
      host.log("injected fault: dying while starting");
      *reinterpret_cast<volatile uint32_t*>(uintptr_t(0)) = 0x5747;
      break;
  }
}

}  // namespace drvserver
