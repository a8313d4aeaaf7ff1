// Zone: per-type object caches carved from pages.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "microcore/zone.h"

using microcore::Zone;
using microcore::ZonePageSource;

namespace {

struct Pages {
  int live = 0;
  int budget = -1;  // pages still allowed; -1 = unlimited
  static void* allocate(void* context) {
    auto* self = static_cast<Pages*>(context);
    if (self->budget == 0) return nullptr;
    if (self->budget > 0) --self->budget;
    ++self->live;
    return std::aligned_alloc(Zone::kPageSize, Zone::kPageSize);
  }
  static void release(void* context, void* page) {
    --static_cast<Pages*>(context)->live;
    std::free(page);
  }
  ZonePageSource source() { return {this, allocate, release}; }
};

struct Port {
  explicit Port(int number) : id(number) { ++alive; }
  ~Port() { --alive; }
  int id;
  uint64_t payload[5] = {};
  static inline int alive = 0;
};

}  // namespace

TEST(MicrocoreZone, HandsOutDistinctAlignedObjectsAndReturnsEmptyPages) {
  Pages pages;
  Zone zone("vm_region", 48, 16, pages.source());
  auto stats = zone.statistics();
  EXPECT_STREQ(stats.name, "vm_region");
  EXPECT_EQ(stats.object_size, 48u);
  ASSERT_GT(stats.objects_per_page, 60u);
  std::vector<void*> objects;
  std::set<uintptr_t> seen;
  for (int i = 0; i < 1000; ++i) {
    void* object = zone.allocate().value();
    EXPECT_EQ(reinterpret_cast<uintptr_t>(object) % 16, 0u);
    EXPECT_TRUE(seen.insert(reinterpret_cast<uintptr_t>(object)).second);
    std::memset(object, 0xab, 48);  // objects must not overlap headers or each other
    objects.push_back(object);
  }
  stats = zone.statistics();
  EXPECT_EQ(stats.objects_in_use, 1000u);
  EXPECT_EQ(stats.pages, (1000 + stats.objects_per_page - 1) / stats.objects_per_page);
  EXPECT_EQ(pages.live, int(stats.pages));
  for (size_t i = 0; i < objects.size(); i += 2) zone.free(objects[i]);
  EXPECT_EQ(zone.statistics().objects_in_use, 500u);
  // Freed slots are reused before new pages are taken.
  int before = pages.live;
  for (int i = 0; i < 500; ++i) objects[i * 2] = zone.allocate().value();
  EXPECT_EQ(pages.live, before);
  for (void* object : objects) zone.free(object);
  EXPECT_EQ(zone.statistics().pages, 0u);
  EXPECT_EQ(pages.live, 0);
  EXPECT_EQ(zone.statistics().allocations, 1500u);
}

TEST(MicrocoreZone, NoPageIsAnErrorNotACrash) {
  Pages pages;
  pages.budget = 1;
  Zone zone("tiny", 1024, 8, pages.source());
  std::vector<void*> objects;
  for (;;) {
    auto object = zone.allocate();
    if (object.is_error()) {
      EXPECT_EQ(object.error().code(), rtl::Errc::no_memory);
      break;
    }
    objects.push_back(object.value());
  }
  EXPECT_EQ(objects.size(), zone.statistics().objects_per_page);
  EXPECT_EQ(zone.statistics().failures, 1u);
  for (void* object : objects) zone.free(object);
  EXPECT_EQ(pages.live, 0);
}

TEST(MicrocoreZone, TypedZoneConstructsAndDestroys) {
  Pages pages;
  microcore::TypedZone<Port> ports("port", pages.source());
  std::vector<Port*> made;
  for (int i = 0; i < 200; ++i) made.push_back(ports.make(i).value());
  EXPECT_EQ(Port::alive, 200);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(made[i]->id, i);
  for (Port* port : made) ports.destroy(port);
  EXPECT_EQ(Port::alive, 0);
  EXPECT_EQ(ports.statistics().objects_in_use, 0u);
  EXPECT_EQ(pages.live, 0);
}

TEST(MicrocoreZone, OneObjectPerPage) {
  Pages pages;
  Zone zone("big", 3000, 8, pages.source());
  EXPECT_EQ(zone.statistics().objects_per_page, 1u);
  void* a = zone.allocate().value();
  void* b = zone.allocate().value();
  EXPECT_EQ(pages.live, 2);
  zone.free(a);
  zone.free(b);
  EXPECT_EQ(pages.live, 0);
}
