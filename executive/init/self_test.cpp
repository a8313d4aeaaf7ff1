// Boot self-tests, selected with `test=NAME` on the command line, that the
// boot scenario tests use (tests/boot/). Two kinds:
//  - deliberate kernel failures that prove the panic path; each must end in
//    a panic, none is reachable otherwise (panic, null-write,
//    stack-overflow, assert);
//  - checks that return and print their verdict, after which the boot goes
//    on (lifecycle).
//
// The helpers are noinline so the backtrace shows real frames.
#include "executive/boot.h"
#include "hal/user_memory.h"
#include "microcore/abi/message.h"
#include "microcore/address_map_glue.h"
#include "microcore/ipc_glue.h"
#include "microcore/kernel_heap.h"
#include "microcore/object_zones.h"
#include "microcore/physical_memory.h"
#include "microcore/scheduler.h"
#include "microcore/task.h"
#include "rtl/log.h"
#include "rtl/panic.h"

namespace executive {
namespace {

[[gnu::noinline]] void self_test_panic_inner() { rtl::panic_message(__FILE__, __LINE__, "self-test: deliberate panic (test=panic)"); }
[[gnu::noinline]] void self_test_panic_middle() {
  self_test_panic_inner();
  asm volatile("");  // keep the call from becoming a tail jump
}
[[gnu::noinline]] void self_test_panic() {
  self_test_panic_middle();
  asm volatile("");
}

[[gnu::noinline]] void self_test_null_write() {
  volatile int* null_pointer = nullptr;
  asm volatile("" : "+r"(null_pointer));  // hide the null from the optimiser
  *null_pointer = 0x2a;
}

// Recurses with a large frame until the guard page under the boot stack is
// hit; the page fault cannot be delivered on that stack, so the CPU raises a
// double fault, which runs on its own IST stack.
// The depth limit is far beyond any stack and only there because GCC rejects
// recursion it can prove endless.
[[gnu::noinline]] uint64_t self_test_stack_overflow(uint64_t depth) {
  volatile uint8_t frame[512];
  frame[0] = static_cast<uint8_t>(depth);
  if (depth > (1ull << 40)) return frame[0];
  uint64_t below = self_test_stack_overflow(depth + 1);
  return below + frame[0];
}

[[gnu::noinline]] void self_test_assert() {
  int answer = 41;
  asm volatile("" : "+r"(answer));
  RTL_ASSERT(answer == 42);
}

// lifecycle: "10,000 create/destroy cycles leave free memory where it
// started". Each cycle builds a task the way a program's is built (address
// map, IPC space), maps two anonymous pages and touches one through the map
// and one through a user copy (a demand-zero fault), lets a kernel thread
// in the task allocate a receive right and exit, and waits until the last
// thread's exit has torn the task down. Afterwards free page frames, heap
// bytes and every zone's objects and pages must equal the starting point.
// One warm-up cycle runs first: the heap keeps the pages its size classes
// grew into on its free lists by design, so its first use is not a leak.
constexpr uint32_t kLifecycleCycles = 10000;
constexpr uint64_t kLifecyclePage = 4096;
uint64_t g_lifecycle_failures = 0;  // counted by the cycle threads

void lifecycle_thread(void* argument) {
  uint64_t pages = reinterpret_cast<uint64_t>(argument);
  if (microcore::ipc_trap_port_allocate(MACH_PORT_RIGHT_RECEIVE) <= 0) ++g_lifecycle_failures;
  uint64_t value = 0x6c6966656379636cull;
  if (!hal::copy_to_user(pages + kLifecyclePage + 8, &value, sizeof value)) ++g_lifecycle_failures;
}

rtl::Result<void> lifecycle_cycle(uint64_t baseline_tasks) {
  microcore::Task* task = TRY(microcore::create_task("lifecycle"));
  auto thread = [&]() -> rtl::Result<microcore::Thread*> {
    TRY(microcore::attach_address_map(*task));
    TRY(microcore::ipc_attach_space(*task));
    microcore::vm::AddressMap& map = microcore::address_map(*task);
    uint64_t pages = TRY(map.map_anonymous(2 * kLifecyclePage, microcore::vm::Protection::read_write()));
    TRY(map.fault(pages, microcore::vm::Access::write, true));
    return microcore::create_kernel_thread(*task, lifecycle_thread, reinterpret_cast<void*>(pages));
  }();
  if (thread.is_error()) {
    microcore::destroy_task(task);  // no thread yet, so nobody else will
    return thread.error();
  }
  microcore::make_ready(thread.value());
  // The thread runs when we yield; its exit tears the task down on the
  // switch back. Bounded so a stuck teardown is reported, not waited out.
  for (uint32_t spins = 0; microcore::live_task_count() > baseline_tasks; ++spins) {
    if (spins == 100000) return rtl::Error(rtl::Errc::timed_out, "task never torn down");
    microcore::yield();
  }
  return {};
}

struct ZoneSnapshot {
  const char* names[8];
  uint64_t objects[8];
  uint64_t pages[8];
  uint32_t count;
};

ZoneSnapshot snapshot_zones() {
  ZoneSnapshot snapshot{};
  microcore::zone_statistics(
      [](const microcore::ZoneStatistics& zone, void* context) {
        auto* into = static_cast<ZoneSnapshot*>(context);
        if (into->count == 8) return;
        into->names[into->count] = zone.name;
        into->objects[into->count] = zone.objects_in_use;
        into->pages[into->count] = zone.pages;
        ++into->count;
      },
      &snapshot);
  return snapshot;
}

[[gnu::noinline]] bool self_test_lifecycle() {
  uint64_t baseline_tasks = microcore::live_task_count();
  if (auto warm = lifecycle_cycle(baseline_tasks); warm.is_error()) {
    rtl::pr_err("lifecycle: warm-up cycle failed: {}", warm.error().what());
    return false;
  }
  microcore::FrameStatistics frames_before = microcore::frame_statistics();
  microcore::HeapStatistics heap_before = microcore::heap_statistics();
  ZoneSnapshot zones_before = snapshot_zones();
  uint64_t failures_before = g_lifecycle_failures;
  uint32_t cycles = 0;
  for (; cycles < kLifecycleCycles; ++cycles) {
    if (auto cycle = lifecycle_cycle(baseline_tasks); cycle.is_error()) {
      rtl::pr_err("lifecycle: cycle {} failed: {}", cycles, cycle.error().what());
      break;
    }
  }
  microcore::FrameStatistics frames_after = microcore::frame_statistics();
  microcore::HeapStatistics heap_after = microcore::heap_statistics();
  ZoneSnapshot zones_after = snapshot_zones();

  bool zones_same = zones_before.count == zones_after.count;
  for (uint32_t i = 0; i < zones_after.count; ++i) {
    bool same = zones_same && zones_before.objects[i] == zones_after.objects[i] &&
                zones_before.pages[i] == zones_after.pages[i];
    rtl::pr_info("lifecycle: zone {}: {} objects in {} pages before, {} in {} after", zones_after.names[i],
                 zones_before.objects[i], zones_before.pages[i], zones_after.objects[i], zones_after.pages[i]);
    zones_same = same;
  }
  uint64_t failures = g_lifecycle_failures - failures_before;
  if (failures) rtl::pr_err("lifecycle: {} port allocations or user writes failed in the cycle threads", failures);
  bool ok = cycles == kLifecycleCycles && failures == 0 && zones_same &&
            frames_after.free_pages == frames_before.free_pages && heap_after.bytes_in_use == heap_before.bytes_in_use &&
            heap_after.pages_held == heap_before.pages_held;
  rtl::pr_notice("lifecycle: {} task/thread cycles, free pages before {} after {}, heap bytes before {} after {}: {}",
                 cycles, frames_before.free_pages, frames_after.free_pages, heap_before.bytes_in_use,
                 heap_after.bytes_in_use, ok ? "ok" : "LEAK");
  return ok;
}

}  // namespace

void run_boot_self_test(std::string_view name) {
  rtl::pr_notice("self-test: {}", name);
  // Tests that return: they print their verdict and the boot goes on.
  if (name == "lifecycle") {
    bool passed = self_test_lifecycle();
    rtl::pr_notice("self-test: {} {}", name, passed ? "passed" : "FAILED");
    return;
  }
  // Tests that must end in a panic.
  if (name == "panic") self_test_panic();
  else if (name == "null-write") self_test_null_write();
  else if (name == "stack-overflow") self_test_stack_overflow(0);
  else if (name == "assert") self_test_assert();
  else return rtl::pr_err("self-test: unknown test '{}' (known: panic, null-write, stack-overflow, assert, lifecycle)", name);
  // Not reached: every test above panics. The statement also keeps the calls above
  // from becoming tail jumps, so this function shows in their backtraces.
  rtl::panic_message(__FILE__, __LINE__, "self-test returned");
}

}  // namespace executive
