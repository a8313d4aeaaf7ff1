// The portable VM: AddressMap faults, copy-on-write, VmCopy, leaks and
// allocation failure, against a std::map page table and malloc'd frames.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "microcore/vm/address_map.h"
#include "microcore/vm/ool_hooks.h"
#include "microcore/vm/vm_copy.h"
#include "rtl/hosted.h"

using namespace microcore::vm;

namespace {

class FakeFrames final : public FrameSource {
 public:
  ~FakeFrames() { EXPECT_EQ(live(), 0u) << "frames leaked"; }
  rtl::Result<uint64_t> allocate_zeroed() override {
    if (budget == 0) return rtl::Error(rtl::Errc::no_memory, "fake frames exhausted");
    if (budget > 0) --budget;
    uint64_t pa = next_;
    next_ += kPageSize;
    auto& frame = frames_[pa];
    frame.reset(new uint8_t[kPageSize]);
    std::memset(frame.get(), 0, kPageSize);
    return pa;
  }
  void free(uint64_t pa) override {
    auto it = frames_.find(pa);
    ASSERT_NE(it, frames_.end()) << "free of unknown frame " << pa;
    frames_.erase(it);
  }
  void copy(uint64_t destination, uint64_t source) override {
    ++copies;
    std::memcpy(bytes(destination), bytes(source), kPageSize);
  }
  uint8_t* bytes(uint64_t pa) {
    auto it = frames_.find(pa);
    if (it == frames_.end()) return nullptr;
    return it->second.get();
  }
  size_t live() const { return frames_.size(); }

  int budget = -1;  // frames still allowed; -1 = unlimited
  int copies = 0;

 private:
  uint64_t next_ = 0x100000;
  std::map<uint64_t, std::unique_ptr<uint8_t[]>> frames_;
};

struct Entry {
  uint64_t pa;
  Protection protection;
  CacheMode cache;
};

class FakePageTable final : public PageTable {
 public:
  rtl::Result<void> map(uint64_t va, uint64_t pa, Protection protection, CacheMode cache) override {
    if (budget == 0) return rtl::Error(rtl::Errc::no_memory, "fake page table exhausted");
    if (budget > 0) --budget;
    EXPECT_EQ(va % kPageSize, 0u);
    entries[va] = {pa, protection, cache};
    return {};
  }
  rtl::Result<uint64_t> unmap(uint64_t va) override {
    auto it = entries.find(va);
    if (it == entries.end()) return rtl::Error(rtl::Errc::not_found);
    uint64_t pa = it->second.pa;
    entries.erase(it);
    return pa;
  }
  void protect(uint64_t va, Protection protection) override {
    auto it = entries.find(va);
    if (it != entries.end()) it->second.protection = protection;
  }
  rtl::Result<Translation> query(uint64_t va) const override {
    auto it = entries.find(va);
    if (it == entries.end()) return rtl::Error(rtl::Errc::not_found);
    return Translation{it->second.pa, it->second.protection};
  }
  void flush(uint64_t) override { ++flushes; }

  std::map<uint64_t, Entry> entries;
  int budget = -1;
  int flushes = 0;
};

// The rtl heap, counted and optionally failing.
struct HeapCounter {
  static inline long live = 0;
  static inline long budget = -1;
  static void* allocate(size_t size, size_t alignment) {
    if (budget == 0) return nullptr;
    if (budget > 0) --budget;
    ++live;
    return std::aligned_alloc(alignment < sizeof(void*) ? sizeof(void*) : alignment,
                              (size + alignment - 1) / alignment * alignment);
  }
  static void deallocate(void* pointer, size_t, size_t) {
    --live;
    std::free(pointer);
  }
};
constexpr rtl::HeapOps kCountingHeap{HeapCounter::allocate, HeapCounter::deallocate};

// A process: page table + map over shared frames; reads and writes go
// through the "MMU", faulting like the hardware would.
struct Space {
  explicit Space(FakeFrames& source) : frames(source), map(table, source) {}
  rtl::Result<void> touch(uint64_t va, Access access) {
    auto entry = table.query(va & ~(kPageSize - 1));
    if (entry.is_ok() && (access != Access::write || entry.value().protection.write)) return {};
    TRY(map.fault(va, access, true));
    auto after = table.query(va & ~(kPageSize - 1));
    EXPECT_TRUE(after.is_ok());
    if (access == Access::write) {
      EXPECT_TRUE(after.value().protection.write);
    }
    return {};
  }
  uint8_t* byte(uint64_t va) {
    return frames.bytes(table.query(va & ~(kPageSize - 1)).value().physical) + (va % kPageSize);
  }
  uint8_t read(uint64_t va) {
    EXPECT_TRUE(touch(va, Access::read).is_ok());
    return *byte(va);
  }
  void write(uint64_t va, uint8_t value) {
    EXPECT_TRUE(touch(va, Access::write).is_ok());
    *byte(va) = value;
  }
  uint64_t pa(uint64_t va) { return table.query(va & ~(kPageSize - 1)).value().physical; }

  FakeFrames& frames;
  FakePageTable table;
  AddressMap map;
};

class MicrocoreVm : public ::testing::Test {
 protected:
  rtl::hosted::ScopedHeap heap_{kCountingHeap};
  long heap_at_start_ = HeapCounter::live;
  FakeFrames frames;
  void TearDown() override { EXPECT_EQ(HeapCounter::live, heap_at_start_) << "rtl heap leaked"; }
};

}  // namespace

TEST_F(MicrocoreVm, ZeroFillOnFirstTouch) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(4 * kPageSize, Protection::read_write()).value();
  EXPECT_GE(base, kUserBase);
  EXPECT_EQ(frames.live(), 0u);
  EXPECT_EQ(s.read(base + 2 * kPageSize + 17), 0);
  EXPECT_EQ(frames.live(), 1u);
  EXPECT_EQ(s.map.statistics().resident_pages, 1u);
  EXPECT_EQ(s.map.lookup(base).value().object->resident_pages(), 1u);
}

TEST_F(MicrocoreVm, ReadThenWriteKeepsOnePage) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(kPageSize, Protection::read_write()).value();
  EXPECT_EQ(s.read(base), 0);
  s.write(base + 5, 42);
  EXPECT_EQ(s.read(base + 5), 42);
  EXPECT_EQ(frames.live(), 1u);
  EXPECT_EQ(frames.copies, 0);
}

TEST_F(MicrocoreVm, FaultOutsideRegionsIsNotFound) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(kPageSize, Protection::read_write()).value();
  EXPECT_EQ(s.map.fault(base + kPageSize, Access::read, true).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(s.map.fault(0, Access::read, true).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(s.map.fault(0xffff'8000'0000'0000, Access::read, true).error().code(), rtl::Errc::not_found);
}

TEST_F(MicrocoreVm, ProtectionIsEnforcedByFaults) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(kPageSize, Protection::read_only()).value();
  EXPECT_EQ(s.map.fault(base, Access::write, true).error().code(), rtl::Errc::permission_denied);
  EXPECT_EQ(s.map.fault(base, Access::execute, true).error().code(), rtl::Errc::permission_denied);
  EXPECT_TRUE(s.map.fault(base, Access::read, true).is_ok());
  EXPECT_FALSE(s.table.entries.at(base).protection.write);
}

TEST_F(MicrocoreVm, ProtectBeyondMaxProtectionFails) {
  Space s(frames);
  auto object = VmObject::create_anonymous(frames, 2).value();
  uint64_t base = s.map.map_object(object, 0, 2 * kPageSize, Protection::read_only(),
                                   Protection::read_only(), Inheritance::copy).value();
  auto result = s.map.protect(base, 2 * kPageSize, Protection::read_write());
  EXPECT_EQ(result.error().code(), rtl::Errc::permission_denied);
  EXPECT_EQ(s.map.lookup(base).value().protection, Protection::read_only());
  EXPECT_EQ(s.map.map_object(object, 0, kPageSize, Protection::all(), Protection::read_only())
                .error()
                .code(),
            rtl::Errc::permission_denied);
  EXPECT_EQ(s.map.protect(base + 4 * kPageSize, kPageSize, Protection::read_only()).error().code(),
            rtl::Errc::not_found);
}

TEST_F(MicrocoreVm, ProtectDowngradesPresentEntriesAndSplits) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(3 * kPageSize, Protection::read_write()).value();
  for (int i = 0; i < 3; ++i) s.write(base + i * kPageSize, uint8_t(i + 1));
  ASSERT_TRUE(s.map.protect(base + kPageSize, kPageSize, Protection::read_only()).is_ok());
  EXPECT_FALSE(s.table.entries.at(base + kPageSize).protection.write);
  EXPECT_TRUE(s.table.entries.at(base).protection.write);
  EXPECT_EQ(s.map.statistics().regions, 3u);
  EXPECT_EQ(s.map.fault(base + kPageSize, Access::write, true).error().code(), rtl::Errc::permission_denied);
  ASSERT_TRUE(s.map.protect(base + kPageSize, kPageSize, Protection::read_write()).is_ok());
  s.write(base + kPageSize, 9);  // refaults to regain write, same page
  EXPECT_EQ(s.read(base + kPageSize), 9);
  EXPECT_EQ(frames.live(), 3u);
}

TEST_F(MicrocoreVm, UnmapInTheMiddleSplitsTheRegionAndFreesItsPage) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(3 * kPageSize, Protection::read_write()).value();
  for (int i = 0; i < 3; ++i) s.write(base + i * kPageSize, uint8_t(10 + i));
  ASSERT_TRUE(s.map.unmap(base + kPageSize, kPageSize).is_ok());
  auto low = s.map.lookup(base).value();
  auto high = s.map.lookup(base + 2 * kPageSize).value();
  EXPECT_EQ(low.start, base);
  EXPECT_EQ(low.end, base + kPageSize);
  EXPECT_EQ(high.start, base + 2 * kPageSize);
  EXPECT_EQ(high.end, base + 3 * kPageSize);
  EXPECT_EQ(s.map.lookup(base + kPageSize).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(s.table.entries.count(base + kPageSize), 0u);
  EXPECT_EQ(frames.live(), 2u);
  EXPECT_EQ(s.read(base), 10);
  EXPECT_EQ(s.read(base + 2 * kPageSize), 12);
  EXPECT_EQ(s.map.fault(base + kPageSize, Access::read, true).error().code(), rtl::Errc::not_found);
  // Unmapping holes is fine; the rest goes.
  ASSERT_TRUE(s.map.unmap(base, 3 * kPageSize).is_ok());
  EXPECT_EQ(frames.live(), 0u);
  EXPECT_TRUE(s.table.entries.empty());
  EXPECT_EQ(s.map.statistics().regions, 0u);
}

TEST_F(MicrocoreVm, PlacementHintFixedAndNoSpace) {
  Space s(frames);
  uint64_t at = s.map.map_anonymous(kPageSize, Protection::read_write(), 0x40000000).value();
  EXPECT_EQ(at, 0x40000000u);
  EXPECT_EQ(s.map.map_anonymous(kPageSize, Protection::read_write(), 0x40000000, true).error().code(),
            rtl::Errc::already_exists);
  uint64_t moved = s.map.map_anonymous(kPageSize, Protection::read_write(), 0x40000000).value();
  EXPECT_NE(moved, 0x40000000u);
  EXPECT_EQ(s.map.map_anonymous(kPageSize, Protection::read_write(), 0xffff'8000'0000'0000, true)
                .error()
                .code(),
            rtl::Errc::out_of_range);
  s.map.destroy();
  uint64_t all = s.map.map_anonymous(kUserEnd - kUserBase, Protection::read_write()).value();
  EXPECT_EQ(all, kUserBase);
  EXPECT_EQ(s.map.map_anonymous(kPageSize, Protection::read_write()).error().code(), rtl::Errc::no_memory);
  // A huge sparse object costs only what is touched.
  long heap = HeapCounter::live;
  s.write(kUserBase, 1);
  s.write(kUserEnd - 1, 2);
  EXPECT_EQ(frames.live(), 2u);
  EXPECT_LE(HeapCounter::live - heap, 12);  // radix nodes only
}

TEST_F(MicrocoreVm, CheckUserRangeRejectsKernelPointersAndHoles) {
  Space s(frames);
  uint64_t base = s.map.map_anonymous(2 * kPageSize, Protection::read_only()).value();
  EXPECT_TRUE(s.map.check_user_range(base + 10, kPageSize, Access::read).is_ok());
  EXPECT_EQ(s.map.check_user_range(0xffff'ffff'8000'0000, 16, Access::read).error().code(),
            rtl::Errc::out_of_range);
  EXPECT_EQ(s.map.check_user_range(base, ~uint64_t{0}, Access::read).error().code(), rtl::Errc::out_of_range);
  EXPECT_EQ(s.map.check_user_range(base + kPageSize, 2 * kPageSize, Access::read).error().code(),
            rtl::Errc::not_found);
  EXPECT_EQ(s.map.check_user_range(base, 8, Access::write).error().code(), rtl::Errc::permission_denied);
  EXPECT_TRUE(s.table.entries.empty());  // nothing was faulted in
}

TEST_F(MicrocoreVm, PhysicalMappingsAreUncachedAndNeverFreed) {
  Space s(frames);
  uint64_t base = s.map.map_physical(0xfee00000, 2 * kPageSize, Protection::read_write()).value();
  ASSERT_TRUE(s.map.fault(base + kPageSize + 4, Access::write, true).is_ok());
  auto& entry = s.table.entries.at(base + kPageSize);
  EXPECT_EQ(entry.pa, 0xfee01000u);
  EXPECT_EQ(entry.cache, CacheMode::uncached);
  EXPECT_EQ(frames.live(), 0u);
  Space child(frames);
  ASSERT_TRUE(s.map.copy_on_write_clone(child.map).is_ok());
  ASSERT_TRUE(child.map.fault(base, Access::write, true).is_ok());
  EXPECT_EQ(child.table.entries.at(base).pa, 0xfee00000u);  // shared, not copied
  ASSERT_TRUE(s.map.unmap(base, 2 * kPageSize).is_ok());
  EXPECT_TRUE(s.table.entries.empty());
}

TEST_F(MicrocoreVm, CloneSharesPagesUntilAWriteCopiesOne) {
  Space parent(frames);
  uint64_t base = parent.map.map_anonymous(2 * kPageSize, Protection::read_write()).value();
  parent.write(base, 'A');
  parent.write(base + kPageSize, 'X');
  {
    Space child(frames);
    ASSERT_TRUE(parent.map.copy_on_write_clone(child.map).is_ok());
    EXPECT_FALSE(parent.table.entries.at(base).protection.write);  // write-protected
    EXPECT_EQ(child.read(base), 'A');
    EXPECT_EQ(child.pa(base), parent.pa(base));  // the same frame
    EXPECT_EQ(frames.copies, 0);
    EXPECT_EQ(frames.live(), 2u);

    child.write(base, 'B');
    EXPECT_EQ(frames.copies, 1);
    EXPECT_EQ(child.read(base), 'B');
    EXPECT_EQ(parent.read(base), 'A');
    EXPECT_NE(child.pa(base), parent.pa(base));

    parent.write(base + kPageSize, 'Y');
    EXPECT_EQ(frames.copies, 2);
    EXPECT_EQ(child.read(base + kPageSize), 'X');
    EXPECT_EQ(parent.read(base + kPageSize), 'Y');
  }
  // The child is gone: the parent's next fault collapses the chain, and a
  // write to a page only it still sees needs no copy.
  parent.write(base, 'C');
  EXPECT_EQ(frames.copies, 2);
  EXPECT_EQ(parent.map.lookup(base).value().object->chain_depth(), 0u);
  EXPECT_EQ(frames.live(), 2u);
}

TEST_F(MicrocoreVm, CloneHonoursInheritance) {
  Space parent(frames);
  uint64_t shared = parent.map.map_anonymous(kPageSize, Protection::read_write()).value();
  uint64_t hidden = parent.map.map_anonymous(kPageSize, Protection::read_write()).value();
  ASSERT_TRUE(parent.map.set_inheritance(shared, kPageSize, Inheritance::share).is_ok());
  ASSERT_TRUE(parent.map.set_inheritance(hidden, kPageSize, Inheritance::none).is_ok());
  Space child(frames);
  ASSERT_TRUE(parent.map.copy_on_write_clone(child.map).is_ok());
  EXPECT_EQ(child.map.lookup(hidden).error().code(), rtl::Errc::not_found);
  child.write(shared, 7);
  EXPECT_EQ(parent.read(shared), 7);
  EXPECT_EQ(frames.copies, 0);
  EXPECT_EQ(child.map.copy_on_write_clone(child.map).error().code(), rtl::Errc::invalid_argument);
}

TEST_F(MicrocoreVm, VmCopyMoves64KiBWithoutCopyingPages) {
  Space sender(frames);
  Space receiver(frames);
  constexpr uint64_t kSize = 64 * 1024;
  uint64_t source = sender.map.map_anonymous(kSize, Protection::read_write()).value();
  for (uint64_t page = 0; page < kSize / kPageSize; ++page) sender.write(source + page * kPageSize, uint8_t(page + 1));
  VmCopy* copy = copy_in(sender.map, source, kSize, false).value();
  EXPECT_EQ(copy->pages(), 16u);
  for (uint64_t page = 0; page < 16; ++page)
    EXPECT_FALSE(sender.table.entries.at(source + page * kPageSize).protection.write);
  uint64_t received = copy_out(receiver.map, copy).value();
  for (uint64_t page = 0; page < 16; ++page) {
    EXPECT_EQ(receiver.read(received + page * kPageSize), page + 1);
    EXPECT_EQ(receiver.pa(received + page * kPageSize), sender.pa(source + page * kPageSize));
  }
  EXPECT_EQ(frames.copies, 0);
  EXPECT_EQ(frames.live(), 16u);
  sender.write(source, 0xee);  // the sender's write copies one page
  EXPECT_EQ(frames.copies, 1);
  EXPECT_EQ(receiver.read(received), 1);
  receiver.write(received + kPageSize, 0xdd);
  EXPECT_EQ(frames.copies, 2);
  EXPECT_EQ(sender.read(source + kPageSize), 2);
  EXPECT_EQ(receiver.read(received + kPageSize), 0xdd);
}

TEST_F(MicrocoreVm, VmCopyUnalignedAndDeallocatingSource) {
  Space sender(frames);
  Space receiver(frames);
  uint64_t keep = sender.map.map_anonymous(kPageSize, Protection::read_write()).value();
  uint64_t source = sender.map.map_anonymous(2 * kPageSize, Protection::read_write()).value();
  uint64_t after = sender.map.map_anonymous(kPageSize, Protection::read_write()).value();
  sender.write(source + 100, 'h');
  sender.write(source + kPageSize, 'i');
  VmCopy* copy = copy_in(sender.map, source + 100, kPageSize, true).value();
  EXPECT_EQ(copy->pages(), 2u);
  EXPECT_EQ(sender.map.lookup(source).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(sender.map.lookup(source + kPageSize).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(sender.table.entries.count(source), 0u);
  EXPECT_TRUE(sender.map.lookup(keep).is_ok());
  EXPECT_TRUE(sender.map.lookup(after).is_ok());
  uint64_t received = copy_out(receiver.map, copy).value();
  EXPECT_EQ(received % kPageSize, 100u);
  EXPECT_EQ(receiver.read(received), 'h');
  EXPECT_EQ(receiver.read(received + kPageSize - 100), 'i');
  receiver.write(received + kPageSize - 100, 'j');  // the whole object moved: no copy
  EXPECT_EQ(frames.copies, 0);
  EXPECT_EQ(frames.live(), 2u);
}

TEST_F(MicrocoreVm, VmCopyOfPartOfARegionStaysCopyOnWrite) {
  Space sender(frames);
  Space receiver(frames);
  uint64_t source = sender.map.map_anonymous(4 * kPageSize, Protection::read_write()).value();
  sender.write(source + kPageSize, 'p');
  VmCopy* copy = copy_in(sender.map, source + kPageSize, kPageSize, true).value();
  EXPECT_EQ(sender.map.statistics().regions, 2u);  // the middle page left
  uint64_t received = copy_out(receiver.map, copy).value();
  EXPECT_EQ(receiver.read(received), 'p');
  EXPECT_EQ(frames.copies, 0);
  // The object is still shared with the sender's other pieces: a write
  // copies rather than scribbling on it.
  receiver.write(received, 'q');
  EXPECT_EQ(frames.copies, 1);
}

TEST_F(MicrocoreVm, VmCopyErrorsAndDiscard) {
  Space sender(frames);
  uint64_t source = sender.map.map_anonymous(2 * kPageSize, Protection::read_write()).value();
  EXPECT_EQ(copy_in(sender.map, source, 3 * kPageSize, false).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(copy_in(sender.map, 0xffff'8000'0000'0000, 16, false).error().code(), rtl::Errc::out_of_range);
  uint64_t device = sender.map.map_physical(0xfee00000, kPageSize, Protection::read_write()).value();
  EXPECT_EQ(copy_in(sender.map, device, 16, false).error().code(), rtl::Errc::not_supported);
  sender.write(source, 3);
  VmCopy* copy = copy_in(sender.map, source, 2 * kPageSize, false).value();
  discard(copy);
  discard(nullptr);
  sender.write(source, 4);  // collapses again: no copy needed
  EXPECT_EQ(frames.copies, 0);
  EXPECT_EQ(sender.read(source), 4);
}

TEST_F(MicrocoreVm, OolHooksRoundTrip) {
  Space sender(frames);
  Space receiver(frames);
  uint64_t source = sender.map.map_anonymous(kPageSize, Protection::read_write()).value();
  sender.write(source + 8, 'z');
  auto in = make_ool_hooks(sender.map);
  auto out = make_ool_hooks(receiver.map);
  EXPECT_EQ(in.copyin(in.context, source, 0, false).value(), 0u);
  auto handle = in.copyin(in.context, source + 8, 100, true).value();
  ASSERT_NE(handle, 0u);
  EXPECT_TRUE(sender.map.lookup(source).is_ok());  // copyin leaves the sender alone
  in.deallocate_source(in.context, source + 8, 100);
  EXPECT_EQ(sender.map.lookup(source).error().code(), rtl::Errc::not_found);
  EXPECT_EQ(out.copyout(out.context, handle, 99).error().code(), rtl::Errc::invalid_argument);
  uint64_t address = out.copyout(out.context, handle, 100).value();
  EXPECT_EQ(receiver.read(address), 'z');
  auto other = in.copyin(in.context, source, 1, false);
  EXPECT_TRUE(other.is_error());
  uint64_t again = receiver.map.map_anonymous(kPageSize, Protection::read_write()).value();
  auto dropped = out.copyin(out.context, again, 10, false).value();
  out.discard(dropped);
}

TEST_F(MicrocoreVm, TenThousandCyclesLeaveNothingBehind) {
  Space s(frames);
  size_t frames_before = frames.live();
  long heap_before = HeapCounter::live;
  for (int i = 0; i < 10000; ++i) {
    uint64_t base = s.map.map_anonymous(3 * kPageSize, Protection::read_write()).value();
    s.write(base + (i % 3) * kPageSize, uint8_t(i));
    ASSERT_TRUE(s.map.unmap(base + kPageSize, kPageSize).is_ok());
    ASSERT_TRUE(s.map.unmap(base, 3 * kPageSize).is_ok());
  }
  EXPECT_EQ(frames.live(), frames_before);
  EXPECT_EQ(HeapCounter::live, heap_before);
  for (int i = 0; i < 10000; ++i) {
    FakePageTable table;
    AddressMap map(table, frames);
    uint64_t base = map.map_anonymous(2 * kPageSize, Protection::read_write()).value();
    ASSERT_TRUE(map.fault(base, Access::write, true).is_ok());
    if (i % 2) {
      FakePageTable child_table;
      AddressMap child(child_table, frames);
      ASSERT_TRUE(map.copy_on_write_clone(child).is_ok());
      ASSERT_TRUE(child.fault(base, Access::write, true).is_ok());
    }
  }
  EXPECT_EQ(frames.live(), frames_before);
  EXPECT_EQ(HeapCounter::live, heap_before);
}

// Runs a scenario touching every allocating path with the n-th heap
// allocation, frame or page-table entry failing; every step either works or
// returns an error, and tearing down leaves nothing behind.
TEST_F(MicrocoreVm, AllocationFailureAtEveryStepLeaksNothing) {
  enum Resource { heap, frame, entry };
  for (Resource resource : {heap, frame, entry}) {
    bool completed = false;
    int budget = 0;
    for (; !completed && budget < 400; ++budget) {
      long heap_before = HeapCounter::live;
      {
        Space a(frames);
        Space b(frames);
        if (resource == heap) HeapCounter::budget = budget;
        if (resource == frame) frames.budget = budget;
        if (resource == entry) a.table.budget = b.table.budget = budget;
        int failures = 0;
        auto step = [&](auto result) {
          if (result.is_error()) {
            ++failures;
            // no_memory, or not_found when an earlier failed step left a
            // region out.
            EXPECT_TRUE(result.error().code() == rtl::Errc::no_memory ||
                        result.error().code() == rtl::Errc::not_found)
                << result.error().what();
          }
          return result.is_ok();
        };
        step(a.map.map_anonymous(8 * kPageSize, Protection::read_write()));
        if (auto region = a.map.lookup(kUserBase); region.is_ok()) {
          uint64_t base = region.value().start;
          for (int i = 0; i < 8; ++i) step(a.map.fault(base + i * kPageSize, Access::write, true));
          step(a.map.unmap(base + 2 * kPageSize, kPageSize));
          step(a.map.protect(base + 4 * kPageSize, kPageSize, Protection::read_only()));
          step(a.map.copy_on_write_clone(b.map));
          step(b.map.fault(base, Access::write, true));
          step(b.map.fault(base + kPageSize, Access::read, true));
          auto in = copy_in(a.map, base + 5 * kPageSize, 2 * kPageSize, false);
          if (in.is_error()) {
            step(rtl::Result<void>(in.error()));
          } else {
            VmCopy* copy = in.value();
            auto out = copy_out(b.map, copy);
            if (out.is_error()) {
              discard(copy);  // still ours after a failed copy_out
              step(rtl::Result<void>(out.error()));
            } else {
              step(b.map.fault(out.value(), Access::write, true));
            }
          }
          step(a.map.fault(base + 5 * kPageSize, Access::write, true));
        }
        completed = failures == 0;
        HeapCounter::budget = -1;
        frames.budget = -1;
        a.table.budget = b.table.budget = -1;
      }
      EXPECT_EQ(frames.live(), 0u) << "resource " << resource << " budget " << budget;
      EXPECT_EQ(HeapCounter::live, heap_before) << "resource " << resource << " budget " << budget;
    }
    EXPECT_TRUE(completed) << "resource " << resource;
    // Failures really were injected at many different steps.
    EXPECT_GT(budget, resource == entry ? 5 : 10) << "resource " << resource;
    std::printf("resource %d: scenario completed with budget %d\n", int(resource), budget - 1);
  }
}

namespace {

// A process that forks many times builds a long shadow chain; dropping it
// must not recurse once per object (the kernel stack is a few pages; here
// the host's 8 MiB stack overflows the same way).
TEST(MicrocoreVmObject, ALongShadowChainIsFreedWithoutRecursion) {
  FakeFrames frames;
  constexpr unsigned kDepth = 300000;
  rtl::RefPtr<VmObject> top = VmObject::create_anonymous(frames, 1).value();
  ASSERT_TRUE(top->insert_page(0, frames.allocate_zeroed().value()).is_ok());
  for (unsigned i = 0; i < kDepth; ++i) top = VmObject::create_shadow(std::move(top), 0, 1).value();
  EXPECT_EQ(top->chain_depth(), kDepth);
  top.reset();
  EXPECT_EQ(frames.live(), 0u);
}

}  // namespace
