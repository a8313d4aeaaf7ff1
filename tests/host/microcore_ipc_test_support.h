// Shared fixtures for the IPC core's host tests: a counting (and failable)
// heap, a fake OOL VM, message builders and send/receive shorthands.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "microcore/ipc/ipc.h"
#include "rtl/hosted.h"

namespace ipc_test {

using namespace microcore::ipc;

// Counts live allocations; fails the allocation numbered fail_at (0-based
// from arming) when armed.
struct CountingHeap {
  static inline long live = 0;
  static inline long calls = 0;
  static inline long fail_at = -1;
  static void* allocate(size_t size, size_t alignment) {
    if (fail_at >= 0 && calls++ == fail_at) return nullptr;
    void* p = std::aligned_alloc(alignment < sizeof(void*) ? sizeof(void*) : alignment,
                                 (size + alignment - 1) / alignment * alignment);
    if (p) ++live;
    return p;
  }
  static void deallocate(void* p, size_t, size_t) {
    if (!p) return;
    --live;
    std::free(p);
  }
  static const rtl::HeapOps& ops() {
    static const rtl::HeapOps heap{allocate, deallocate};
    return heap;
  }
  static void arm(long n) { calls = 0; fail_at = n; }
  static void disarm() { fail_at = -1; }
};

struct HeapScope {
  HeapScope() : scoped(CountingHeap::ops()) {
    CountingHeap::disarm();
    start = CountingHeap::live;
  }
  ~HeapScope() { CountingHeap::disarm(); }
  long leaked() const { return CountingHeap::live - start; }
  rtl::hosted::ScopedHeap scoped;
  long start;
};

// A fake VM: handles are numbers; tracks which are alive.
struct FakeVm {
  static inline std::set<OolHandle> live;
  static inline OolHandle next = 1;
  bool fail_copyin = false;
  int fail_copyin_at = -1;  // index of the copyin call that fails
  int copyins = 0;
  bool fail_copyout = false;
  std::vector<std::pair<uint64_t, uint64_t>> deallocated;
  std::vector<OolHandle> copied_out;

  static rtl::Result<OolHandle> copyin(void* ctx, uint64_t, uint64_t, bool) {
    auto* vm = static_cast<FakeVm*>(ctx);
    int index = vm->copyins++;
    if (vm->fail_copyin || index == vm->fail_copyin_at) return rtl::Errc::invalid_argument;
    OolHandle h = next++;
    live.insert(h);
    return h;
  }
  static void deallocate_source(void* ctx, uint64_t address, uint64_t size) {
    static_cast<FakeVm*>(ctx)->deallocated.push_back({address, size});
  }
  static rtl::Result<uint64_t> copyout(void* ctx, OolHandle h, uint64_t) {
    auto* vm = static_cast<FakeVm*>(ctx);
    if (vm->fail_copyout) return rtl::Errc::no_memory;
    EXPECT_EQ(live.erase(h), 1u);
    vm->copied_out.push_back(h);
    return uint64_t(0x10000000 + h * 0x1000);
  }
  static void discard(OolHandle h) { EXPECT_EQ(live.erase(h), 1u); }
  OolHooks hooks() {
    OolHooks hooks;
    hooks.context = this;
    hooks.copyin = copyin;
    hooks.deallocate_source = deallocate_source;
    hooks.copyout = copyout;
    hooks.discard = discard;
    return hooks;
  }
};

// Builds a message in user layout.
struct Msg {
  std::vector<uint8_t> bytes;
  Msg(mach_port_name_t dest, uint32_t dest_type, mach_port_name_t reply = MACH_PORT_NULL,
      uint32_t reply_type = 0, mach_msg_id_t id = 7, uint32_t inline_words = 0) {
    mach_msg_header_t h{};
    h.msgh_bits = MACH_MSGH_BITS(dest_type, reply_type);
    h.msgh_remote_port = dest;
    h.msgh_local_port = reply;
    h.msgh_id = id;
    bytes.resize(sizeof h);
    std::memcpy(bytes.data(), &h, sizeof h);
    for (uint32_t i = 0; i < inline_words; ++i) word(0xabc00000u + i);
    fix_size();
  }
  mach_msg_header_t& header() { return *reinterpret_cast<mach_msg_header_t*>(bytes.data()); }
  void word(uint32_t w) {
    size_t at = bytes.size();
    bytes.resize(at + 4);
    std::memcpy(bytes.data() + at, &w, 4);
    fix_size();
  }
  void fix_size() { header().msgh_size = mach_msg_size_t(bytes.size()); }
  // Makes the message complex; call right after construction (no inline
  // words yet), then add `count` descriptors, then any inline words.
  void body(uint32_t count) {
    header().msgh_bits |= MACH_MSGH_BITS_COMPLEX;
    word(count);
  }
  void port(mach_port_name_t name, uint32_t disposition) {
    mach_msg_port_descriptor_t d{};
    d.name = name;
    d.disposition = disposition;
    d.type = MACH_MSG_PORT_DESCRIPTOR;
    append(&d, sizeof d);
  }
  void ool(uint64_t address, uint32_t size, bool deallocate = false,
           uint32_t copy = MACH_MSG_VIRTUAL_COPY) {
    mach_msg_ool_descriptor_t d{};
    d.address = address;
    d.size = size;
    d.deallocate = deallocate;
    d.copy = copy;
    d.type = MACH_MSG_OOL_DESCRIPTOR;
    append(&d, sizeof d);
  }
  void append(const void* d, size_t n) {
    size_t at = bytes.size();
    bytes.resize(at + AMPHI_MSG_DESCRIPTOR_SIZE);
    std::memcpy(bytes.data() + at, d, n);
    fix_size();
  }
};

inline OolHooks no_ool() { return OolHooks{}; }

// copyin + send; returns the first non-success code (or success).
inline mach_msg_return_t send_msg(IpcSpace& space, Msg& m, const OolHooks& hooks = no_ool(),
                                  SendOutcome* outcome = nullptr, KernelMessage** blocked = nullptr) {
  CopyinResult in = copyin(space, m.bytes.data(), m.bytes.size(), hooks);
  if (in.code != MACH_MSG_SUCCESS) return in.code;
  SendResult r = send(in.message);
  if (outcome) *outcome = r.outcome;
  if (r.outcome == SendOutcome::would_block) {
    if (blocked) *blocked = in.message;
    else destroy_message(in.message);
  }
  return r.code;
}

struct Received {
  mach_msg_return_t code = MACH_MSG_SUCCESS;
  bool would_block = false;
  std::vector<uint8_t> bytes;
  mach_msg_header_t header() const {
    mach_msg_header_t h{};
    std::memcpy(&h, bytes.data(), sizeof h);
    return h;
  }
  uint32_t word(size_t offset) const {
    uint32_t w;
    std::memcpy(&w, bytes.data() + offset, 4);
    return w;
  }
  mach_msg_port_descriptor_t port(uint32_t i) const {
    mach_msg_port_descriptor_t d;
    std::memcpy(&d, bytes.data() + 28 + 16 * i, sizeof d);
    return d;
  }
  mach_msg_ool_descriptor_t ool(uint32_t i) const {
    mach_msg_ool_descriptor_t d;
    std::memcpy(&d, bytes.data() + 28 + 16 * i, sizeof d);
    return d;
  }
};

inline Received deliver(IpcSpace& space, KernelMessage* message, const OolHooks& hooks = no_ool()) {
  Received out;
  out.bytes.resize(message->size);
  out.code = copyout(space, message, out.bytes.data(), out.bytes.size(), hooks);
  return out;
}

inline Received recv_msg(IpcSpace& space, mach_port_name_t name, const OolHooks& hooks = no_ool(),
                         mach_msg_size_t rcv_size = AMPHI_MSG_MAX_INLINE) {
  ReceiveResult r = receive(space, name, rcv_size);
  Received out;
  out.code = r.code;
  out.would_block = r.would_block;
  if (!r.message) return out;
  return deliver(space, r.message, hooks);
}

inline mach_port_name_t new_receive(IpcSpace& space) {
  mach_port_name_t name = 0;
  EXPECT_EQ(space.allocate_receive(&name), KERN_SUCCESS);
  return name;
}

inline EntryInfo info(IpcSpace& space, mach_port_name_t name) {
  EntryInfo i;
  if (space.entry_info(name, &i) != KERN_SUCCESS) return EntryInfo{};
  return i;
}

// A waiter that records its wake.
struct TestWaiter {
  IpcWaiter waiter;
  int wakes = 0;
  TestWaiter(mach_msg_size_t rcv_size = AMPHI_MSG_MAX_INLINE) {
    waiter.rcv_size = rcv_size;
    waiter.context = this;
    waiter.wake = [](IpcWaiter* w) { ++static_cast<TestWaiter*>(w->context)->wakes; };
  }
  ~TestWaiter() {
    cancel_wait(waiter);
    destroy_message(waiter.message);
  }
};

// One receive right with a send right on the same name.
struct OnePort {
  IpcSpace space;
  mach_port_name_t rcv = new_receive(space);
  Port* port = info(space, rcv).port;
  OnePort() {
    mach_port_name_t out;
    EXPECT_EQ(space.insert_right(rcv, MACH_MSG_TYPE_MAKE_SEND, &out), KERN_SUCCESS);
  }
  mach_msg_return_t send_id(mach_msg_id_t id, SendOutcome* outcome = nullptr,
                            KernelMessage** blocked = nullptr) {
    Msg m(rcv, MACH_MSG_TYPE_COPY_SEND, MACH_PORT_NULL, 0, id, 2);
    return send_msg(space, m, no_ool(), outcome, blocked);
  }
};

}  // namespace ipc_test
